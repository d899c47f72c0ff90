namespace HexEmu.Domain.Devices.Timer;

/// <summary>
/// The PC's PIT input clock (1.193182 MHz, the 14.31818 MHz crystal divided by 12) as a
/// free-running tick count since power-on, converted exactly to and from virtual nanoseconds
/// with 128-bit integer arithmetic: tick k of a run is always at the same nanosecond, with no
/// rounding drift however long the run.
/// </summary>
public static class PitClock
{
    public const long FrequencyHz = 1_193_182;
    private const long NsPerSecond = 1_000_000_000;

    /// <summary>Ticks that have elapsed at <paramref name="ns"/>: floor(ns · f / 10⁹).</summary>
    public static long TicksAt(long ns) => (long)((Int128)ns * FrequencyHz / NsPerSecond);

    /// <summary>The first nanosecond at which <paramref name="tick"/> has elapsed: ceil(tick · 10⁹ / f).</summary>
    public static long NsAtTick(long tick) => (long)(((Int128)tick * NsPerSecond + FrequencyHz - 1) / FrequencyHz);
}
