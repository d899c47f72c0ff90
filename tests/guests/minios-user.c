/* minios's user programs. They run in ring 3 from the read-only user code page and touch only
 * their stack, in their own 4 MiB page; they reach the kernel only through INT 0x40. Each writes
 * its pid at the first word of its page, which the kernel checks afterwards. */
#include <stdint.h>
#include "minios.h"

static inline int sys(int number, uint32_t a, uint32_t b)
{
    int result;
    __asm__ volatile("int $0x40" : "=a"(result) : "a"(number), "b"(a), "c"(b) : "memory");
    return result;
}

static void write_text(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    sys(SYS_WRITE, (uint32_t)s, n);
}

static void write_number(uint32_t value)
{
    char digits[11];
    int at = sizeof digits;
    do {
        digits[--at] = '0' + value % 10;
        value /= 10;
    } while (value);
    sys(SYS_WRITE, (uint32_t)&digits[at], sizeof digits - at);
}

static void exit_with(int code)
{
    sys(SYS_EXIT, (uint32_t)code, 0);
    for (;;)
        ; /* not reached: the kernel never resumes a process that exited */
}

static void mark_page(void)
{
    *(volatile uint32_t *)USER_BASE = (uint32_t)sys(SYS_GETPID, 0, 0);
}

/* Bounds for a timer that does not preempt: a second at 1 kHz, or this many system calls. */
#define SPIN_TICKS 1000u
#define SPIN_BOUND 5000000u

/* Never yields: it waits for the others to finish, which they can only do if the timer
 * preempts it. */
void user_spinner(void)
{
    mark_page();
    uint32_t sum = 0;
    for (uint32_t i = 1; i <= 1000; i++)
        sum += i * i;
    uint32_t start = (uint32_t)sys(SYS_UPTIME, 0, 0);
    uint32_t spins = 0;
    int alone;
    while (!(alone = sys(SYS_RUNNABLE, 0, 0) == 1) && (uint32_t)sys(SYS_UPTIME, 0, 0) - start < SPIN_TICKS
           && ++spins < SPIN_BOUND)
        ;
    write_text("spinner: pid ");
    write_number((uint32_t)sys(SYS_GETPID, 0, 0));
    write_text(", sum of squares 1..1000 = ");
    write_number(sum);
    write_text(alone ? ", the others finished while I spun without yielding\n"
                     : ", the others did not finish while I spun\n");
    exit_with(0);
}

/* Writes a line, yields, three times over. */
void user_yielder(void)
{
    mark_page();
    for (uint32_t round = 1; round <= 3; round++) {
        write_text("yielder: pid ");
        write_number((uint32_t)sys(SYS_GETPID, 0, 0));
        write_text(" round ");
        write_number(round);
        write_text("\n");
        sys(SYS_YIELD, 0, 0);
    }
    /* The kernel refuses a buffer outside the user's pages. */
    int refused = sys(SYS_WRITE, 0x00200000u, 4) == -1;
    write_text(refused ? "yielder: a write from kernel memory was refused\n"
                       : "yielder: a write from kernel memory was accepted\n");
    exit_with(7);
}

/* A privileged instruction in ring 3: #GP. */
void user_rogue_cli(void)
{
    mark_page();
    write_text("rogue: trying cli\n");
    __asm__ volatile("cli");
    write_text("rogue: still alive after cli\n");
    exit_with(1);
}

/* A write to a kernel page: a page fault. */
void user_rogue_write(void)
{
    mark_page();
    write_text("vandal: writing to the kernel at 0x200000\n");
    *(volatile uint32_t *)0x00200000u = 0xDEADBEEF;
    write_text("vandal: still alive after the write\n");
    exit_with(1);
}

/* INT n through a gate of DPL 0 (the LAPIC timer's): #GP with the IDT entry as error code. */
void user_rogue_int(void)
{
    mark_page();
    write_text("intruder: raising the timer vector with INT\n");
    __asm__ volatile("int $0x30");
    write_text("intruder: still alive after INT\n");
    exit_with(1);
}
