/* Flat GDT, IDT for vectors 0-47, the 8259A pair and IRQ dispatch. */
#include "io.h"
#include "lib.h"

#define VECTOR_COUNT 48

struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint32_t base;
};

struct __attribute__((packed)) gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offset_high;
};

/* Null, 4 GiB ring-0 code (0x08) and data (0x10). */
static const uint64_t gdt[3] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull };
static struct gate idt[VECTOR_COUNT];
static irq_handler irq_handlers[16];
extern const uint32_t vector_stubs[VECTOR_COUNT];

void descriptor_tables_init(void)
{
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
        : : "m"(gdtr) : "eax", "memory");
    for (int v = 0; v < VECTOR_COUNT; v++) {
        idt[v].offset_low = vector_stubs[v] & 0xFFFF;
        idt[v].selector = 0x08;
        idt[v].zero = 0;
        idt[v].type = 0x8E; /* 32-bit interrupt gate: IF is clear inside handlers */
        idt[v].offset_high = vector_stubs[v] >> 16;
    }
    struct table_pointer idtr = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(0xA0, 0x11);
    outb(0x21, master_base);
    outb(0xA1, slave_base);
    outb(0x21, 0x04); /* slave on IRQ2 */
    outb(0xA1, 0x02);
    outb(0x21, 0x01); /* 8086 mode, normal EOI */
    outb(0xA1, 0x01);
    outb(0x21, 0xFB);
    outb(0xA1, 0xFF);
}

void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? 0x21 : 0xA1;
    outb(port, inb(port) & ~(1 << (irq & 7)));
}

void pic_mask(int irq)
{
    uint16_t port = irq < 8 ? 0x21 : 0xA1;
    outb(port, inb(port) | (1 << (irq & 7)));
}

void irq_set_handler(int irq, irq_handler handler)
{
    irq_handlers[irq] = handler;
}

/* Called by entry.S for every vector. Handlers run before the EOI, so they can still see
 * their line in the ISR. */
void interrupt_dispatch(uint32_t vector)
{
    if (vector < IRQ_BASE) {
        check(0, "no CPU exception (got vector %u)", vector);
        finish();
    }
    int irq = vector - IRQ_BASE;
    if (irq_handlers[irq])
        irq_handlers[irq]();
    if (irq >= 8)
        outb(0xA0, 0x20);
    outb(0x20, 0x20);
}

uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, 0x80 | reg); /* bit 7 keeps NMIs off */
    return inb(0x71);
}

void cmos_write(uint8_t reg, uint8_t value)
{
    outb(0x70, 0x80 | reg);
    outb(0x71, value);
}
