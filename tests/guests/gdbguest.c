/* gdbguest.elf: the guest the real-gdb tests debug, forwards and backwards. It is built with
 * -g -O0 (see the Makefile) so that gdb's line stepping (next, step, finish and their reverse
 * forms) has C lines and frames to work with; the runtime in lib/ has no debug info, so gdb
 * steps over it.
 *
 * main loop (kmain)               iteration i = 0, 1, 2, ...
 *   value = step(i)               depth 2: step calls square (depth 3)
 *   total += value
 *   counter = i + 1               the global `counter`: written exactly once per iteration,
 *                                 so after iteration i it holds i + 1 (a watchpoint's values)
 *   every 2^poll_shift iterations: poll COM1 for input (never waits), echo what came, add it up
 *   every 2^report_shift iterations: a progress line
 *   at iterations mark1, mark2, mark3 (if given): a call of milestone(i), where the benchmark
 *                                 (bench/reverse.sh) puts a breakpoint to stand at a chosen depth
 * step(x) = square(x) + x + 1 = x*x + x + 1.
 *
 * No interrupt is ever enabled and nothing depends on host time, so every run executes the
 * same instructions up to the moment serial input arrives (a recording of a run with input
 * holds those arrivals as events).
 *
 * The tests find lines by the "@name" tags in comments below, so moving code keeps them right.
 *
 * Lines (CRLF on COM1):
 *   # gdbguest.elf: N iterations                         banner
 *   iteration I counter C total T                        every 2^report_shift iterations
 *   rx 0xBB                                              a byte of input arrived
 *   # end: iterations N, counter C, total T, received R bytes, sum S
 * total is the sum of step(i) mod 2^32. Then isa-debug-exit with value 1 (status 3).
 * Command line (-append): iterations=N (default 1000), report=K (report_shift, default 8),
 * poll=K (poll_shift, default 4), mark1=I mark2=I mark3=I (default: none). 10^9 instructions
 * take about 18 million iterations (bench/reverse.sh measures the exact rate). */
#include "lib/io.h"
#include "lib/lib.h"

#define LSR_DATA_READY 0x01
#define NO_MARK 0xFFFFFFFFu /* an iteration the loop never reaches */

volatile int counter;                   /* @counter-variable */
static volatile uint32_t received_bytes;
static volatile uint32_t received_sum;

int square(int x)
{
    int s = x * x;                      /* @square-body */
    return s;                           /* @square-return */
}

int step(int x)
{
    int y = square(x);                  /* @step-call */
    y = y + x + 1;                      /* @step-after */
    return y;                           /* @step-return */
}

/* Empty markers around the loop: breakpoints on them bracket all the work (the benchmark's span). */
void __attribute__((noinline)) loop_starts(void)
{
    __asm__ volatile("" ::: "memory");
}

void __attribute__((noinline)) loop_ended(void)
{
    __asm__ volatile("" ::: "memory");
}

/* Called at the iterations given as mark1..mark3: a place that runs once, at a chosen depth. */
void __attribute__((noinline)) milestone(uint32_t iteration)
{
    (void)iteration;
    __asm__ volatile("" ::: "memory");
}

/* Takes whatever COM1 holds now, without waiting: the byte count and sum record the input. */
static void poll_input(void)
{
    while (inb(COM1 + 5) & LSR_DATA_READY) {
        uint8_t byte = inb(COM1);
        received_bytes++;
        received_sum += byte;
        printf_both("rx 0x%02x\n", byte);
    }
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    console_init();
    uint32_t iterations = cmdline_uint(info, "iterations", 1000);
    uint32_t report_mask = (1u << (cmdline_uint(info, "report", 8) & 31)) - 1;
    uint32_t poll_mask = (1u << (cmdline_uint(info, "poll", 4) & 31)) - 1;
    uint32_t mark1 = cmdline_uint(info, "mark1", NO_MARK);
    uint32_t mark2 = cmdline_uint(info, "mark2", NO_MARK);
    uint32_t mark3 = cmdline_uint(info, "mark3", NO_MARK);
    printf_both("# gdbguest.elf: %u iterations\n", iterations);

    uint32_t total = 0;
    loop_starts();
    for (uint32_t i = 0; i < iterations; i++) {
        int value = step((int)i);       /* @main-call */
        total += (uint32_t)value;       /* @main-after */
        counter = (int)i + 1;           /* @main-counter */
        if ((i & poll_mask) == 0)       /* @main-after-counter */
            poll_input();               /* @main-poll */
        if (i == mark1 || i == mark2 || i == mark3)
            milestone(i);               /* @main-milestone */
        if ((i & report_mask) == 0)
            printf_both("iteration %u counter %d total %u\n", i, counter, total);
    }
    loop_ended();                       /* @main-end */

    printf_both("# end: iterations %u, counter %d, total %u, received %u bytes, sum %u\n", iterations, counter,
                total, received_bytes, received_sum);
    exit_emulator(1);
}
