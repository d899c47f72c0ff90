/* The MC146818 real-time clock in the CMOS. */
#ifndef RTC_H
#define RTC_H

#include <stdint.h>

struct rtc_time {
    uint16_t year;
    uint8_t month, day, hour, minute, second;
};

void rtc_read(struct rtc_time *time);

#endif
