/* rrguest.elf: a guest whose output depends on every non-deterministic input a PC has, for the
 * record/replay tests. It takes COM1 input only through the receive interrupt (IRQ4), noting the
 * PIT tick (IRQ0, 100 Hz) and the low TSC word at which each byte arrived; it sleeps in HLT
 * between events, reads the RTC's time of day, prints a heartbeat every 50 ticks, and ends on
 * '~' with a summary of everything it saw. So the output records *when* input arrived, not
 * only what arrived: a replay reproduces it only if it injects every byte at the same
 * instruction, warps idle time the same way and returns the same wall-clock time.
 *
 * Lines (CRLF on COM1, as every test kernel):
 *   # rrguest.elf: ...                                      banner
 *   rtc YYYY-MM-DD HH:MM:SS                                 the RTC at start
 *   rx N 0xBB 'c' tick T tsc XXXXXXXX                       byte number N (from 1) arrived
 *   line L: B bytes, sum S, tick T, rtc HH:MM:SS            after each '\r' or '\n'
 *   heartbeat tick T                                        every 50 ticks, while waiting
 *   # end: N bytes, sum S, crc C, lines L, ticks T, halts H, tsc HHHHHHHH:LLLLLLLL, ram R
 * sum is the byte sum mod 65536 ('~' excluded), crc the CRC-32 of the bytes, ram a CRC-32 of
 * the kernel's memory (code, data, bss and stack). Then isa-debug-exit with value
 * 0x20 | (sum & 0x1F): exit status ((0x20 | (sum & 0x1F)) << 1) | 1, so the status too depends
 * on the input.
 * Command line (-append): hz=N (PIT rate, default 100). */
#include "lib/io.h"
#include "lib/lib.h"

#define TERMINATOR '~'
#define HEARTBEAT_TICKS 50
#define PIT_INPUT_HZ 1193182u
#define KERNEL_BASE 0x200000u

#define IER_RX 0x01
#define LSR_DATA_READY 0x01

extern char _end[]; /* from lib/linker.ld: the end of the kernel's bss (the stack is inside) */

struct arrival {
    uint8_t byte;
    uint32_t tick;
    uint32_t tsc;
};

/* Filled by the receive interrupt, emptied by the main loop. 8-bit indices wrap with it. */
static struct arrival rx[256];
static volatile uint8_t rx_head, rx_tail;
static volatile uint32_t ticks;
static volatile uint32_t rx_interrupts;
static volatile uint8_t ier;

static void on_tick(void)
{
    ticks++;
}

static void set_ier(uint8_t value)
{
    ier = value;
    outb(COM1 + 1, value);
}

static void on_com1(void)
{
    for (;;) {
        uint8_t iir = inb(COM1 + 2);
        if (iir & 0x01)
            return;
        switch (iir & 0x0E) {
        case 0x04: /* received data: take everything the UART holds while the ring has room */
            rx_interrupts++;
            while ((uint8_t)(rx_head + 1) != rx_tail && (inb(COM1 + 5) & LSR_DATA_READY)) {
                struct arrival *a = &rx[rx_head];
                a->byte = inb(COM1);
                a->tick = ticks;
                a->tsc = (uint32_t)rdtsc();
                rx_head++;
            }
            if ((uint8_t)(rx_head + 1) == rx_tail)
                set_ier(0); /* ring full: the byte waits in the UART; the main loop resumes */
            break;
        case 0x06:
            inb(COM1 + 5);
            break;
        case 0x02: /* THRE is never enabled; the IIR read acknowledged it */
            break;
        default:
            inb(COM1 + 6);
            break;
        }
    }
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

static uint8_t bcd_to_binary(uint8_t v, int bcd)
{
    return bcd ? (uint8_t)((v >> 4) * 10 + (v & 0x0F)) : v;
}

struct rtc_time {
    uint32_t year;
    uint8_t month, day, hour, minute, second;
};

/* Reads the time of day outside an update cycle (UIP clear), in either BCD or binary and
 * either 12- or 24-hour mode, as register B says. */
static struct rtc_time rtc_read(void)
{
    struct rtc_time t;
    wait_until(!(cmos_read(0x0A) & 0x80));
    uint8_t b = cmos_read(0x0B);
    int bcd = !(b & 0x04);
    uint8_t hour = cmos_read(0x04);
    int pm = !(b & 0x02) && (hour & 0x80);
    t.second = bcd_to_binary(cmos_read(0x00), bcd);
    t.minute = bcd_to_binary(cmos_read(0x02), bcd);
    t.hour = bcd_to_binary(hour & 0x7F, bcd);
    if (!(b & 0x02))
        t.hour = (uint8_t)(t.hour % 12 + (pm ? 12 : 0));
    t.day = bcd_to_binary(cmos_read(0x07), bcd);
    t.month = bcd_to_binary(cmos_read(0x08), bcd);
    t.year = bcd_to_binary(cmos_read(0x32), bcd) * 100u + bcd_to_binary(cmos_read(0x09), bcd);
    return t;
}

static void print_arrival(uint32_t number, const struct arrival *a)
{
    char shown = (a->byte >= 0x20 && a->byte < 0x7F && a->byte != '\'') ? (char)a->byte : '.';
    printf_both("rx %u 0x%02x '%c' tick %u tsc %08x\n", number, a->byte, shown, a->tick, a->tsc);
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    uint32_t hz = cmdline_uint(info, "hz", 100);
    if (hz < 19 || hz > 10000)
        hz = 100;
    uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;
    printf_both("# rrguest.elf: COM1 input by IRQ4, PIT at %u Hz, RTC, HLT; '%c' ends\n", hz, TERMINATOR);

    struct rtc_time start = rtc_read();
    printf_both("rtc %04u-%02u-%02u %02u:%02u:%02u\n", start.year, start.month, start.day, start.hour,
                start.minute, start.second);

    cli();
    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
    irq_set_handler(0, on_tick);
    irq_set_handler(4, on_com1);
    pic_unmask(0);
    pic_unmask(4);
    set_ier(IER_RX); /* a byte already waiting raises the interrupt at once */

    uint32_t count = 0, sum = 0, crc = 0, lines = 0, line_bytes = 0, line_sum = 0, halts = 0;
    uint32_t next_heartbeat = HEARTBEAT_TICKS;
    for (;;) {
        /* interrupts are off here */
        if (rx_tail == rx_head) {
            if (ticks >= next_heartbeat) {
                uint32_t now = ticks;
                next_heartbeat = now - now % HEARTBEAT_TICKS + HEARTBEAT_TICKS;
                printf_both("heartbeat tick %u\n", now);
                continue;
            }
            if (!(ier & IER_RX))
                set_ier(IER_RX); /* the ring has room again */
            sti_hlt();
            cli();
            halts++;
            continue;
        }
        struct arrival a = rx[rx_tail];
        rx_tail++;
        if (a.byte == TERMINATOR)
            break;
        count++;
        sum = (sum + a.byte) & 0xFFFF;
        crc = crc32_update(crc, &a.byte, 1);
        print_arrival(count, &a);
        if (a.byte == '\r' || a.byte == '\n') {
            struct rtc_time now = rtc_read();
            lines++;
            printf_both("line %u: %u bytes, sum %u, tick %u, rtc %02u:%02u:%02u\n", lines, line_bytes, line_sum,
                        ticks, now.hour, now.minute, now.second);
            line_bytes = line_sum = 0;
        } else {
            line_bytes++;
            line_sum = (line_sum + a.byte) & 0xFFFF;
        }
    }

    set_ier(0);
    pic_mask(4);
    pic_mask(0);
    uint64_t tsc = rdtsc();
    uint32_t ram = crc32_update(0, (const uint8_t *)KERNEL_BASE, (uint32_t)_end - KERNEL_BASE);
    printf_both("# end: %u bytes, sum %u, crc %08x, lines %u, ticks %u, halts %u, tsc %08x:%08x, ram %08x\n", count,
                sum, crc, lines, ticks, halts, (uint32_t)(tsc >> 32), (uint32_t)tsc, ram);
    exit_emulator((uint8_t)(0x20 | (sum & 0x1F)));
}
