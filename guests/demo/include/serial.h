/* COM1, a 16550 UART at 0x3F8 on IRQ4: polled output, interrupt-driven input. */
#ifndef SERIAL_H
#define SERIAL_H

#include <stdint.h>

void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
void serial_put_uint(uint32_t value, int min_digits);

/* Returns the next received byte, or -1 when none is waiting. */
int serial_getc(void);

#endif
