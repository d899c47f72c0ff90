/* Reads the date and time from the MC146818 RTC through the CMOS index/data ports. */
#include "io.h"
#include "rtc.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define NMI_DISABLE 0x80 /* keep NMIs off while an index is selected */

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0A
#define REG_B 0x0B
#define REG_CENTURY 0x32

#define A_UPDATE_IN_PROGRESS 0x80
#define B_24_HOUR 0x02
#define B_BINARY 0x04
#define HOUR_PM 0x80

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, NMI_DISABLE | reg);
    return inb(CMOS_DATA);
}

static uint8_t from_bcd(uint8_t value)
{
    return (value >> 4) * 10 + (value & 0x0F);
}

static void read_raw(struct rtc_time *t, uint8_t *century)
{
    /* The clock updates its registers once a second; UIP warns of it 244 us ahead. */
    while (cmos_read(REG_A) & A_UPDATE_IN_PROGRESS)
        ;
    t->second = cmos_read(REG_SECONDS);
    t->minute = cmos_read(REG_MINUTES);
    t->hour = cmos_read(REG_HOURS);
    t->day = cmos_read(REG_DAY);
    t->month = cmos_read(REG_MONTH);
    t->year = cmos_read(REG_YEAR);
    *century = cmos_read(REG_CENTURY);
}

void rtc_read(struct rtc_time *time)
{
    struct rtc_time again;
    uint8_t century, century_again;

    /* Read until two passes agree, in case an update fell between the registers. */
    read_raw(time, &century);
    for (;;) {
        read_raw(&again, &century_again);
        if (again.second == time->second && again.minute == time->minute &&
            again.hour == time->hour && again.day == time->day &&
            again.month == time->month && again.year == time->year &&
            century_again == century)
            break;
        *time = again;
        century = century_again;
    }

    uint8_t format = cmos_read(REG_B);
    int pm = time->hour & HOUR_PM;
    time->hour &= ~HOUR_PM;
    if (!(format & B_BINARY)) {
        time->second = from_bcd(time->second);
        time->minute = from_bcd(time->minute);
        time->hour = from_bcd(time->hour);
        time->day = from_bcd(time->day);
        time->month = from_bcd(time->month);
        time->year = from_bcd(time->year);
        century = from_bcd(century);
    }
    if (!(format & B_24_HOUR)) {
        /* 12-hour mode: 12 AM is midnight, 12 PM is noon. */
        time->hour %= 12;
        if (pm)
            time->hour += 12;
    }
    /* The century byte is a PC convention, not part of the chip; trust it only if sane. */
    if (century < 19 || century > 99)
        century = time->year < 70 ? 20 : 19;
    time->year += century * 100;
}
