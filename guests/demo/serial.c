/* COM1: 115200 8N1, output by polling the line status, input by the receive interrupt. */
#include "idt.h"
#include "io.h"
#include "pic.h"
#include "serial.h"

#define COM1 0x3F8
#define COM1_IRQ 4

#define REG_DATA 0      /* RBR on read, THR on write (DLAB=0) */
#define REG_IER 1
#define REG_IIR 2       /* IIR on read, FCR on write */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5

#define IER_RX_AVAILABLE 0x01
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the UART's interrupt onto the ISA bus */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* Received bytes, filled by the interrupt handler and drained by serial_getc. */
static volatile uint8_t rx_buffer[256];
static volatile uint8_t rx_head, rx_tail;

static void on_serial_interrupt(void)
{
    while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
        uint8_t byte = inb(COM1 + REG_DATA);
        if ((uint8_t)(rx_head + 1) != rx_tail) /* drop on overflow rather than overwrite */
            rx_buffer[rx_head++] = byte;
    }
}

void serial_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    /* The FIFOs stay off: switching them on empties the receiver, which would lose a byte
     * that arrived before we got here (input piped in is there from the first instant). */
    outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
    irq_set_handler(COM1_IRQ, on_serial_interrupt);
    outb(COM1 + REG_IER, IER_RX_AVAILABLE);
    pic_unmask(COM1_IRQ);
}

void serial_putc(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}

void serial_put_uint(uint32_t value, int min_digits)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = '0' + value % 10;
        value /= 10;
    } while (value);
    while (min_digits-- > n)
        serial_putc('0');
    while (n)
        serial_putc(digits[--n]);
}

int serial_getc(void)
{
    if (rx_tail == rx_head)
        return -1;
    return rx_buffer[rx_tail++];
}
