/* A flat GDT and an IDT for the CPU exceptions and the sixteen IRQs. */
#include "idt.h"
#include "io.h"
#include "pic.h"
#include "serial.h"

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

/* Null, then 4 GiB ring-0 code (selector 0x08) and data (0x10). */
static const uint64_t gdt[3] = {
    0,
    0x00CF9A000000FFFFull,
    0x00CF92000000FFFFull,
};

static struct gate idt[VECTOR_COUNT];
static irq_handler irq_handlers[16];

extern const uint32_t vector_stubs[VECTOR_COUNT];

static void load_gdt(void)
{
    struct table_pointer pointer = { sizeof gdt - 1, (uint32_t)gdt };
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
        : : "m"(pointer) : "eax", "memory");
}

void descriptor_tables_init(void)
{
    load_gdt();
    for (int v = 0; v < VECTOR_COUNT; v++) {
        idt[v].offset_low = vector_stubs[v] & 0xFFFF;
        idt[v].selector = 0x08;
        idt[v].zero = 0;
        idt[v].type = 0x8E; /* present, ring 0, 32-bit interrupt gate (clears IF) */
        idt[v].offset_high = vector_stubs[v] >> 16;
    }
    struct table_pointer pointer = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

void irq_set_handler(int irq, irq_handler handler)
{
    irq_handlers[irq] = handler;
}

/* Called from entry.S for every vector. */
void interrupt_dispatch(uint32_t vector)
{
    if (vector < IRQ_BASE) {
        serial_puts("\n*** CPU exception ");
        serial_put_uint(vector, 1);
        serial_puts(", halting\n");
        halt_forever();
    }
    int irq = vector - IRQ_BASE;
    if (irq_handlers[irq])
        irq_handlers[irq]();
    pic_eoi(irq);
}
