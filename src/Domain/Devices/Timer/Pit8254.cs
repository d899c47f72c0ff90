using HexEmu.Domain.Io;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Devices.Timer;

/// <summary>
/// The PC's Intel 8254 programmable interval timer at ports 0x40–0x43, clocked at 1.193182 MHz.
/// Counter 0 (gate tied high) drives IRQ 0; counter 1 (gate high) was the DRAM refresh timer
/// and drives nothing; counter 2's gate and OUT belong to port 0x61 (<see cref="SystemControlPortB"/>).
/// Counts are computed from <see cref="IVirtualClock.NowNs"/> at each access; counter 0's OUT
/// edges happen at the deadlines this device reports, so IRQ 0 fires at the same virtual
/// instant in every run.
/// </summary>
public sealed partial class Pit8254 : IPortDevice, ITimedDevice
{
    public const ushort FirstPort = 0x40;
    public const ushort ControlPort = 0x43;
    public const int ChannelCount = 3;

    // AdvanceTo walks OUT transitions one by one; past this many in one call (the machine was
    // late by several periods) it delivers one rising edge and jumps to the present.
    private const int MaxStepsPerAdvance = 8;

    private readonly IVirtualClock _clock;
    private readonly IIrqLine _irq0;
    private readonly PitChannel[] _channels;
    private long _advancedTick;   // counter 0's OUT has been driven onto IRQ 0 up to this tick
    private bool _irq0Level;

    public Pit8254(IVirtualClock clock, IIrqLine irq0)
    {
        _clock = clock;
        _irq0 = irq0;
        _channels = [new PitChannel(gate: true), new PitChannel(gate: true), new PitChannel(gate: false)];
        _irq0Level = _channels[0].OutAt(0);
        _irq0.Set(_irq0Level);
    }

    public PitChannel Channel(int index) => _channels[index];

    /// <summary>Claims ports 0x40–0x43 on <paramref name="bus"/>.</summary>
    public void MapPorts(IoBus bus) => bus.Map(FirstPort, 4, this);

    private long NowTick => PitClock.TicksAt(_clock.NowNs);

    /// <summary>Counter 2's gate, driven by port 0x61 bit 0.</summary>
    public void SetChannel2Gate(bool high) => _channels[2].SetGate(high, NowTick);

    public bool Channel2Gate => _channels[2].Gate;

    /// <summary>Counter 2's OUT now, as port 0x61 bit 5 shows it.</summary>
    public bool Channel2Out
    {
        get
        {
            long tick = NowTick;
            _channels[2].Settle(tick);
            return _channels[2].OutAt(tick);
        }
    }

    public uint Read(ushort port, int size)
    {
        uint value = 0;
        for (int i = 0; i < size; i++) value |= (uint)ReadByte((ushort)(port + i)) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        for (int i = 0; i < size; i++) WriteByte((ushort)(port + i), (byte)(value >> (8 * i)));
    }

    private byte ReadByte(ushort port)
    {
        int index = port - FirstPort;
        // The control register is write-only; QEMU's 8254 reads it as 0.
        if (index is < 0 or >= ChannelCount) return 0;
        long tick = NowTick;
        if (index == 0) CatchUp(tick);
        return _channels[index].ReadByte(tick);
    }

    private void WriteByte(ushort port, byte value)
    {
        int index = port - FirstPort;
        long tick = NowTick;
        CatchUp(tick);
        if (index is >= 0 and < ChannelCount) _channels[index].WriteByte(value, tick);
        else if (index == ChannelCount) WriteControl(value, tick);
        DriveIrq0(_channels[0].OutAt(tick));
    }

    /// <summary>
    /// Port 0x43 (datasheet, "Control Word Format"): SC1 SC0 select the counter, 11 is the
    /// read-back command; RW = 00 is the counter latch command.
    /// </summary>
    private void WriteControl(byte value, long tick)
    {
        int select = value >> 6;
        if (select == 3)
        {
            ReadBack(value, tick);
            return;
        }
        var channel = _channels[select];
        if ((value & 0x30) == 0) channel.LatchCount(tick);
        else channel.WriteControl(value, tick);
    }

    /// <summary>
    /// Read-back command (datasheet, "Read-Back Command"): bit 5 low latches the counts, bit 4
    /// low latches the status, of every counter whose bit (1–3) is set. With both, the status
    /// is read first.
    /// </summary>
    private void ReadBack(byte value, long tick)
    {
        bool count = (value & 0x20) == 0;
        bool status = (value & 0x10) == 0;
        for (int i = 0; i < ChannelCount; i++)
        {
            if ((value & (2 << i)) == 0) continue;
            if (status) _channels[i].LatchStatus(tick);
            if (count) _channels[i].LatchCount(tick);
        }
    }

    /// <summary>
    /// When counter 0's OUT next changes (virtual ns), or null if it will not on its own. A
    /// write to ports 0x40–0x43 can move it (earlier too), so the machine asks again after one.
    /// </summary>
    public long? NextDeadlineNs
    {
        get
        {
            long? tick = _channels[0].NextOutChange(_advancedTick);
            return tick is { } t ? PitClock.NsAtTick(t) : null;
        }
    }

    public void AdvanceTo(long nowNs) => CatchUp(PitClock.TicksAt(nowNs));

    /// <summary>Drives IRQ 0 through every OUT transition of counter 0 up to <paramref name="tick"/>.</summary>
    private void CatchUp(long tick)
    {
        if (tick <= _advancedTick) return;
        var channel = _channels[0];
        for (int step = 0; ; step++)
        {
            if (channel.NextOutChange(_advancedTick) is not { } next || next > tick) break;
            if (step == MaxStepsPerAdvance)
            {
                // Many periods went by: the edge-triggered PIC would have merged them into one request anyway.
                DriveIrq0(false);
                DriveIrq0(true);
                break;
            }
            channel.Settle(next);
            DriveIrq0(channel.OutAt(next));
            _advancedTick = next;
        }
        _advancedTick = tick;
        channel.Settle(tick);
        DriveIrq0(channel.OutAt(tick));
    }

    private void DriveIrq0(bool level)
    {
        if (level == _irq0Level) return;
        _irq0Level = level;
        _irq0.Set(level);
    }
}
