namespace HexEmu.Domain.Devices.Cmos;

/// <summary>A proleptic Gregorian date and time of day, as the RTC's registers hold it.</summary>
internal readonly record struct CivilTime(long Year, int Month, int Day, int Hour, int Minute, int Second, int DayOfWeek);

/// <summary>
/// Seconds since the Unix epoch ⇄ calendar date, in pure integer arithmetic (no host time zone,
/// no DateTime range limits), so any value a guest writes converts the same way in every run.
/// The day-count algorithm is the well-known "days from civil" one for the Gregorian calendar
/// (400-year eras), which gets every leap-year rule right.
/// </summary>
internal static class CivilCalendar
{
    public const long SecondsPerDay = 86_400;

    /// <summary>Date and time for <paramref name="unixSeconds"/>; DayOfWeek is 1 = Sunday … 7 = Saturday, as the RTC counts.</summary>
    public static CivilTime FromUnixSeconds(long unixSeconds)
    {
        long days = FloorDiv(unixSeconds, SecondsPerDay);
        int secondOfDay = (int)(unixSeconds - days * SecondsPerDay);
        var (year, month, day) = CivilFromDays(days);
        int dayOfWeek = (int)FloorMod(days + 4, 7) + 1; // 1970-01-01 was a Thursday (5).
        return new CivilTime(year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, dayOfWeek);
    }

    /// <summary>
    /// Seconds since the epoch for a date a guest wrote; like C's timegm, out-of-range fields carry
    /// over (month 13 is January of the next year) rather than fail.
    /// </summary>
    public static long ToUnixSeconds(long year, int month, int day, int hour, int minute, int second)
    {
        long monthIndex = month - 1L;
        year += FloorDiv(monthIndex, 12);
        monthIndex = FloorMod(monthIndex, 12);
        long days = DaysFromCivil(year, (int)monthIndex + 1, 1) + (day - 1L);
        return days * SecondsPerDay + hour * 3600L + minute * 60L + second;
    }

    private static long DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        long era = FloorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static (long Year, int Month, int Day) CivilFromDays(long z)
    {
        z += 719_468;
        long era = FloorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int)(dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return (year, month, day);
    }

    public static long FloorDiv(long a, long b) => a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
    public static long FloorMod(long a, long b) => a - FloorDiv(a, b) * b;
}
