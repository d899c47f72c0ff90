/* Channel 0 of the 8254 as the system tick. */
#include "idt.h"
#include "io.h"
#include "pic.h"
#include "pit.h"

#define PIT_INPUT_HZ 1193182u
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43

static volatile uint32_t ticks;
static uint32_t tick_hz;

static void on_tick(void)
{
    ticks++;
}

void pit_start(uint32_t hz)
{
    uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;
    tick_hz = hz;
    outb(PIT_COMMAND, 0x34); /* channel 0, low then high byte, mode 2 (rate generator) */
    outb(PIT_CHANNEL0, divisor & 0xFF);
    outb(PIT_CHANNEL0, divisor >> 8);
    irq_set_handler(0, on_tick);
    pic_unmask(0);
}

uint32_t pit_ticks(void)
{
    return ticks;
}

uint32_t pit_hz(void)
{
    return tick_hz;
}
