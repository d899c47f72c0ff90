using HexEmu.Domain.Memory;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>
/// The memory-mapped counterpart of <see cref="ReschedulingPort"/>: before each access the
/// device's timer (if it has one) is brought up to the present; after a write the machine is
/// told to plan again, since a write can move a deadline (the APIC timer) or make an interrupt
/// deliverable (EOI, TPR, an unmasked entry), which the CPU must see after this instruction.
/// Reads change neither, so they do not end the run.
/// </summary>
internal sealed class ReschedulingMmio(IMmioDevice device, ITimedDevice? timer, IVirtualClock clock, Action rescheduled) : IMmioDevice
{
    public uint Read(uint offset, int size)
    {
        timer?.AdvanceTo(clock.NowNs);
        return device.Read(offset, size);
    }

    public void Write(uint offset, int size, uint value)
    {
        timer?.AdvanceTo(clock.NowNs);
        device.Write(offset, size, value);
        rescheduled();
    }
}
