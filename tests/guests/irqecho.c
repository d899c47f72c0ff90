/* irqecho.elf: echoes what arrives on COM1 until a '~', receiving and transmitting only
 * through the UART's interrupts (IRQ4): the receive interrupt fills a ring, the main loop
 * sleeps in HLT, and the transmitter-empty interrupt drains the echo ring. When the receive
 * ring is full the receive interrupt is switched off, so the sender waits instead of bytes
 * being lost. The FIFOs stay
 * off: switching them on empties the receiver, and piped input is waiting from the start.
 * Input and output are byte-for-byte deterministic, so the output can be compared. */
#include "lib/io.h"
#include "lib/lib.h"

#define TERMINATOR '~'

#define IER_RX 0x01
#define IER_THRE 0x02
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

struct ring {
    volatile uint8_t bytes[256];
    volatile uint8_t head, tail; /* 8-bit indices wrap with the buffer */
};

static struct ring rx, tx;
static volatile uint32_t rx_interrupts, thre_interrupts;
static volatile uint8_t ier = IER_RX;

static int ring_free(const struct ring *r)
{
    return 255 - (uint8_t)(r->head - r->tail);
}

static void set_ier(uint8_t value)
{
    ier = value;
    outb(COM1 + 1, value);
}

static int ring_put(struct ring *r, uint8_t byte)
{
    if ((uint8_t)(r->head + 1) == r->tail)
        return 0;
    r->bytes[r->head++] = byte;
    return 1;
}

static int ring_get(struct ring *r)
{
    if (r->tail == r->head)
        return -1;
    return r->bytes[r->tail++];
}

static void on_com1(void)
{
    for (;;) {
        uint8_t iir = inb(COM1 + 2);
        if (iir & 0x01)
            return; /* nothing (more) pending */
        switch (iir & 0x0E) {
        case 0x04: /* received data */
            rx_interrupts++;
            while (ring_free(&rx) > 0 && (inb(COM1 + 5) & LSR_DATA_READY))
                ring_put(&rx, inb(COM1));
            if (ring_free(&rx) == 0)
                set_ier(ier & ~IER_RX); /* ring full: leave the byte in the UART, which
                                           holds back the sender; the main loop resumes */
            break;
        case 0x02: { /* transmitter empty: the IIR read above acknowledged it */
            thre_interrupts++;
            int byte = ring_get(&tx);
            if (byte < 0)
                set_ier(ier & ~IER_THRE); /* nothing left: stop asking */
            else
                outb(COM1, (uint8_t)byte);
            break;
        }
        case 0x06: /* line status */
            inb(COM1 + 5);
            break;
        default: /* modem status */
            inb(COM1 + 6);
            break;
        }
    }
}

/* Queues a byte for the transmit interrupt; called with interrupts off. */
static void send(uint8_t byte)
{
    while (!ring_put(&tx, byte))
        sti_hlt(), cli(); /* ring full: let the interrupt drain it */
    set_ier(ier | IER_THRE); /* enabling THRE with THR empty raises it at once */
    outb(DEBUGCON, byte);
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    puts_both("# irqecho.elf: echoes COM1 input through the UART interrupts until '~'\n");

    irq_set_handler(4, on_com1);
    pic_unmask(4);
    set_ier(IER_RX); /* a byte that is already waiting raises the interrupt now */

    uint32_t count = 0, sum = 0;
    int done = 0;
    while (!done) {
        cli();
        int byte = ring_get(&rx);
        if (byte < 0) {
            if (!(ier & IER_RX))
                set_ier(ier | IER_RX); /* room again: take input (a waiting byte interrupts) */
            sti_hlt();
            continue;
        }
        if (byte == TERMINATOR) {
            done = 1;
        } else {
            count++;
            sum = (sum + (uint8_t)byte) & 0xFFFF;
            send((uint8_t)byte);
        }
        sti();
    }

    /* Let the transmit interrupt finish the echo, then back to polled output. */
    cli();
    while (tx.tail != tx.head)
        sti_hlt(), cli();
    set_ier(0);
    pic_mask(4);
    wait_until((inb(COM1 + 5) & 0x60) == 0x60);

    puts_both("\n");
    check(1, "echoed %u bytes (sum %u) through the receive and transmit interrupts", count, sum);
    check(rx_interrupts > 0 && (count == 0 || thre_interrupts > 0),
          "bytes came and went only through interrupts");
    finish();
}
