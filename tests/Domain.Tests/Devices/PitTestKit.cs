using System.Numerics;
using HexEmu.Domain.Devices.Timer;
using HexEmu.Domain.Tests.Support;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>A PIT and port 0x61 on a manual clock, driven through their ports as a guest would.</summary>
public abstract class PitTestKit
{
    protected const long PitHz = 1_193_182;

    protected readonly ManualClock Clock = new();
    internal readonly RecordingIrqLine Irq0 = new();
    protected readonly Pit8254 Pit;
    protected readonly SystemControlPortB Port61;

    protected PitTestKit()
    {
        Pit = new Pit8254(Clock, Irq0);
        Port61 = new SystemControlPortB(Pit, Clock);
    }

    /// <summary>The first virtual ns at which PIT tick <paramref name="tick"/> has happened: ceil(tick · 10⁹ / 1193182).</summary>
    protected static long NsAt(long tick) => (long)((new BigInteger(tick) * 1_000_000_000 + PitHz - 1) / PitHz);

    /// <summary>Sets the clock to the instant of PIT tick <paramref name="tick"/>.</summary>
    protected void AtTick(long tick) => Clock.NowNs = NsAt(tick);

    protected void Out(ushort port, byte value)
    {
        if (port == SystemControlPortB.Port) Port61.Write(port, 1, value);
        else Pit.Write(port, 1, value);
    }

    protected byte In(ushort port) =>
        (byte)(port == SystemControlPortB.Port ? Port61.Read(port, 1) : Pit.Read(port, 1));

    /// <summary>Control word then LSB and MSB of <paramref name="count"/> (access mode 11).</summary>
    protected void Program(int channel, int mode, ushort count, bool bcd = false)
    {
        Out(0x43, (byte)(channel << 6 | 0x30 | mode << 1 | (bcd ? 1 : 0)));
        Out((ushort)(0x40 + channel), (byte)count);
        Out((ushort)(0x40 + channel), (byte)(count >> 8));
    }

    /// <summary>Reads a counter in access mode 11: LSB then MSB.</summary>
    protected ushort ReadWord(int channel)
    {
        byte low = In((ushort)(0x40 + channel));
        return (ushort)(low | In((ushort)(0x40 + channel)) << 8);
    }

    /// <summary>Counter latch command, then the two latched bytes.</summary>
    protected ushort LatchAndRead(int channel)
    {
        Out(0x43, (byte)(channel << 6));
        return ReadWord(channel);
    }

    /// <summary>What the machine does: runs to the next deadline and advances the PIT there. Returns that time.</summary>
    protected long RunToNextDeadline()
    {
        long deadline = Pit.NextDeadlineNs ?? throw new Xunit.Sdk.XunitException("no deadline");
        Assert.True(deadline >= Clock.NowNs, "deadline in the past");
        Clock.NowNs = deadline;
        Pit.AdvanceTo(deadline);
        return deadline;
    }

    protected bool Channel2OutBit => (In(0x61) & 0x20) != 0;
}
