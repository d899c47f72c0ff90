namespace HexEmu.Domain.Time;

/// <summary>
/// Virtual time as devices see it: nanoseconds since power-on, derived by the machine from the
/// instruction count (ARCHITECTURE.md §2), never from the host. It only moves forward.
/// </summary>
public interface IVirtualClock
{
    long NowNs { get; }
}

/// <summary>
/// A device whose state changes with virtual time on its own (a timer reaching zero, a periodic
/// interrupt). The machine asks when that next happens, runs the CPU exactly up to then, and
/// calls <see cref="AdvanceTo"/>, so every timer event lands at the same instant in every run.
/// </summary>
public interface ITimedDevice
{
    /// <summary>When the device next needs <see cref="AdvanceTo"/> (virtual ns), or null if not until the guest acts.</summary>
    long? NextDeadlineNs { get; }

    /// <summary>Brings the device's state up to <paramref name="nowNs"/> (never less than a previous call).</summary>
    void AdvanceTo(long nowNs);
}

/// <summary>A clock the test or the machine sets directly.</summary>
public sealed class ManualClock : IVirtualClock
{
    public long NowNs { get; set; }
}
