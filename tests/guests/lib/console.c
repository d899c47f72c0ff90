/* Output to COM1 and to the isa-debugcon port, and a tiny printf. */
#include "io.h"
#include "lib.h"

#define LSR_THR_EMPTY 0x20

/* 115200 8N1. IER stays 0 and the FIFO control register is left alone: enabling the FIFOs
 * empties the receiver, which would lose piped input that is already waiting. */
void console_init(void)
{
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 */
}

static void serial_raw(char c)
{
    /* Bounded: a UART stuck in loopback or missing must not hang the test. */
    wait_until(inb(COM1 + 5) & LSR_THR_EMPTY);
    outb(COM1, (uint8_t)c);
}

void putc_both(char c)
{
    if (c == '\n')
        serial_raw('\r');
    serial_raw(c);
    outb(DEBUGCON, (uint8_t)c);
}

void puts_both(const char *s)
{
    while (*s)
        putc_both(*s++);
}

static void put_number(uint32_t value, unsigned base, int width, char pad, int negative)
{
    char digits[12];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value);
    if (negative)
        digits[n++] = '-';
    while (width-- > n)
        putc_both(pad);
    while (n)
        putc_both(digits[--n]);
}

void vprintf_both(const char *f, va_list args)
{
    for (; *f; f++) {
        if (*f != '%') {
            putc_both(*f);
            continue;
        }
        f++;
        char pad = ' ';
        int width = 0;
        if (*f == '0') {
            pad = '0';
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        switch (*f) {
        case 'c': putc_both((char)va_arg(args, int)); break;
        case 's': puts_both(va_arg(args, const char *)); break;
        case 'u': put_number(va_arg(args, uint32_t), 10, width, pad, 0); break;
        case 'x': put_number(va_arg(args, uint32_t), 16, width, pad, 0); break;
        case 'd': {
            int32_t v = va_arg(args, int32_t);
            put_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case '%': putc_both('%'); break;
        default: putc_both('?'); break;
        }
    }
}

void printf_both(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprintf_both(format, args);
    va_end(args);
}
