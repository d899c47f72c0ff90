/* timer.elf: runs PIT channel 0 at a known rate, sleeps in HLT for a number of ticks, reads
 * the TSC around them, and waits for the RTC's update-ended and alarm interrupts. Nothing it
 * prints depends on time, so the output is the same on every run. With -icount the whole run
 * is deterministic as well.
 * Command line (-append): hz=N (default 100), ticks=N (default 50). */
#include "lib/io.h"
#include "lib/lib.h"

#define PIT_INPUT_HZ 1193182u

static volatile uint32_t ticks;
static volatile uint32_t rtc_interrupts;
static volatile uint8_t rtc_flags;

static void on_tick(void)
{
    ticks++;
}

static void on_rtc(void)
{
    rtc_flags |= cmos_read(0x0C);
    rtc_interrupts++;
}

static int cpu_has_tsc(void)
{
    /* CPUID exists when EFLAGS.ID (bit 21) can be toggled; TSC is leaf 1 EDX bit 4. */
    uint32_t before, after;
    __asm__ volatile("pushfl; pop %0; mov %0, %1; xor $0x200000, %1; push %1; popfl;"
                     "pushfl; pop %1; push %0; popfl"
                     : "=&r"(before), "=&r"(after));
    if (((before ^ after) & 0x200000) == 0)
        return 0;
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    return (edx >> 4) & 1;
}

/* Waits in HLT for an RTC interrupt showing `flag` in register C; bounded by the PIT ticks
 * (still running) so a missing interrupt fails instead of hanging. */
static int wait_rtc(uint8_t flag, uint32_t hz)
{
    uint32_t deadline = ticks + 3 * hz; /* the event comes within a second */
    rtc_flags = 0;
    while (!(rtc_flags & flag) && ticks < deadline)
        sti_hlt(), cli();
    return (rtc_flags & flag) != 0;
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    uint32_t hz = cmdline_uint(info, "hz", 100);
    uint32_t wanted = cmdline_uint(info, "ticks", 50);
    if (hz < 19 || hz > 100000)
        hz = 100;
    uint32_t divisor = (PIT_INPUT_HZ + hz / 2) / hz;
    printf_both("# timer.elf: %u ticks of PIT channel 0 at %u Hz (divisor %u), then RTC interrupts\n", wanted, hz,
                divisor);

    int has_tsc = cpu_has_tsc();
    check(has_tsc, "cpuid reports a time-stamp counter");

    cli();
    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
    irq_set_handler(0, on_tick);
    pic_unmask(0);

    uint64_t tsc_before = has_tsc ? rdtsc() : 0;
    uint32_t halts = 0;
    while (ticks < wanted) {
        sti_hlt();
        cli();
        halts++;
    }
    uint64_t tsc_after = has_tsc ? rdtsc() : 0;
    check(ticks == wanted, "counted %u timer interrupts, sleeping in hlt between them", wanted);
    check(halts > 0, "the cpu slept in hlt between the ticks");
    check(!has_tsc || tsc_after > tsc_before, "rdtsc advanced while the timer ran");
    int monotonic = 1;
    uint64_t previous = has_tsc ? rdtsc() : 0;
    for (int i = 0; i < 1000 && has_tsc; i++) {
        uint64_t now = rdtsc();
        monotonic &= now >= previous;
        previous = now;
    }
    check(monotonic, "rdtsc never goes backwards");

    /* RTC interrupts on IRQ8 while the tick keeps running. */
    irq_set_handler(8, on_rtc);
    cmos_read(0x0C);
    pic_unmask(8);
    cmos_write(0x0B, 0x12); /* update-ended interrupt, 24 hour, BCD */
    check(wait_rtc(0x10, hz), "rtc update-ended interrupt on irq8 (register C bit 4)");
    cmos_write(0x0B, 0x02);
    cmos_read(0x0C);
    /* Alarm with "don't care" (c0-ff) in hours, minutes and seconds: once a second. */
    cmos_write(0x01, 0xFF);
    cmos_write(0x03, 0xFF);
    cmos_write(0x05, 0xFF);
    cmos_write(0x0B, 0x22); /* alarm interrupt, 24 hour, BCD */
    check(wait_rtc(0x20, hz), "rtc alarm interrupt on irq8 (register C bit 5)");
    cmos_write(0x0B, 0x02);
    cmos_read(0x0C);
    pic_mask(8);
    pic_mask(0);
    finish();
}
