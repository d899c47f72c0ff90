namespace HexEmu.Application.Ports;

/// <summary>
/// The host's clocks, the only place HexEmu reads time from the outside world: the wall clock
/// that sets the guest's RTC at power-on, and the monotonic clock that paces virtual time
/// without -icount. Both are non-deterministic inputs, so a recording session will log what
/// they returned and a replay will answer from the log instead.
/// </summary>
public interface IHostClock
{
    /// <summary>Wall-clock time now (UTC).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>The host's local time now, as a local calendar reading (for -rtc base=localtime).</summary>
    DateTime LocalNow { get; }

    /// <summary>Monotonic nanoseconds since an arbitrary origin; never goes backwards.</summary>
    long MonotonicNs { get; }
}
