/* The 8259A pair: master at 0x20/0x21, slave at 0xA0/0xA1 on the master's IRQ2. */
#include "io.h"
#include "pic.h"

#define MASTER_COMMAND 0x20
#define MASTER_DATA 0x21
#define SLAVE_COMMAND 0xA0
#define SLAVE_DATA 0xA1
#define OCW2_EOI 0x20

/* Moves the IRQs off the CPU exception vectors, where the BIOS leaves IRQ0-7, and masks every
 * line; drivers unmask what they use. */
void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    outb(MASTER_COMMAND, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
    outb(SLAVE_COMMAND, 0x11);
    outb(MASTER_DATA, master_base); /* ICW2: vector base */
    outb(SLAVE_DATA, slave_base);
    outb(MASTER_DATA, 0x04); /* ICW3: a slave on IRQ2 */
    outb(SLAVE_DATA, 0x02);  /* ICW3: slave identity 2 */
    outb(MASTER_DATA, 0x01); /* ICW4: 8086 mode, normal EOI */
    outb(SLAVE_DATA, 0x01);
    outb(MASTER_DATA, 0xFB); /* everything masked but the cascade */
    outb(SLAVE_DATA, 0xFF);
}

void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? MASTER_DATA : SLAVE_DATA;
    outb(port, inb(port) & ~(1 << (irq & 7)));
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(SLAVE_COMMAND, OCW2_EOI);
    outb(MASTER_COMMAND, OCW2_EOI);
}
