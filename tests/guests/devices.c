/* devices.elf: checks each PC device through its ports and prints one "ok - ..." or
 * "not ok - ..." line per fact, on COM1 and on isa-debugcon. Every line is deterministic:
 * only facts that do not depend on host speed are asserted, and no time is printed. The
 * state the firmware (SeaBIOS under QEMU) leaves behind is never relied on: each device is
 * programmed before it is checked. */
#include "lib/io.h"
#include "lib/lib.h"

/* ------------------------------------------------------------------ PIC */

static volatile uint32_t irq0_count;
static volatile uint8_t isr_seen_in_handler;

static uint8_t pic_read_irr(uint16_t command_port)
{
    outb(command_port, 0x0A); /* OCW3: read IRR */
    return inb(command_port);
}

static uint8_t pic_read_isr(uint16_t command_port)
{
    outb(command_port, 0x0B); /* OCW3: read ISR */
    uint8_t isr = inb(command_port);
    outb(command_port, 0x0A);
    return isr;
}

static void on_irq0_checking_isr(void)
{
    isr_seen_in_handler |= pic_read_isr(0x20);
    irq0_count++;
}

static void pit_channel0(uint8_t mode, uint16_t divisor)
{
    outb(0x43, 0x30 | (mode << 1)); /* channel 0, low then high byte */
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
}

static void test_pic(void)
{
    cli();
    outb(0x21, 0x5A);
    outb(0xA1, 0xA5);
    uint8_t master = inb(0x21), slave = inb(0xA1);
    check(master == 0x5A && slave == 0xA5,
          "pic mask registers read back (master %02x, slave %02x)", master, slave);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);

    /* A masked line still latches its request in the IRR. */
    pit_channel0(2, 1193); /* about 1 kHz */
    int latched = wait_until(pic_read_irr(0x20) & 0x01);
    check(latched, "pic irr bit 0 set by the pit while irq0 is masked");
    check((pic_read_isr(0x20) & 0x01) == 0, "pic isr bit 0 clear before the interrupt is taken");

    irq0_count = 0;
    isr_seen_in_handler = 0;
    irq_set_handler(0, on_irq0_checking_isr);
    outb(0x21, 0xFA); /* irq0 and the cascade */
    sti();
    int arrived = wait_until(irq0_count >= 3);
    cli();
    check(arrived, "pic delivers irq0 at the remapped vector 0x20");
    check(isr_seen_in_handler == 0x01, "pic isr shows irq0 in service inside its handler (%02x)",
          isr_seen_in_handler);
    check(pic_read_isr(0x20) == 0 && pic_read_isr(0xA0) == 0, "pic isr clear after eoi");
    outb(0x21, 0xFB);
    irq_set_handler(0, 0);
}

/* ------------------------------------------------------------------ PIT */

static volatile uint32_t pit_ticks;

static void on_pit_tick(void)
{
    pit_ticks++;
}

static uint16_t pit_latch_channel0(void)
{
    outb(0x43, 0x00); /* counter latch, channel 0 */
    uint8_t low = inb(0x40);
    return low | (inb(0x40) << 8);
}

static void test_pit(void)
{
    cli();
    pit_channel0(2, 11932); /* 100 Hz */
    pit_ticks = 0;
    irq_set_handler(0, on_pit_tick);
    pic_unmask(0);
    sti();
    int ticking = wait_until(pit_ticks >= 5);
    cli();
    pic_mask(0);
    irq_set_handler(0, 0);
    check(ticking, "pit channel 0 mode 2 raises irq0 repeatedly");

    /* Read-back command: status of channel 0 (OUT and null-count bits vary, the rest not). */
    pit_channel0(2, 0); /* divisor 65536: 55 ms per period */
    outb(0x43, 0xE2);
    uint8_t status = inb(0x40);
    check((status & 0x3F) == 0x34, "pit read-back status: lobyte/hibyte, mode 2, binary (%02x)",
          status & 0x3F);

    /* Latched counts: successive distinct readings; the counter counts down, so a pair goes up
     * only across a reload. An emulator whose clock follows the host's may be descheduled
     * between two readings for longer than a period, which makes a pair go up too: a loaded
     * host can do that a few times in a row, but not twenty, so look for one pair going down
     * among up to twenty. */
    uint16_t previous = pit_latch_channel0(), current = 0;
    int distinct = 1, decreasing = 0;
    for (int i = 0; i < 20 && distinct && !decreasing; i++) {
        distinct = wait_until((current = pit_latch_channel0()) != previous);
        decreasing = distinct && current < previous;
        previous = current;
    }
    check(distinct && decreasing, "pit latched count of channel 0 counts down");

    /* Read-back latching status and count together: the status byte comes out first. */
    outb(0x43, 0xC2);
    uint8_t status_first = inb(0x40);
    inb(0x40);
    inb(0x40);
    check((status_first & 0x3F) == 0x34, "pit read-back of status and count gives status first");

    /* Channel 2 through port 0x61: bit 0 is its gate, bit 5 its OUT pin. */
    uint8_t port61 = inb(0x61) & 0x0C;
    outb(0x61, port61); /* gate low, speaker off */
    outb(0x43, 0xB2);   /* channel 2, lobyte/hibyte, mode 1 (one-shot on a gate edge) */
    outb(0x42, 0x00);
    outb(0x42, 0x10);   /* 4096 counts: about 3.4 ms */
    check(inb(0x61) & 0x20, "pit channel 2 mode 1 out is high before its gate is raised");
    outb(0x61, port61 | 0x01);
    int fired = wait_until(inb(0x61) & 0x20);
    check(fired, "pit channel 2 one-shot out is high again after the count");

    outb(0x43, 0xB6);  /* channel 2, mode 3 (square wave) */
    outb(0x42, 100);
    outb(0x42, 0);
    int seen_high = wait_until(inb(0x61) & 0x20);
    int seen_low = wait_until(!(inb(0x61) & 0x20));
    int high_again = wait_until(inb(0x61) & 0x20);
    check(seen_high && seen_low && high_again, "pit channel 2 square wave toggles port 0x61 bit 5");

    outb(0x43, 0xB0);  /* channel 2, mode 0 */
    outb(0x42, 0x00);
    outb(0x42, 0x01);
    int terminal = wait_until(inb(0x61) & 0x20);
    int stays = 1;
    for (int i = 0; i < 1000; i++)
        stays &= (inb(0x61) & 0x20) != 0;
    check(terminal && stays, "pit channel 2 mode 0 out goes high at terminal count and stays");

    int refresh_high = wait_until(inb(0x61) & 0x10);
    int refresh_low = wait_until(!(inb(0x61) & 0x10));
    check(refresh_high && refresh_low, "port 0x61 bit 4 (refresh) toggles");
    outb(0x61, port61);
}

/* ------------------------------------------------------------------ CMOS / RTC */

static volatile uint32_t rtc_interrupts;
static volatile uint8_t rtc_flags_seen;

static void on_rtc(void)
{
    rtc_flags_seen |= cmos_read(0x0C); /* reading C acknowledges the interrupt */
    rtc_interrupts++;
}

/* The century belongs to the clock: the RTC rewrites it from its time, so it is no scratch
 * byte. QEMU also answers reads of 0x37 (the IBM PS/2 century location) with it. */
#define CMOS_CENTURY 0x32
#define CMOS_PS2_CENTURY 0x37

static int bcd_valid(uint8_t v, uint8_t max)
{
    return (v & 0x0F) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0x0F)) <= max;
}

static void test_cmos(const struct multiboot_info *info)
{
    cli();
    uint8_t a = cmos_read(0x0A), b = cmos_read(0x0B), d = cmos_read(0x0D);
    check((a & 0x7F) == 0x26, "cmos register A = 26 (32.768 kHz base, 1024 Hz rate) (%02x)",
          a & 0x7F);
    check(b == 0x02, "cmos register B = 02 (24 hour, BCD, no interrupts) (%02x)", b);
    check(d == 0x80, "cmos register D = 80 (valid RAM and time) (%02x)", d);
    check((cmos_read(0x0C) & 0x0F) == 0, "cmos register C low bits read 0");

    /* NVRAM: every byte from 0x0E to 0x7F keeps what is written; restore afterwards. */
    uint8_t saved[128];
    for (int i = 0x0E; i < 0x80; i++)
        saved[i] = cmos_read(i);
    int nvram_ok = 1;
    for (int pattern = 0; pattern < 2; pattern++) {
        for (int i = 0x0E; i < 0x80; i++)
            if (i != CMOS_CENTURY && i != CMOS_PS2_CENTURY)
                cmos_write(i, (uint8_t)(i * 7) ^ (pattern ? 0xFF : 0x00));
        for (int i = 0x0E; i < 0x80; i++)
            if (i != CMOS_CENTURY && i != CMOS_PS2_CENTURY)
                nvram_ok &= cmos_read(i) == ((uint8_t)(i * 7) ^ (pattern ? 0xFF : 0x00));
    }
    for (int i = 0x0E; i < 0x80; i++)
        if (i != CMOS_CENTURY && i != CMOS_PS2_CENTURY)
            cmos_write(i, saved[i]);
    check(nvram_ok, "cmos nvram bytes 0e-7f (but 32 and 37) read back what was written");
    uint8_t century = cmos_read(CMOS_CENTURY);
    check(bcd_valid(century, 99) && century >= 0x19, "cmos 32 holds the century in BCD");
    check(cmos_read(CMOS_PS2_CENTURY) == century, "cmos 37 reads the century too");

    /* Memory size bytes, as PC firmware expects them (KiB, little-endian pairs). */
    uint32_t base = cmos_read(0x15) | cmos_read(0x16) << 8;
    uint32_t ext = cmos_read(0x17) | cmos_read(0x18) << 8;
    uint32_t ext2 = cmos_read(0x30) | cmos_read(0x31) << 8;
    uint32_t above16 = cmos_read(0x34) | cmos_read(0x35) << 8;
    check(base == 640, "cmos 15/16 base memory = %u KiB", base);
    /* Multiboot's mem_upper is the RAM from 1 MiB to the first hole; the firmware may keep a
     * little at the top for itself, so round up to whole MiB to get the RAM size. */
    uint32_t ram_kib = ((info->mem_upper + 1024 + 1023) / 1024) * 1024;
    uint32_t want_ext = ram_kib - 1024 > 65535 ? 65535 : ram_kib - 1024;
    uint32_t want_above16 = ram_kib > 16384 ? (ram_kib - 16384) / 64 : 0;
    if (want_above16 > 65535)
        want_above16 = 65535;
    check(ext == want_ext, "cmos 17/18 extended memory = %u KiB", ext);
    check(ext2 == want_ext, "cmos 30/31 extended memory = %u KiB", ext2);
    check(above16 == want_above16, "cmos 34/35 memory above 16 MiB = %u x 64 KiB", above16);

    /* The clock itself: the time is not printed, only checked for a sane BCD encoding. */
    wait_until(!(cmos_read(0x0A) & 0x80));
    int time_ok = bcd_valid(cmos_read(0x00), 59) && bcd_valid(cmos_read(0x02), 59) &&
                  bcd_valid(cmos_read(0x04), 23) && bcd_valid(cmos_read(0x07), 31) &&
                  bcd_valid(cmos_read(0x08), 12) && bcd_valid(cmos_read(0x09), 99) &&
                  cmos_read(0x07) != 0 && cmos_read(0x08) != 0;
    check(time_ok, "rtc date and time registers hold valid BCD");

    /* Periodic interrupt on IRQ8 at 1024 Hz through register B's PIE bit. */
    rtc_interrupts = 0;
    rtc_flags_seen = 0;
    irq_set_handler(8, on_rtc);
    cmos_read(0x0C);
    cmos_write(0x0A, 0x26);
    cmos_write(0x0B, 0x42); /* PIE, 24 hour */
    pic_unmask(8);
    sti();
    int periodic = wait_until(rtc_interrupts >= 4);
    cli();
    cmos_write(0x0B, 0x02);
    pic_mask(8);
    cmos_read(0x0C);
    irq_set_handler(8, 0);
    check(periodic, "rtc periodic interrupt arrives on irq8");
    check((rtc_flags_seen & 0xC0) == 0xC0, "rtc register C shows IRQF and PF in the handler");
}

/* ------------------------------------------------------------------ UART */

static volatile uint32_t uart_interrupts;
static volatile uint8_t uart_iir_seen;
static volatile uint8_t uart_received;

static void on_uart(void)
{
    uint8_t iir = inb(COM1 + 2);
    uart_iir_seen = iir;
    if ((iir & 0x0F) == 0x04)
        uart_received = inb(COM1);
    uart_interrupts++;
}

static void test_uart(void)
{
    cli();
    /* Let the last line leave before the UART is turned inward. */
    wait_until((inb(COM1 + 5) & 0x60) == 0x60);

    outb(COM1 + 7, 0x5A);
    uint8_t scratch1 = inb(COM1 + 7);
    outb(COM1 + 7, 0xA5);
    uint8_t scratch2 = inb(COM1 + 7);

    outb(COM1 + 1, 0x00);
    outb(COM1 + 2, 0x00); /* FIFOs off */
    uint8_t iir_plain = inb(COM1 + 2);
    outb(COM1 + 2, 0x07); /* FIFOs on and cleared, trigger at 1 byte */
    uint8_t iir_fifo = inb(COM1 + 2);
    uint8_t lsr_idle = inb(COM1 + 5);
    uint8_t lcr = inb(COM1 + 3);

    /* Loopback: the modem outputs come back as the modem inputs, THR comes back in RBR. */
    outb(COM1 + 4, 0x1F);
    uint8_t msr_all = inb(COM1 + 6) & 0xF0;
    outb(COM1 + 4, 0x10);
    uint8_t msr_none = inb(COM1 + 6) & 0xF0;
    outb(COM1 + 4, 0x12); /* loop + RTS only */
    uint8_t msr_rts = inb(COM1 + 6) & 0xF0;

    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    const char sent[4] = { 'H', 'e', 'X', '!' };
    for (int i = 0; i < 4; i++)
        outb(COM1, sent[i]);
    int all_back = wait_until(inb(COM1 + 5) & 0x01);
    uint8_t lsr_with_data = inb(COM1 + 5);
    int echo_ok = 1;
    uint8_t got[4];
    for (int i = 0; i < 4; i++) {
        all_back &= wait_until(inb(COM1 + 5) & 0x01);
        got[i] = inb(COM1);
        echo_ok &= got[i] == (uint8_t)sent[i];
    }
    uint8_t lsr_drained = inb(COM1 + 5) & 0x01;

    /* Receive interrupt in loopback. */
    irq_set_handler(4, on_uart);
    uart_interrupts = 0;
    uart_iir_seen = 0;
    uart_received = 0;
    outb(COM1 + 1, 0x01);
    pic_unmask(4);
    outb(COM1, 'r');
    sti();
    int rx_irq = wait_until(uart_interrupts >= 1 && uart_received == 'r');
    cli();
    uint8_t rx_iir = uart_iir_seen;

    /* Transmitter-empty interrupt: raised when enabled with THR empty, again after a byte. */
    outb(COM1 + 1, 0x00);
    wait_until((inb(COM1 + 5) & 0x60) == 0x60);
    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    uart_interrupts = 0;
    uart_iir_seen = 0;
    outb(COM1 + 1, 0x02);
    sti();
    int thre_first = wait_until(uart_interrupts >= 1);
    cli();
    uint8_t thre_iir = uart_iir_seen;
    uint8_t iir_after_read = inb(COM1 + 2);
    outb(COM1, 't');
    sti();
    int thre_second = wait_until(uart_interrupts >= 2);
    cli();

    /* Back to the console setting; drop what the loopback left behind. */
    outb(COM1 + 1, 0x00);
    pic_mask(4);
    irq_set_handler(4, 0);
    outb(COM1 + 4, 0x0B);
    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    outb(COM1 + 2, 0x00);

    check(scratch1 == 0x5A && scratch2 == 0xA5, "uart scratch register reads back");
    check(lcr == 0x03, "uart line control reads back 8N1 (%02x)", lcr);
    check(iir_plain == 0x01, "uart iir with fifos off and nothing pending = %02x", iir_plain);
    check(iir_fifo == 0xC1, "uart iir with fifos on and nothing pending = %02x", iir_fifo);
    check(lsr_idle == 0x60, "uart lsr idle = %02x (THR and shift register empty)", lsr_idle);
    check(msr_all == 0xF0, "uart loopback: dtr rts out1 out2 come back as dsr cts ri dcd (%02x)",
          msr_all);
    check(msr_none == 0x00, "uart loopback: no outputs, no modem inputs (%02x)", msr_none);
    check(msr_rts == 0x10, "uart loopback: rts alone comes back as cts (%02x)", msr_rts);
    check(all_back && (lsr_with_data & 0x61) == 0x61, "uart lsr shows data ready (%02x)",
          lsr_with_data & 0x61);
    check(echo_ok, "uart loopback returns 4 bytes through the fifo in order (%02x %02x %02x %02x)",
          got[0], got[1], got[2], got[3]);
    check(lsr_drained == 0, "uart lsr data ready clears when the fifo is empty");
    check(rx_irq && (rx_iir & 0x0F) == 0x04, "uart receive interrupt on irq4 (iir %02x)", rx_iir);
    check(thre_first && (thre_iir & 0x0F) == 0x02,
          "uart transmitter-empty interrupt on irq4 when enabled (iir %02x)", thre_iir);
    check((iir_after_read & 0x0F) == 0x01, "uart reading iir acknowledges the THRE interrupt");
    check(thre_second, "uart transmitter-empty interrupt again after a byte is sent");
}

/* ------------------------------------------------------------------ i8042 */

static int kbc_write_ready(void)
{
    return wait_until(!(inb(0x64) & 0x02));
}

static void kbc_command(uint8_t command)
{
    kbc_write_ready();
    outb(0x64, command);
}

static void kbc_data(uint8_t data)
{
    kbc_write_ready();
    outb(0x60, data);
}

/* Next byte from the output buffer, or -1 if none comes. */
static int kbc_read(void)
{
    if (!wait_until(inb(0x64) & 0x01))
        return -1;
    return inb(0x60);
}

static void kbc_drain(void)
{
    for (int i = 0; i < 64 && (inb(0x64) & 0x01); i++) {
        inb(0x60);
        for (volatile int j = 0; j < 1000; j++)
            ;
    }
}

static void test_i8042(void)
{
    cli();
    kbc_drain();
    kbc_command(0x60);
    kbc_data(0x44); /* translate, system flag; no interrupts: these checks poll */
    kbc_drain();

    kbc_command(0xAA);
    int self_test = kbc_read();
    check(self_test == 0x55, "i8042 self-test (aa) answers 55 (%02x)", self_test & 0xFF);

    kbc_command(0x60);
    kbc_data(0x74);
    kbc_command(0x20);
    int command_byte = kbc_read();
    check(command_byte == 0x74, "i8042 command byte reads back 74 (%02x)", command_byte & 0xFF);
    kbc_command(0x60);
    kbc_data(0x44);
    kbc_command(0x20);
    command_byte = kbc_read();
    check(command_byte == 0x44, "i8042 command byte reads back 44 (%02x)", command_byte & 0xFF);

    check((inb(0x64) & 0x04) != 0, "i8042 status shows the system flag");

    kbc_command(0xAB);
    int interface = kbc_read();
    check(interface == 0x00, "i8042 keyboard interface test (ab) answers 00 (%02x)",
          interface & 0xFF);

    kbc_data(0xFF); /* keyboard reset */
    int ack = kbc_read();
    int bat = kbc_read();
    check(ack == 0xFA && bat == 0xAA, "keyboard reset (ff) answers fa aa (%02x %02x)",
          ack & 0xFF, bat & 0xFF);
    kbc_data(0xEE);
    int echo = kbc_read();
    check(echo == 0xEE, "keyboard echo (ee) answers ee (%02x)", echo & 0xFF);
    /* The identify answer's last byte is 83, which the controller hands over as 41 while
     * it translates scan codes (command byte bit 6). */
    kbc_data(0xF2);
    int id_ack = kbc_read(), id1 = kbc_read(), id2 = kbc_read();
    check(id_ack == 0xFA && id1 == 0xAB && id2 == 0x41,
          "keyboard identify (f2) with translation answers fa ab 41 (%02x %02x %02x)",
          id_ack & 0xFF, id1 & 0xFF, id2 & 0xFF);
    kbc_command(0x60);
    kbc_data(0x04);
    kbc_data(0xF2);
    id_ack = kbc_read(), id1 = kbc_read(), id2 = kbc_read();
    check(id_ack == 0xFA && id1 == 0xAB && id2 == 0x83,
          "keyboard identify (f2) without translation answers fa ab 83 (%02x %02x %02x)",
          id_ack & 0xFF, id1 & 0xFF, id2 & 0xFF);
    kbc_command(0x60);
    kbc_data(0x44);

    kbc_command(0xD0);
    int outport = kbc_read();
    check((outport & 0x03) == 0x03, "i8042 output port shows reset line high and A20 on (%02x)",
          outport & 0x03);
}

/* ------------------------------------------------------------------ A20 */

/* A word in the third megabyte and its alias one megabyte up: with A20 off, bit 20 of every
 * address is forced to 0, so writing the upper one lands on the lower one. */
static volatile uint32_t a20_probe;

static int a20_wraps(void)
{
    volatile uint32_t *low = &a20_probe;
    volatile uint32_t *high = (volatile uint32_t *)((uint32_t)low + 0x100000);
    *low = 0x11111111;
    *high = 0x22222222;
    int wraps = *low == 0x22222222;
    *low = 0;
    return wraps;
}

static void i8042_a20(int on)
{
    kbc_command(0xD1);
    kbc_data(0x01 | (on ? 0x02 : 0)); /* bit 0 must stay 1: 0 resets the machine */
    kbc_command(0xD0);
    kbc_read();
}

static void port92_a20(int on)
{
    outb(0x92, (inb(0x92) & ~0x03) | (on ? 0x02 : 0)); /* bit 0 would reset the machine */
}

static void test_a20(void)
{
    cli();
    /* Two A20 sources; the sequence works both where the last write wins (QEMU) and where
     * the two are ORed (many real boards). */
    i8042_a20(0);
    port92_a20(0);
    uint8_t p92_off = inb(0x92) & 0x03;
    kbc_command(0xD0);
    int out_off = kbc_read() & 0x03;
    check(p92_off == 0x00 && out_off == 0x01,
          "A20 off in both port 92 (%02x) and the i8042 output port (%02x)", p92_off, out_off);
    check(a20_wraps(), "A20 off: addresses wrap at 1 MiB");

    i8042_a20(1);
    check(!a20_wraps(), "A20 on through i8042 command d1: no wrap");
    i8042_a20(0);
    check(a20_wraps(), "A20 off through i8042 command d1: wraps");

    port92_a20(1);
    uint8_t p92_on = inb(0x92) & 0x03;
    check(p92_on == 0x02, "port 92 reads back A20 on (%02x)", p92_on);
    check(!a20_wraps(), "A20 on through port 92: no wrap");
    port92_a20(0);
    check(a20_wraps(), "A20 off through port 92: wraps");

    port92_a20(1);
    i8042_a20(1);
    check(!a20_wraps(), "A20 back on");
}

/* ------------------------------------------------------------------ CGA, port 0x80, debugcon */

static void test_video_and_misc(void)
{
    volatile uint16_t *text = (volatile uint16_t *)0xB8000;
    static const uint16_t cells[] = { 0x0748, 0x1F65, 0x7058, 0x4F21 };
    static const uint32_t places[] = { 0, 1, 79, 80 * 25 - 1 };
    for (int i = 0; i < 4; i++)
        text[places[i]] = cells[i];
    int text_ok = 1;
    for (int i = 0; i < 4; i++)
        text_ok &= text[places[i]] == cells[i];
    check(text_ok, "cga text memory at b8000 reads back");

    outb(0x3D4, 0x0E);
    outb(0x3D5, 0x01);
    outb(0x3D4, 0x0F);
    outb(0x3D5, 0x23);
    uint8_t index = inb(0x3D4);
    outb(0x3D4, 0x0E);
    uint8_t high = inb(0x3D5);
    outb(0x3D4, 0x0F);
    uint8_t low = inb(0x3D5);
    check(index == 0x0F, "crtc index register reads back (%02x)", index);
    check(high == 0x01 && low == 0x23, "crtc cursor location 0e/0f reads back (%02x%02x)", high,
          low);
    outb(0x3D4, 0x0E);
    outb(0x3D5, 0x00);
    outb(0x3D4, 0x0F);
    outb(0x3D5, 0x00);

    /* Port 0x80 is the classic I/O delay: writing it between the CMOS index and data
     * accesses must change nothing. */
    int delay_harmless = 1;
    for (int i = 0; i < 256; i++) {
        outb(0x70, 0x8D);
        outb(0x80, i);
        delay_harmless &= inb(0x71) == 0x80;
    }
    check(delay_harmless, "port 80 writes between cmos index and data change nothing");

    uint8_t debugcon = inb(DEBUGCON);
    check(debugcon == 0xE9, "isa-debugcon port reads e9 (%02x)", debugcon);
}

/* ------------------------------------------------------------------ Multiboot */

struct __attribute__((packed)) mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t base, length;
    uint32_t type;
};

struct entry_state {
    uint32_t cr0, eflags, cs_limit, ds_limit, ss_limit;
    int a20_on;
};

static uint32_t segment_limit(uint16_t selector)
{
    uint32_t limit = 0;
    __asm__ volatile("lsl %1, %0" : "+r"(limit) : "rm"((uint32_t)selector) : "cc");
    return limit;
}

/* What the Multiboot specification promises at entry, taken before anything changes it. */
static void capture_entry_state(struct entry_state *state)
{
    uint16_t cs, ds, ss;
    __asm__ volatile("mov %%cr0, %0" : "=r"(state->cr0));
    __asm__ volatile("pushfl; pop %0" : "=r"(state->eflags));
    __asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%ss, %2" : "=r"(cs), "=r"(ds), "=r"(ss));
    state->cs_limit = segment_limit(cs);
    state->ds_limit = segment_limit(ds);
    state->ss_limit = segment_limit(ss);
    state->a20_on = !a20_wraps();
}

static int ends_with(const char *s, uint32_t length, const char *suffix)
{
    uint32_t n = 0;
    while (suffix[n])
        n++;
    if (length < n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (s[length - n + i] != suffix[i])
            return 0;
    return 1;
}

static void test_multiboot(uint32_t magic, const struct multiboot_info *info,
                           const struct entry_state *state)
{
    check(magic == MULTIBOOT_BOOTLOADER_MAGIC, "multiboot magic in eax");
    check((state->cr0 & 0x80000001) == 0x00000001, "entered in protected mode without paging");
    check((state->eflags & 0x00020200) == 0, "entered with interrupts off and not in v86 mode");
    check(state->cs_limit == 0xFFFFFFFF && state->ds_limit == 0xFFFFFFFF &&
              state->ss_limit == 0xFFFFFFFF,
          "entered with flat 4 GiB code, data and stack segments");
    check(state->a20_on, "entered with A20 on");

    uint32_t wanted = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | (1u << 6) |
                      MULTIBOOT_INFO_LOADER_NAME;
    check((info->flags & wanted) == wanted,
          "multiboot info has memory, command line, memory map and loader name");
    check(info->mem_lower >= 512 && info->mem_lower <= 640, "multiboot mem_lower = %u KiB",
          info->mem_lower);

    /* The command line starts with the kernel's file name, as GRUB and QEMU pass it; with no
     * -append, nothing but spaces follows it. */
    const char *cmdline = (const char *)info->cmdline;
    uint32_t word = 0;
    while (cmdline[word] && cmdline[word] != ' ')
        word++;
    int rest_blank = 1;
    for (uint32_t i = word; cmdline[i]; i++)
        rest_blank &= cmdline[i] == ' ';
    check(ends_with(cmdline, word, "devices.elf") && rest_blank,
          "multiboot command line is the kernel's file name");
    const char *loader = (const char *)info->boot_loader_name;
    check(loader[0] != 0, "multiboot boot loader name is not empty");

    /* The memory map: usable RAM at 0 and at 1 MiB, the latter as large as mem_upper. */
    int low_ok = 0, high_ok = 0;
    for (uint32_t p = info->mmap_addr; p < info->mmap_addr + info->mmap_length;) {
        const struct mmap_entry *e = (const struct mmap_entry *)p;
        if (e->type == 1 && e->base == 0 && e->length >= (uint64_t)info->mem_lower * 1024)
            low_ok = 1;
        if (e->type == 1 && e->base == 0x100000 && e->length == (uint64_t)info->mem_upper * 1024)
            high_ok = 1;
        p += e->size + 4;
    }
    check(low_ok, "multiboot memory map: RAM from 0 covering mem_lower");
    check(high_ok, "multiboot memory map: RAM from 1 MiB matching mem_upper");
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    struct entry_state state;
    capture_entry_state(&state);
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    puts_both("# devices.elf: PC device checks\n");
    test_multiboot(magic, info, &state);

    test_pic();
    test_pit();
    test_cmos(info);
    test_uart();
    test_i8042();
    test_a20();
    test_video_and_misc();
    finish();
}
