/* The small runtime shared by the test kernels: console, test results, interrupts, exit. */
#ifndef LIB_H
#define LIB_H

#include <stdarg.h>
#include <stdint.h>
#include "multiboot.h"

/* ---- console: every byte goes to COM1 (polled) and to the isa-debugcon port 0xE9 ---- */
#define COM1 0x3F8
#define DEBUGCON 0xE9

void console_init(void);
void putc_both(char c);
void puts_both(const char *s);
/* printf-lite: %c %s %d %u %x with optional 0-padding and width (e.g. %02x), and %%. */
void printf_both(const char *format, ...);
void vprintf_both(const char *format, va_list args);

/* ---- test results, printed as "ok - what" / "not ok - what" ---- */
int check(int passed, const char *format, ...);
/* Prints the summary and leaves through isa-debug-exit: status 3 if every check passed,
 * 5 otherwise (QEMU turns value v into status (v << 1) | 1). */
void finish(void) __attribute__((noreturn));
void exit_emulator(uint8_t value) __attribute__((noreturn));

/* Spins (not halts) until `condition` holds, at most SPIN_LIMIT times; returns whether it
 * held. The condition is evaluated once per try (it may read a port that changes when read).
 * The limit only bounds a failure, so it is generous. */
#define SPIN_LIMIT 50000000u
#define wait_until(condition) ({ \
    uint32_t spins_ = 0; \
    int held_; \
    while (!(held_ = !!(condition)) && ++spins_ < SPIN_LIMIT) \
        cpu_pause(); \
    held_; })

/* ---- descriptor tables, PIC and IRQ dispatch ---- */
#define IRQ_BASE 0x20
typedef void (*irq_handler)(void);
void descriptor_tables_init(void);
void pic_remap(uint8_t master_base, uint8_t slave_base); /* leaves all lines but IRQ2 masked */
void pic_unmask(int irq);
void pic_mask(int irq);
void irq_set_handler(int irq, irq_handler handler);

/* ---- CMOS ---- */
uint8_t cmos_read(uint8_t reg);
void cmos_write(uint8_t reg, uint8_t value);

/* ---- misc ---- */
void *memset(void *dest, int value, uint32_t count);
int str_starts_with(const char *s, const char *prefix);
uint32_t parse_uint(const char *s, const char **end);
/* Value of "key=N" in the Multiboot command line, or `fallback`. */
uint32_t cmdline_uint(const struct multiboot_info *info, const char *key, uint32_t fallback);

#endif
