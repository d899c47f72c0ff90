using HexEmu.Domain.Io;
using HexEmu.Domain.Time;
using static HexEmu.Domain.Devices.Cmos.RtcRegisters;

namespace HexEmu.Domain.Devices.Cmos;

/// <summary>
/// The PC/AT's Motorola MC146818A real-time clock with its battery-backed CMOS RAM, at ports
/// 0x70 (index; bit 7 is the NMI mask) and 0x71 (data), interrupting on IRQ 8.
/// <para>
/// It never reads the host clock (ARCHITECTURE.md §2): the wall-clock time is a base in seconds
/// since the Unix epoch, given by the machine (which records it), plus virtual time. All events —
/// the once-a-second update cycle with its UIP window, update-ended and alarm flags, the periodic
/// flag — are computed from virtual time, lazily on every port access and exactly at the
/// deadlines it reports through <see cref="ITimedDevice"/>.
/// </para>
/// <para>
/// Where the datasheet leaves room, QEMU's mc146818rtc is the model: the time registers always
/// show the current time in the current data mode, writing one while the clock runs sets the
/// time at once, the day of week follows from the date, and DSE is kept but not applied.
/// </para>
/// </summary>
public sealed partial class Mc146818Rtc : IPortDevice, ITimedDevice
{
    public const ushort IndexPort = 0x70;
    public const ushort DataPort = 0x71;
    public const int Irq = 8;
    public const int RamSize = 128;
    /// <summary>The first byte that is plain RAM rather than a clock register.</summary>
    public const int FirstNvramIndex = 0x0E;

    private readonly IVirtualClock _clock;
    private readonly IIrqLine _irq;

    /// <summary>Registers 0x00–0x0D and the 114 bytes of RAM; A's UIP and D are computed on read.</summary>
    private readonly byte[] _ram = new byte[RamSize];
    private byte _index;
    private bool _nmiMasked;
    private bool _irqLevel;

    /// <param name="clock">Virtual time.</param>
    /// <param name="irq">IRQ 8 at the interrupt controller.</param>
    /// <param name="baseUnixSeconds">The wall-clock time at virtual time 0, in seconds since 1970-01-01 00:00:00 UTC.</param>
    public Mc146818Rtc(IVirtualClock clock, IIrqLine irq, long baseUnixSeconds)
    {
        _clock = clock;
        _irq = irq;
        _baseSeconds = baseUnixSeconds;
        _secondPhaseNs = 0;
        _dividerOriginNs = 0;
        _syncedNs = clock.NowNs;
        // QEMU's power-on values: 32.768 kHz time base with rate 1024 Hz, 24-hour BCD, VRT.
        _ram[A] = 0x26;
        _ram[B] = B24Hour;
        _ram[D] = DValidRamAndTime;
        RenderTime(CurrentSeconds(_syncedNs));
    }

    /// <summary>NMI disabled: bit 7 of the last index written to port 0x70 (the machine gates NMI with it).</summary>
    public bool NmiMasked => _nmiMasked;

    /// <summary>The level this device drives on IRQ 8 (register C's IRQF).</summary>
    public bool IrqLevel => _irqLevel;

    /// <summary>The clock's time now, in seconds since the Unix epoch (for diagnostics and the machine).</summary>
    public long CurrentUnixSeconds
    {
        get => CurrentSeconds(_clock.NowNs);
    }

    /// <summary>Claims ports 0x70–0x71 on <paramref name="bus"/>.</summary>
    public void MapPorts(IoBus bus) => bus.Map(IndexPort, 2, this);

    /// <summary>A byte of the general-purpose CMOS RAM (0x0E–0x7F), as firmware set-up reads it; no side effects.</summary>
    public byte ReadNvram(int index) => _ram[CheckNvramIndex(index)];

    /// <summary>Sets a byte of the general-purpose CMOS RAM (0x0E–0x7F), as firmware set-up does before the guest runs.</summary>
    public void WriteNvram(int index, byte value) => _ram[CheckNvramIndex(index)] = value;

    private static int CheckNvramIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, FirstNvramIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, RamSize);
        return index;
    }

    public uint Read(ushort port, int size)
    {
        // A wider access is split into byte cycles on the ISA bus.
        uint value = 0;
        for (int i = 0; i < size; i++) value |= (uint)ReadByte((ushort)(port + i)) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        for (int i = 0; i < size; i++) WriteByte((ushort)(port + i), (byte)(value >> (8 * i)));
    }

    // The index port is write-only on the AT; QEMU reads it as 0xFF.
    private byte ReadByte(ushort port) => port == DataPort ? ReadRegister(_index) : (byte)0xFF;

    private void WriteByte(ushort port, byte value)
    {
        if (port == IndexPort)
        {
            _index = (byte)(value & 0x7F);
            _nmiMasked = (value & 0x80) != 0;
        }
        else if (port == DataPort)
        {
            WriteRegister(_index, value);
        }
    }

    private static bool IsTimeRegister(int index) =>
        index is Seconds or Minutes or Hours or Weekday or DayOfMonth or Month or Year or Century;

    private byte ReadRegister(int index)
    {
        long now = _clock.NowNs;
        Sync(now);
        switch (index)
        {
            case A:
                return (byte)((_ram[A] & ~AUpdateInProgress) | (UpdateInProgress(now) ? AUpdateInProgress : 0));
            case C:
                // Reading C clears every flag and so releases IRQ 8 (datasheet, "Register C").
                byte flags = _ram[C];
                _ram[C] = 0;
                UpdateIrq();
                return flags;
            case D:
                return DValidRamAndTime;
            default:
                if ((IsTimeRegister(index) || index == Ps2Century) && !Setting) RenderTime(CurrentSeconds(now));
                return _ram[index];
        }
    }

    private void WriteRegister(int index, byte value)
    {
        long now = _clock.NowNs;
        Sync(now);
        switch (index)
        {
            case A: WriteRegisterA(now, value); break;
            case B: WriteRegisterB(now, value); break;
            case C or D: break; // read-only
            default:
                if (IsTimeRegister(index) && !Setting)
                {
                    // Without SET the clock takes the new value at once (QEMU); the others stay as they are.
                    RenderTime(CurrentSeconds(now));
                    _ram[index] = value;
                    Anchor(now, ParseTime());
                }
                else
                {
                    _ram[index] = value;
                }
                break;
        }
    }

    private void WriteRegisterA(long now, byte value)
    {
        bool dividerWasRunning = DividerRunning;
        long seconds = CurrentSeconds(now);
        if (!Setting) RenderTime(seconds);
        _ram[A] = (byte)(value & ~AUpdateInProgress);
        if (!dividerWasRunning && DividerRunning)
        {
            // Leaving divider reset restarts the chain: the first update comes half a second
            // later (datasheet, "Divider Control"), and the periodic taps count from now.
            _dividerOriginNs = now;
            _secondPhaseNs = now + HalfSecondNs - NsPerSecond;
        }
        Anchor(now, seconds);
        UpdateIrq();
    }

    private void WriteRegisterB(long now, byte value)
    {
        bool wasSetting = Setting;
        long seconds = CurrentSeconds(now);
        // The registers keep the time SET froze (and the guest then overwrites).
        if (!wasSetting) RenderTime(seconds);
        // SET stops updates and clears UIE (datasheet, "Register B"); UIP then reads 0.
        if ((value & BSet) != 0) value = (byte)(value & ~BUpdateEndedEnable);
        _ram[B] = value;
        // Clearing SET starts the clock from whatever the guest wrote into the time registers.
        if (wasSetting && !Setting) seconds = ParseTime();
        Anchor(now, seconds);
        UpdateIrq();
    }

    /// <summary>
    /// The RESET pin (a system reset; datasheet, "RESET"): clears the interrupt enables PIE, AIE,
    /// UIE and SQWE in register B and every flag in register C. Time and RAM are untouched.
    /// </summary>
    public void ResetInterruptControls()
    {
        AdvanceTo(_clock.NowNs);
        _ram[B] &= unchecked((byte)~(BPeriodicEnable | BAlarmEnable | BUpdateEndedEnable | BSquareWaveEnable));
        _ram[C] = 0;
        UpdateIrq();
    }

    /// <summary>IRQF and the IRQ 8 level follow the flags in C that are enabled in B (datasheet, "Register C").</summary>
    private void UpdateIrq()
    {
        bool request = (_ram[C] & _ram[B] & CFlagMask) != 0;
        _ram[C] = (byte)(request ? _ram[C] | CIrqFlag : _ram[C] & ~CIrqFlag);
        if (request == _irqLevel) return;
        _irqLevel = request;
        _irq.Set(request);
    }
}
