/* Test results and leaving the emulator. */
#include "io.h"
#include "lib.h"

/* isa-debug-exit: QEMU's default port is 0x501, and 0xF4 is the usual iobase=0xf4 choice.
 * Writing both works with either setting; the other write lands on an empty port. */
#define DEBUG_EXIT_DEFAULT_PORT 0x501
#define DEBUG_EXIT_COMMON_PORT 0xF4
#define EXIT_PASS 1 /* status 3 */
#define EXIT_FAIL 2 /* status 5 */

static uint32_t passed_count, failed_count;

int check(int passed, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    puts_both(passed ? "ok - " : "not ok - ");
    vprintf_both(format, args);
    putc_both('\n');
    va_end(args);
    if (passed)
        passed_count++;
    else
        failed_count++;
    return passed;
}

void exit_emulator(uint8_t value)
{
    cli();
    outb(DEBUG_EXIT_DEFAULT_PORT, value);
    outb(DEBUG_EXIT_COMMON_PORT, value);
    puts_both("# no isa-debug-exit device; halted\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}

void finish(void)
{
    printf_both("# %u passed, %u failed\n", passed_count, failed_count);
    exit_emulator(failed_count == 0 ? EXIT_PASS : EXIT_FAIL);
}
