using HexEmu.Domain.Io;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>
/// Wraps the ports of a device that keeps time: before each access the device is brought up to
/// the present (so it sees the access at the right virtual instant), and after it the machine
/// is told that the device's next deadline may have moved — a guest reprogramming a timer can
/// make it fire sooner than the run in progress was planned to last.
/// </summary>
internal sealed class ReschedulingPort(IPortDevice device, ITimedDevice timer, IVirtualClock clock, Action rescheduled) : IPortDevice
{
    public uint Read(ushort port, int size)
    {
        timer.AdvanceTo(clock.NowNs);
        uint value = device.Read(port, size);
        rescheduled();
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        timer.AdvanceTo(clock.NowNs);
        device.Write(port, size, value);
        rescheduled();
    }
}
