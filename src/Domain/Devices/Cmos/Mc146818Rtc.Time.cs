using static HexEmu.Domain.Devices.Cmos.RtcRegisters;

namespace HexEmu.Domain.Devices.Cmos;

/// <summary>Time keeping: the seconds counter, the update cycle, the alarm and the periodic interrupt, all on virtual time.</summary>
public sealed partial class Mc146818Rtc
{
    private const long NsPerSecond = 1_000_000_000;
    private const long HalfSecondNs = NsPerSecond / 2;
    private const long TimeBaseHz = 32_768;

    /// <summary>
    /// UIP rises this long before the update (datasheet: t_BUC = 244 µs, eight periods of the
    /// 32.768 kHz time base; QEMU uses the same 244 140 ns).
    /// </summary>
    public const long UpdateInProgressNs = 8 * NsPerSecond / TimeBaseHz;

    /// <summary>With the clock running: the time at the start of the second that begins at <see cref="_secondPhaseNs"/>; stopped: the held time.</summary>
    private long _baseSeconds;
    /// <summary>A virtual instant at which a second begins (the updates happen at this instant plus whole seconds).</summary>
    private long _secondPhaseNs;
    /// <summary>When the divider chain last started; the periodic taps count 32.768 kHz ticks from here.</summary>
    private long _dividerOriginNs;
    /// <summary>How far the flags in register C have been brought.</summary>
    private long _syncedNs;

    /// <summary>DV2–0 of 000, 001, 010 run the divider; 11x holds it in reset, the rest are test modes (QEMU stops there too).</summary>
    private bool DividerRunning => (_ram[A] & ADividerMask) <= 0x20;

    /// <summary>SET: the guest owns the time registers; otherwise they show the clock's time in the current mode.</summary>
    private bool Setting => (_ram[B] & BSet) != 0;

    /// <summary>The seconds count advances only with the divider running and SET clear.</summary>
    private bool ClockRunning => DividerRunning && (_ram[B] & BSet) == 0;

    private long CurrentSeconds(long nowNs) =>
        ClockRunning ? _baseSeconds + CivilCalendar.FloorDiv(nowNs - _secondPhaseNs, NsPerSecond) : _baseSeconds;

    /// <summary>Makes <paramref name="seconds"/> the time at <paramref name="nowNs"/>, keeping the phase of the seconds.</summary>
    private void Anchor(long nowNs, long seconds) =>
        _baseSeconds = ClockRunning ? seconds - CivilCalendar.FloorDiv(nowNs - _secondPhaseNs, NsPerSecond) : seconds;

    private bool UpdateInProgress(long nowNs) =>
        ClockRunning && CivilCalendar.FloorMod(nowNs - _secondPhaseNs, NsPerSecond) >= NsPerSecond - UpdateInProgressNs;

    /// <summary>32.768 kHz periods per periodic interrupt for RS3–0 (datasheet table "Periodic Interrupt Rate"); rates 1 and 2 repeat 8 and 9 at this time base.</summary>
    private static long PeriodTicks(int rate) => rate <= 2 ? 1L << (rate + 6) : 1L << (rate - 1);

    private long TicksAt(long nowNs) => (long)((Int128)(nowNs - _dividerOriginNs) * TimeBaseHz / NsPerSecond);

    /// <summary>The first instant the tick count reaches <paramref name="tick"/>.</summary>
    private long TickStartNs(long tick) => _dividerOriginNs + (long)(((Int128)tick * NsPerSecond + TimeBaseHz - 1) / TimeBaseHz);

    public long? NextDeadlineNs
    {
        get
        {
            // While IRQF is set, nothing more can change the line until the guest reads C.
            if (_irqLevel) return null;
            long? next = null;
            int rate = _ram[A] & ARateMask;
            if ((_ram[B] & BPeriodicEnable) != 0 && DividerRunning && rate != 0)
            {
                long period = PeriodTicks(rate);
                next = TickStartNs((TicksAt(_syncedNs) / period + 1) * period);
            }
            if ((_ram[B] & (BUpdateEndedEnable | BAlarmEnable)) != 0 && ClockRunning)
            {
                long update = _secondPhaseNs + (CivilCalendar.FloorDiv(_syncedNs - _secondPhaseNs, NsPerSecond) + 1) * NsPerSecond;
                if (next is null || update < next) next = update;
            }
            return next;
        }
    }

    public void AdvanceTo(long nowNs) => Sync(nowNs);

    /// <summary>Sets the flags in C for every periodic tap and update cycle in (<see cref="_syncedNs"/>, <paramref name="nowNs"/>].</summary>
    private void Sync(long nowNs)
    {
        if (nowNs <= _syncedNs) return;
        if (DividerRunning)
        {
            int rate = _ram[A] & ARateMask;
            // PF is set whatever PIE says (datasheet, "Register C"); PIE only gates IRQ 8.
            if (rate != 0)
            {
                long period = PeriodTicks(rate);
                if (TicksAt(nowNs) / period > TicksAt(_syncedNs) / period) _ram[C] |= CPeriodic;
            }
            if (ClockRunning)
            {
                long before = CurrentSeconds(_syncedNs), after = CurrentSeconds(nowNs);
                if (after > before)
                {
                    _ram[C] |= CUpdateEnded;
                    if (AlarmMatchesAnyOf(before + 1, after)) _ram[C] |= CAlarm;
                }
            }
        }
        _syncedNs = nowNs;
        UpdateIrq();
    }

    /// <summary>Whether the alarm bytes match the time after any update cycle in [<paramref name="first"/>, <paramref name="last"/>] (one day covers every case).</summary>
    private bool AlarmMatchesAnyOf(long first, long last)
    {
        first = Math.Max(first, last - CivilCalendar.SecondsPerDay + 1);
        for (long s = first; s <= last; s++)
            if (AlarmMatches(CivilCalendar.FromUnixSeconds(s))) return true;
        return false;
    }

    /// <summary>The alarm compares the registers as the guest wrote them, in the current mode; 0xC0–0xFF matches anything (datasheet, "Alarm").</summary>
    private bool AlarmMatches(CivilTime t) =>
        AlarmByteMatches(_ram[SecondsAlarm], Encode(t.Second))
        && AlarmByteMatches(_ram[MinutesAlarm], Encode(t.Minute))
        && AlarmByteMatches(_ram[HoursAlarm], EncodeHour(t.Hour));

    private static bool AlarmByteMatches(byte alarm, byte value) => (alarm & AlarmDontCare) == AlarmDontCare || alarm == value;

    private bool Binary => (_ram[B] & BBinary) != 0;
    private bool TwentyFourHour => (_ram[B] & B24Hour) != 0;

    private byte Encode(long value) => Binary ? (byte)value : (byte)(((value / 10) << 4) | (value % 10));

    /// <summary>BCD digits as the chip would count them; invalid digits decode to whatever they weigh, as on the chip.</summary>
    private int Decode(byte value) => Binary ? value : (value >> 4) * 10 + (value & 0x0F);

    /// <summary>12-hour mode counts 12, 1 … 11 with bit 7 for PM (datasheet, "Time, Calendar and Alarm Locations").</summary>
    private byte EncodeHour(int hour)
    {
        if (TwentyFourHour) return Encode(hour);
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return (byte)(Encode(twelve) | (hour >= 12 ? HourPm : 0));
    }

    private int DecodeHour(byte value)
    {
        if (TwentyFourHour) return Decode(value);
        int hour = Decode((byte)(value & ~HourPm)) % 12;
        return (value & HourPm) != 0 ? hour + 12 : hour;
    }

    /// <summary>Shows <paramref name="seconds"/> in the time registers and the century byte, in the current mode.</summary>
    private void RenderTime(long seconds)
    {
        var t = CivilCalendar.FromUnixSeconds(seconds);
        _ram[Seconds] = Encode(t.Second);
        _ram[Minutes] = Encode(t.Minute);
        _ram[Hours] = EncodeHour(t.Hour);
        _ram[Weekday] = Encode(t.DayOfWeek);
        _ram[DayOfMonth] = Encode(t.Day);
        _ram[Month] = Encode(t.Month);
        _ram[Year] = Encode(CivilCalendar.FloorMod(t.Year, 100));
        _ram[Century] = Encode(CivilCalendar.FloorDiv(t.Year, 100) & 0xFF);
        _ram[Ps2Century] = _ram[Century];
    }

    /// <summary>The time the registers say (the day of week follows from the date, as in QEMU).</summary>
    private long ParseTime() => CivilCalendar.ToUnixSeconds(
        Decode(_ram[Century]) * 100L + Decode(_ram[Year]),
        Decode(_ram[Month]), Decode(_ram[DayOfMonth]),
        DecodeHour(_ram[Hours]), Decode(_ram[Minutes]), Decode(_ram[Seconds]));
}
