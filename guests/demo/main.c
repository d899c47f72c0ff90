/* The HexEmu demo guest: a banner, the RTC time, the command line, a 100 Hz tick, serial
 * echo on the receive interrupt, and an exit through isa-debug-exit. */
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "rtc.h"
#include "serial.h"

#define TICK_HZ 100

/* isa-debug-exit ends the emulator with status (value << 1) | 1. QEMU's default port is 0x501;
 * 0xF4 is the usual "iobase=0xf4" choice. Writing both works with either setting. */
#define DEBUG_EXIT_DEFAULT_PORT 0x501
#define DEBUG_EXIT_COMMON_PORT 0xF4
#define EXIT_VALUE 1 /* status 3 */

static void print_time(void)
{
    struct rtc_time now;
    rtc_read(&now);
    serial_puts("RTC: ");
    serial_put_uint(now.year, 4);
    serial_putc('-');
    serial_put_uint(now.month, 2);
    serial_putc('-');
    serial_put_uint(now.day, 2);
    serial_putc(' ');
    serial_put_uint(now.hour, 2);
    serial_putc(':');
    serial_put_uint(now.minute, 2);
    serial_putc(':');
    serial_put_uint(now.second, 2);
    serial_puts(" UTC\n");
}

static void print_boot_info(uint32_t magic, const struct multiboot_info *info)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        serial_puts("Not started by a Multiboot loader.\n");
        return;
    }
    if (info->flags & MULTIBOOT_INFO_LOADER_NAME) {
        serial_puts("Boot loader: ");
        serial_puts((const char *)info->boot_loader_name);
        serial_puts("\n");
    }
    if (info->flags & MULTIBOOT_INFO_MEMORY) {
        serial_puts("Memory: ");
        serial_put_uint(info->mem_lower, 1);
        serial_puts(" KiB low, ");
        serial_put_uint(info->mem_upper / 1024, 1);
        serial_puts(" MiB above 1 MiB\n");
    }
    serial_puts("Command line: \"");
    if (info->flags & MULTIBOOT_INFO_CMDLINE)
        serial_puts((const char *)info->cmdline);
    serial_puts("\"\n");
}

static void print_ticks(void)
{
    uint32_t ticks = pit_ticks();
    uint32_t hundredths = ticks * 100 / pit_hz();
    serial_puts("\nticks: ");
    serial_put_uint(ticks, 1);
    serial_puts(" (uptime ");
    serial_put_uint(hundredths / 100, 1);
    serial_putc('.');
    serial_put_uint(hundredths % 100, 2);
    serial_puts(" s)\n");
}

static void quit(void)
{
    print_ticks();
    serial_puts("Goodbye from the HexEmu demo.\n");
    cli();
    outb(DEBUG_EXIT_DEFAULT_PORT, EXIT_VALUE);
    outb(DEBUG_EXIT_COMMON_PORT, EXIT_VALUE);
    serial_puts("(no isa-debug-exit device: halted, close the emulator)\n");
    halt_forever();
}

/* Waits for the next received byte, sleeping in HLT until an interrupt brings one. */
static char wait_for_key(void)
{
    for (;;) {
        cli();
        int c = serial_getc();
        if (c >= 0) {
            sti();
            return (char)c;
        }
        sti_hlt();
    }
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    serial_init();

    serial_puts("\nHexEmu demo: a Multiboot kernel in C on a PC, talking over COM1.\n");
    print_time();
    print_boot_info(magic, info);
    pit_start(TICK_HZ);
    sti();
    serial_puts("Type keys to echo, t for ticks, q to quit.\n");

    for (;;) {
        char c = wait_for_key();
        if (c == 'q')
            quit();
        else if (c == 't')
            print_ticks();
        else if (c == '\r' || c == '\n')
            serial_puts("\n");
        else
            serial_putc(c);
    }
}
