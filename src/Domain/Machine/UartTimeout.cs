using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>
/// Presents a UART's receive character timeout (kept by the UART as "nanoseconds from now") as
/// an absolute virtual deadline, like the machine's other timers.
/// </summary>
internal sealed class UartTimeout(Uart16550 uart) : ITimedDevice
{
    /// <summary>The virtual time the UART's countdown was last brought up to.</summary>
    public long SyncedNs { get; set; }

    public long? NextDeadlineNs => uart.NanosecondsUntilCharacterTimeout is { } left ? SyncedNs + left : null;

    public void AdvanceTo(long nowNs)
    {
        if (nowNs <= SyncedNs) return;
        uart.ElapseTime(nowNs - SyncedNs);
        SyncedNs = nowNs;
    }
}
