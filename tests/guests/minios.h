/* minios: a small operating system of our own for the tests. It uses what xv6 uses from the
 * PC: the MP tables, the local APIC (timer, EOI), the I/O APIC routing device interrupts, 4 MiB
 * pages, ring 3 processes with a system call gate, and it survives processes that misbehave.
 * minios.c: the hardware checks; minios-proc.c: paging, GDT/TSS/IDT, processes and system
 * calls; minios-entry.S: the trap stubs; minios-user.c: the user programs. */
#ifndef MINIOS_H
#define MINIOS_H

#include <stdint.h>

/* Interrupt vectors: ISA IRQ n through the I/O APIC arrives on IRQ_VECTOR(n). The 8259s are
 * remapped out of the way (and masked) so that a spurious 8259 interrupt is recognisable. */
#define IRQ_VECTOR(irq) (0x20 + (irq))
#define TIMER_VECTOR 0x30
#define ERROR_VECTOR 0x31
#define SYSCALL_VECTOR 0x40
#define PIC_VECTOR_BASE 0xE0
#define SPURIOUS_VECTOR 0xFF

/* System calls: EAX = number, EBX and ECX the arguments, the result in EAX. */
#define SYS_WRITE 1
#define SYS_YIELD 2
#define SYS_EXIT 3
#define SYS_GETPID 4
#define SYS_UPTIME 5
#define SYS_RUNNABLE 6 /* how many processes are alive, the caller included */

/* The user address space: the programs' code at 4 MiB (one 4 MiB page, shared, read-only for
 * ring 3) and one private 4 MiB page per process at USER_BASE for its stack and data. */
#define USER_CODE_BASE 0x00400000u
#define USER_BASE 0x40000000u
#define USER_PAGE_SIZE 0x00400000u

/* What the trap stubs push, lowest address first. user_esp and user_ss are there only for
 * traps from ring 3. */
struct frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_ignored, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
};

/* ---- minios-proc.c ---- */
void cpu_tables_init(void);           /* GDT with ring 3 segments and a TSS, IDT for 256 vectors */
int paging_init(void);                /* 4 MiB pages: identity, an alias at 0xC0000000, the APICs */
typedef void (*vector_handler)(struct frame *f);
void set_vector_handler(int vector, vector_handler handler);
void run_processes(void);             /* returns when every process has exited or was killed */
extern volatile uint32_t ticks;       /* LAPIC timer ticks while processes run */

/* ---- minios.c ---- */
void lapic_eoi(void);

/* ---- minios-user.c ---- */
void user_spinner(void);
void user_yielder(void);
void user_rogue_cli(void);
void user_rogue_write(void);
void user_rogue_int(void);

#endif
