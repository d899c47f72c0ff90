/* Descriptor tables and interrupt dispatch. */
#ifndef IDT_H
#define IDT_H

#include <stdint.h>

/* Vectors the PICs are remapped to: IRQ0-7 -> 0x20-0x27, IRQ8-15 -> 0x28-0x2F. */
#define IRQ_BASE 0x20

typedef void (*irq_handler)(void);

/* Loads our flat GDT and an IDT whose 48 first vectors point at the stubs in entry.S. */
void descriptor_tables_init(void);

/* Installs the C function called (with interrupts off) when IRQ line `irq` fires. */
void irq_set_handler(int irq, irq_handler handler);

#endif
