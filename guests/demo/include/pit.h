/* The 8254 programmable interval timer, channel 0 on IRQ0. */
#ifndef PIT_H
#define PIT_H

#include <stdint.h>

void pit_start(uint32_t hz);
uint32_t pit_ticks(void);
uint32_t pit_hz(void);

#endif
