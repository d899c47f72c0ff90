using System.Diagnostics;
using HexEmu.Application.Ports;

namespace HexEmu.Host;

/// <summary>The real host clocks.</summary>
public sealed class SystemHostClock : IHostClock
{
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public DateTime LocalNow => DateTime.Now;

    public long MonotonicNs => (long)(Stopwatch.GetTimestamp() * NsPerTick);
}
