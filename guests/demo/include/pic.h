/* The two cascaded 8259A interrupt controllers. */
#ifndef PIC_H
#define PIC_H

#include <stdint.h>

void pic_remap(uint8_t master_base, uint8_t slave_base);
void pic_unmask(int irq);
void pic_eoi(int irq);

#endif
