using HexEmu.Domain.Devices.Cmos;
using HexEmu.Domain.Tests.Support;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>An MC146818 with a manual clock, driven through ports 0x70/0x71 as a guest driver does.</summary>
internal sealed class RtcRig
{
    /// <summary>2024-02-28 23:59:58 UTC, a Wednesday, two seconds before leap day.</summary>
    public const long BaseTime = 1_709_164_798;
    public const long Second = 1_000_000_000;
    public const long Millisecond = 1_000_000;
    public const long Microsecond = 1_000;

    public const int Seconds = 0x00, SecondsAlarm = 0x01, Minutes = 0x02, MinutesAlarm = 0x03, Hours = 0x04, HoursAlarm = 0x05;
    public const int Weekday = 0x06, Day = 0x07, Month = 0x08, Year = 0x09, A = 0x0A, B = 0x0B, C = 0x0C, D = 0x0D, Century = 0x32;

    public ManualClock Clock { get; } = new();
    public RecordingIrqLine Irq { get; } = new();
    public Mc146818Rtc Rtc { get; }

    public RtcRig(long baseTime = BaseTime) => Rtc = new Mc146818Rtc(Clock, Irq, baseTime);

    public byte Get(int index)
    {
        Rtc.Write(0x70, 1, (uint)index);
        return (byte)Rtc.Read(0x71, 1);
    }

    public void Set(int index, byte value)
    {
        Rtc.Write(0x70, 1, (uint)index);
        Rtc.Write(0x71, 1, value);
    }

    /// <summary>Moves virtual time to <paramref name="ns"/> the way the machine does: stopping at every deadline on the way.</summary>
    public void RunTo(long ns)
    {
        while (Rtc.NextDeadlineNs is long deadline && deadline <= ns)
        {
            Assert.True(deadline >= Clock.NowNs, "a deadline in the past");
            Clock.NowNs = deadline;
            Rtc.AdvanceTo(deadline);
        }
        Clock.NowNs = ns;
        Rtc.AdvanceTo(ns);
    }

    /// <summary>Seconds, minutes, hours, weekday, day, month, year, century as the guest reads them.</summary>
    public byte[] ReadTime() =>
        [Get(Seconds), Get(Minutes), Get(Hours), Get(Weekday), Get(Day), Get(Month), Get(Year), Get(Century)];

    public bool UpdateInProgress => (Get(A) & 0x80) != 0;
}
