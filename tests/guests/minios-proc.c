/* minios: descriptor tables, paging, processes, system calls and traps. */
#include "lib/io.h"
#include "lib/lib.h"
#include "minios.h"

#define KERNEL_CODE 0x08
#define KERNEL_DATA 0x10
#define USER_CODE (0x18 | 3)
#define USER_DATA (0x20 | 3)
#define TSS_SELECTOR 0x28

#define PDE_PRESENT 0x001
#define PDE_WRITE 0x002
#define PDE_USER 0x004
#define PDE_WRITE_THROUGH 0x008
#define PDE_NO_CACHE 0x010
#define PDE_LARGE 0x080 /* a 4 MiB page (CR4.PSE) */

#define RAM_MAPPED (128u << 20)        /* identity-mapped for the kernel */
#define PROCESS_PAGES_PHYS (16u << 20) /* process n's private page: 16 MiB + 4 MiB * n */
#define ALIAS_BASE 0xC0000000u
#define APIC_PAGE 0xFEC00000u          /* one 4 MiB page holds the I/O APIC and the local APIC */

#define MAX_PROCS 5
#define LOG_SIZE 512

struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint32_t base;
};

struct __attribute__((packed)) gate {
    uint16_t offset_low, selector;
    uint8_t zero, type;
    uint16_t offset_high;
};

struct __attribute__((packed)) tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
};

enum proc_state { UNUSED, RUNNABLE, EXITED, KILLED };

struct proc {
    enum proc_state state;
    uint32_t pid;
    const char *name;
    struct frame *frame;     /* where its registers are while it does not run */
    uint32_t *page_directory;
    uint8_t *kernel_stack_top;
    int exit_code;
    uint32_t trap_vector, trap_error, trap_address;
    uint32_t finish_order;   /* 1 for the first process to end, … */
    char log[LOG_SIZE];      /* what it wrote, printed when all are done: the output does not depend on timing */
    uint32_t log_length;
};

static uint64_t gdt[6] = {
    0,
    0x00CF9A000000FFFFull, /* 0x08 ring 0 code */
    0x00CF92000000FFFFull, /* 0x10 ring 0 data */
    0x00CFFA000000FFFFull, /* 0x18 ring 3 code */
    0x00CFF2000000FFFFull, /* 0x20 ring 3 data */
    0,                     /* 0x28 TSS, filled in */
};
static struct tss tss;
static struct gate idt[256];
static vector_handler handlers[256];
extern const uint32_t trap_stubs[256];

static uint32_t kernel_directory[1024] __attribute__((aligned(4096)));
static uint32_t process_directories[MAX_PROCS][1024] __attribute__((aligned(4096)));
static uint8_t kernel_stacks[MAX_PROCS][4096] __attribute__((aligned(16)));
static struct proc procs[MAX_PROCS];
static struct proc *current;
static uint32_t finished_count;

volatile uint32_t ticks;
static uint32_t preemptions;

void enter_processes(struct frame *first);

static void set_gate(int vector, uint8_t type)
{
    idt[vector].offset_low = trap_stubs[vector] & 0xFFFF;
    idt[vector].selector = KERNEL_CODE;
    idt[vector].zero = 0;
    idt[vector].type = type;
    idt[vector].offset_high = trap_stubs[vector] >> 16;
}

void cpu_tables_init(void)
{
    uint32_t base = (uint32_t)&tss, limit = sizeof tss - 1;
    /* A 32-bit available TSS (type 9), present, DPL 0, byte granular. */
    gdt[5] = (limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) | (0x89ull << 40)
        | ((uint64_t)((limit >> 16) & 0xF) << 48) | ((uint64_t)(base >> 24) << 56);
    tss.ss0 = KERNEL_DATA;
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap: ring 3 may not touch ports */

    struct table_pointer gdtr = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "ljmp $0x08, $1f\n"
        "1:\n\t"
        "mov $0x10, %%ax\n\t"
        "mov %%ax, %%ds\n\t"
        "mov %%ax, %%es\n\t"
        "mov %%ax, %%fs\n\t"
        "mov %%ax, %%gs\n\t"
        "mov %%ax, %%ss\n\t"
        "mov $0x28, %%ax\n\t"
        "ltr %%ax\n\t"
        : : "m"(gdtr) : "eax", "memory");

    /* Interrupt gates (IF clear inside the kernel), DPL 0 so that ring 3 cannot raise them with
     * INT n; the system call gate alone has DPL 3. */
    for (int v = 0; v < 256; v++)
        set_gate(v, 0x8E);
    set_gate(SYSCALL_VECTOR, 0xEE);
    struct table_pointer idtr = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void set_vector_handler(int vector, vector_handler handler)
{
    handlers[vector] = handler;
}

/* The kernel's mappings, the same in every address space. */
static void map_kernel(uint32_t *directory)
{
    for (uint32_t a = 0; a < RAM_MAPPED; a += USER_PAGE_SIZE)
        directory[a >> 22] = a | PDE_PRESENT | PDE_WRITE | PDE_LARGE;
    /* The user programs' code: readable, not writable, from ring 3. */
    directory[USER_CODE_BASE >> 22] = USER_CODE_BASE | PDE_PRESENT | PDE_USER | PDE_LARGE;
    directory[ALIAS_BASE >> 22] = 0 | PDE_PRESENT | PDE_WRITE | PDE_LARGE;
    directory[APIC_PAGE >> 22] = APIC_PAGE | PDE_PRESENT | PDE_WRITE | PDE_WRITE_THROUGH | PDE_NO_CACHE | PDE_LARGE;
}

static void load_cr3(uint32_t *directory)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(directory) : "memory");
}

/* Returns whether a word written through the identity mapping reads back through the alias. */
int paging_init(void)
{
    map_kernel(kernel_directory);
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 0x10)); /* PSE */
    load_cr3(kernel_directory);
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x80000000u) : "memory");

    static volatile uint32_t probe = 0x12345678;
    volatile uint32_t *alias = (volatile uint32_t *)(ALIAS_BASE + (uint32_t)&probe);
    int before = *alias == 0x12345678;
    probe = 0x9ABCDEF0;
    return before && *alias == 0x9ABCDEF0;
}

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* ---- processes ---- */

static void start_process(int index, const char *name, void (*entry)(void))
{
    struct proc *p = &procs[index];
    p->state = RUNNABLE;
    p->pid = index + 1;
    p->name = name;
    p->page_directory = process_directories[index];
    map_kernel(p->page_directory);
    p->page_directory[USER_BASE >> 22] = (PROCESS_PAGES_PHYS + index * USER_PAGE_SIZE)
        | PDE_PRESENT | PDE_WRITE | PDE_USER | PDE_LARGE;
    p->kernel_stack_top = kernel_stacks[index] + sizeof kernel_stacks[index];
    struct frame *f = (struct frame *)(p->kernel_stack_top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->gs = f->fs = f->es = f->ds = USER_DATA;
    f->cs = USER_CODE;
    f->user_ss = USER_DATA;
    f->user_esp = USER_BASE + USER_PAGE_SIZE;
    f->eflags = 0x202; /* IF set, IOPL 0 */
    f->eip = (uint32_t)entry;
    p->frame = f;
}

/* Makes p the running process and returns the frame to resume it from. */
static struct frame *switch_to(struct proc *p)
{
    current = p;
    tss.esp0 = (uint32_t)p->kernel_stack_top;
    load_cr3(p->page_directory);
    return p->frame;
}

/* The next runnable process after the current one (round robin), or 0 when none is left. */
static struct frame *schedule(void)
{
    int start = current ? (int)(current - procs) : MAX_PROCS - 1;
    for (int i = 1; i <= MAX_PROCS; i++) {
        struct proc *p = &procs[(start + i) % MAX_PROCS];
        if (p->state == RUNNABLE)
            return switch_to(p);
    }
    current = 0;
    load_cr3(kernel_directory);
    return 0;
}

static void end_process(struct proc *p, enum proc_state how)
{
    p->state = how;
    p->finish_order = ++finished_count;
}

static void log_append(struct proc *p, const char *s, uint32_t length)
{
    for (uint32_t i = 0; i < length && p->log_length < LOG_SIZE - 1; i++)
        p->log[p->log_length++] = s[i];
}

static int user_range(uint32_t address, uint32_t length)
{
    if (length > LOG_SIZE)
        return 0;
    uint32_t end = address + length;
    if (end < address)
        return 0;
    return (address >= USER_CODE_BASE && end <= USER_CODE_BASE + USER_PAGE_SIZE)
        || (address >= USER_BASE && end <= USER_BASE + USER_PAGE_SIZE);
}

static struct frame *syscall(struct frame *f)
{
    struct proc *p = current;
    switch (f->eax) {
    case SYS_WRITE:
        if (!user_range(f->ebx, f->ecx)) {
            f->eax = (uint32_t)-1;
            return f;
        }
        log_append(p, (const char *)f->ebx, f->ecx);
        f->eax = f->ecx;
        return f;
    case SYS_YIELD:
        f->eax = 0;
        return schedule();
    case SYS_EXIT:
        p->exit_code = (int)f->ebx;
        end_process(p, EXITED);
        return schedule();
    case SYS_GETPID:
        f->eax = p->pid;
        return f;
    case SYS_UPTIME:
        f->eax = ticks;
        return f;
    case SYS_RUNNABLE:
        f->eax = 0;
        for (int i = 0; i < MAX_PROCS; i++)
            f->eax += procs[i].state == RUNNABLE;
        return f;
    default:
        f->eax = (uint32_t)-1;
        return f;
    }
}

/* Called by trap_common for every vector; returns the frame to resume (0: no process left). */
struct frame *trap(struct frame *f)
{
    int from_user = (f->cs & 3) == 3;
    if (from_user)
        current->frame = f;
    if (f->vector < 32) {
        if (!from_user) {
            check(0, "no CPU exception in the kernel (vector %u, error %x, eip %x, cr2 %x)",
                  f->vector, f->error, f->eip, read_cr2());
            finish();
        }
        current->trap_vector = f->vector;
        current->trap_error = f->error;
        current->trap_address = f->vector == 14 ? read_cr2() : f->eip;
        end_process(current, KILLED);
        return schedule();
    }
    if (f->vector == SYSCALL_VECTOR && from_user)
        return syscall(f);
    if (handlers[f->vector])
        handlers[f->vector](f);
    if (f->vector == TIMER_VECTOR && from_user) {
        ticks++;
        struct proc *was = current;
        struct frame *next = schedule();
        if (current != was)
            preemptions++;
        return next;
    }
    return f;
}

/* ---- the process phase ---- */

static void tick_in_kernel(struct frame *f)
{
    (void)f;
    lapic_eoi();
}

void run_processes(void)
{
    static const struct { const char *name; void (*entry)(void); } programs[MAX_PROCS] = {
        { "spinner", user_spinner },
        { "yielder", user_yielder },
        { "rogue", user_rogue_cli },
        { "vandal", user_rogue_write },
        { "intruder", user_rogue_int },
    };
    for (int i = 0; i < MAX_PROCS; i++)
        start_process(i, programs[i].name, programs[i].entry);
    set_vector_handler(TIMER_VECTOR, tick_in_kernel);
    ticks = 0;
    current = 0;
    enter_processes(schedule());
    /* Back in the kernel, with interrupts off, every process gone. */

    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &procs[i];
        p->log[p->log_length] = 0;
        puts_both(p->log);
        if (p->state == KILLED) {
            if (p->trap_vector == 14)
                printf_both("minios: pid %u trap 14 err %x addr %x\n", p->pid, p->trap_error, p->trap_address);
            else
                printf_both("minios: pid %u trap %u err %x\n", p->pid, p->trap_vector, p->trap_error);
        } else {
            printf_both("minios: pid %u (%s) exited with %d\n", p->pid, p->name, p->exit_code);
        }
    }
    struct proc *spinner = &procs[0], *yielder = &procs[1], *rogue = &procs[2], *vandal = &procs[3],
        *intruder = &procs[4];
    check(spinner->state == EXITED && spinner->exit_code == 0, "pid 1 (spinner, never yields) exited normally");
    check(yielder->state == EXITED && yielder->exit_code == 7, "pid 2 (yielder) exited with its own code 7");
    check(yielder->finish_order < spinner->finish_order,
          "pid 2 finished while pid 1 still ran: the LAPIC timer preempted a process that never yields");
    check(preemptions > 0, "the timer tick switched processes");
    check(rogue->state == KILLED && rogue->trap_vector == 13 && rogue->trap_error == 0,
          "pid 3 was killed by #GP(0) for CLI in ring 3");
    check(vandal->state == KILLED && vandal->trap_vector == 14 && vandal->trap_error == 7
          && vandal->trap_address == 0x00200000,
          "pid 4 was killed by a page fault (user write, present) on the kernel page 0x200000");
    check(intruder->state == KILLED && intruder->trap_vector == 13 && intruder->trap_error == ((TIMER_VECTOR << 3) | 2),
          "pid 5 was killed by #GP for INT 0x%x through a DPL 0 gate (error code: the IDT entry)", TIMER_VECTOR);
    int private_pages = 1;
    for (int i = 0; i < MAX_PROCS; i++)
        private_pages &= *(volatile uint32_t *)(PROCESS_PAGES_PHYS + i * USER_PAGE_SIZE) == procs[i].pid;
    check(private_pages, "each process wrote its pid at virtual 0x%x and it landed in its own 4 MiB page", USER_BASE);
}
