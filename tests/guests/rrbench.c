/* rrbench.elf: a CPU-bound guest for timing record/replay against a plain -icount run. It
 * computes a fixed amount of work (integer arithmetic, table look-ups, memory writes and calls)
 * with the PIT interrupting at 1000 Hz, prints the result, and leaves through isa-debug-exit
 * (status 3). Nothing in it waits for input, so every run executes the same instructions; only
 * the timer interrupts (on virtual time) and, when recording, the log cost differ.
 * Command line (-append): rounds=N (default 2000; one round is about 100,000 instructions). */
#include "lib/io.h"
#include "lib/lib.h"

#define PIT_INPUT_HZ 1193182u
#define HZ 1000u
#define WORDS 4096

static volatile uint32_t ticks;
static uint32_t table[256];
static uint32_t buffer[WORDS];

static void on_tick(void)
{
    ticks++;
}

static uint32_t mix(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* One round: a pass of xorshift and a table look-up over the buffer, then a checksum. */
static uint32_t __attribute__((noinline)) round_of_work(uint32_t seed)
{
    uint32_t x = seed;
    for (int i = 0; i < WORDS; i++) {
        x = mix(x);
        buffer[i] = buffer[i] * 31u + (x ^ table[x & 0xFF]);
    }
    uint32_t check = 0;
    for (int i = 0; i < WORDS; i += 4)
        check = (check << 1 | check >> 31) ^ buffer[i] ^ buffer[i + 1] ^ buffer[i + 2] ^ buffer[i + 3];
    return check;
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    uint32_t rounds = cmdline_uint(info, "rounds", 2000);
    printf_both("# rrbench.elf: %u rounds of work with the PIT at %u Hz\n", rounds, HZ);

    for (int i = 0; i < 256; i++)
        table[i] = mix(0x9E3779B9u * (uint32_t)(i + 1));
    uint32_t divisor = (PIT_INPUT_HZ + HZ / 2) / HZ;
    cli();
    outb(0x43, 0x34);
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
    irq_set_handler(0, on_tick);
    pic_unmask(0);
    sti();

    uint32_t result = 0;
    for (uint32_t r = 0; r < rounds; r++)
        result = mix(result ^ round_of_work(result + r));

    cli();
    pic_mask(0);
    printf_both("result %08x after %u rounds, %u ticks\n", result, rounds, ticks);
    exit_emulator(1);
}
