using HexEmu.Domain.Cpu;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Devices.Apic;
using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Devices.Timer;
using HexEmu.Domain.Devices.Video;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>
/// The devices a reset returns to their power-on state, built and wired in one place: the
/// machine makes a new chipset at power-on and on every reset. (The CMOS/RTC is not here: its
/// RAM and clock are battery-backed and survive a reset.)
/// </summary>
internal sealed class PcChipset
{
    public DualPic Pic { get; }
    /// <summary>The local APIC and the I/O APIC, when the CPU model has an APIC (else both null).</summary>
    public LocalApic? Lapic { get; }
    public IoApic? IoApic { get; }
    /// <summary>What interrupts the CPU: the local APIC (which passes the 8259 on through LINT0), or the 8259 pair itself.</summary>
    public IInterruptSource InterruptSource => (IInterruptSource?)Lapic ?? Pic;
    public Pit8254 Pit { get; }
    public SystemControlPortB Port61 { get; }
    public I8042Controller Keyboard { get; }
    public SystemControlPortA Port92 { get; }
    public CgaText Cga { get; } = new();
    public PostCodePort PostCodes { get; } = new();
    /// <summary>COM1–COM4; null where the port is absent.</summary>
    public Uart16550?[] Serial { get; } = new Uart16550?[MachineConfig.MaxSerialPorts];
    /// <summary>The two IDE channels (a channel without disks still answers, as an empty one does).</summary>
    public AtaChannel[] Ide { get; }
    /// <summary>Timers besides the PIT and the RTC: the UARTs' character timeouts.</summary>
    public IReadOnlyList<ITimedDevice> SerialTimers => _serialTimers;

    private readonly List<UartTimeout> _serialTimers = [];
    private readonly IIrqLine[] _isaIrqs = new IIrqLine[DualPic.IrqCount];
    private readonly PhysicalMemory _memory;
    private readonly IMmioDevice? _lapicWindow;
    private readonly IMmioDevice? _ioApicWindow;

    public PcChipset(MachineConfig config, IoBus io, PhysicalMemory memory, IVirtualClock clock, Action<bool> setA20, Action requestReset,
                     Action<int> requestExit, Action timersReprogrammed, IGuestLog log)
    {
        _memory = memory;
        Pic = new DualPic();
        Pic.MapPorts(io, withElcr: !config.IsaOnly);
        if (config.CpuModel.HasApic)
        {
            Lapic = new LocalApic(clock, Pic, log);
            IoApic = new IoApic(Lapic, log);
            Lapic.EoiListener = IoApic;
            _lapicWindow = new ReschedulingMmio(Lapic, Lapic, clock, timersReprogrammed);
            _ioApicWindow = new ReschedulingMmio(IoApic, timer: null, clock, timersReprogrammed);
            memory.MapMmio(IoApic.DefaultBase, IoApic.RegionBytes, _ioApicWindow);
            Lapic.MappingChanged = MapLapic;
            MapLapic();
        }
        for (int irq = 0; irq < DualPic.IrqCount; irq++)
            _isaIrqs[irq] = IoApic is null || irq == DualPic.CascadeIrq
                ? Pic.Line(irq)
                : new IrqSplitter(Pic.Line(irq), IoApic.Pin(IoApic.PinForIsaIrq(irq)));
        Pit = new Pit8254(clock, IsaIrq(0));
        io.Map(Pit8254.FirstPort, 4, new ReschedulingPort(Pit, Pit, clock, timersReprogrammed));
        Port61 = new SystemControlPortB(Pit, clock);
        io.Map(SystemControlPortB.Port, 1, Port61);
        Keyboard = new I8042Controller(IsaIrq(1), IsaIrq(12), setA20, requestReset, log);
        io.Map(I8042Controller.DataPort, 1, Keyboard);
        io.Map(I8042Controller.CommandPort, 1, Keyboard);
        Port92 = new SystemControlPortA(setA20, requestReset);
        io.Map(SystemControlPortA.Port, 1, Port92);
        if (config.Vga) Cga.MapPorts(io);
        io.Map(PostCodePort.Port, 1, PostCodes);

        for (int i = 0; i < config.SerialPorts.Count && i < MachineConfig.MaxSerialPorts; i++)
        {
            if (config.SerialPorts[i] is not { } sink) continue;
            var com = ComPort.All[i];
            var uart = new Uart16550(com, IsaIrq(com.Irq), sink);
            var timer = new UartTimeout(uart) { SyncedNs = clock.NowNs };
            io.Map(com.BasePort, 8, new ReschedulingPort(uart, timer, clock, timersReprogrammed));
            Serial[i] = uart;
            _serialTimers.Add(timer);
        }

        Ide = new AtaChannel[AtaChannelPorts.All.Count];
        for (int c = 0; c < Ide.Length; c++)
        {
            var ports = AtaChannelPorts.All[c];
            Ide[c] = new AtaChannel(ports, IsaIrq(ports.Irq), DiskAt(config, 2 * c), DiskAt(config, 2 * c + 1), log);
            Ide[c].MapPorts(io);
        }

        foreach (var (port, sink) in config.DebugConsoles)
            io.Map(port, 1, new DebugConsole(sink));
        if (config.DebugExit is { } exit)
            io.Map(exit.Base, exit.Size, new DebugExit(requestExit));
    }

    /// <summary>
    /// ISA IRQ <paramref name="irq"/> (0–15) as devices drive it: into the 8259 pair and, with
    /// APICs, into the I/O APIC's input for it as well.
    /// </summary>
    public IIrqLine IsaIrq(int irq) => _isaIrqs[irq];

    /// <summary>Puts the local APIC's registers where its base MSR says, or takes them away while it is disabled.</summary>
    private void MapLapic()
    {
        _memory.UnmapMmio(_lapicWindow!);
        if (Lapic!.MappedBase is { } at) _memory.MapMmio(at, LocalApic.RegionBytes, _lapicWindow!);
    }

    /// <summary>Takes this chipset's registers out of the address space (a reset builds the next chipset).</summary>
    public void UnmapMmio()
    {
        if (_lapicWindow is not null) _memory.UnmapMmio(_lapicWindow);
        if (_ioApicWindow is not null) _memory.UnmapMmio(_ioApicWindow);
    }

    private static Storage.IBlockDevice? DiskAt(MachineConfig config, int index) =>
        index < config.Disks.Count ? config.Disks[index] : null;

    /// <summary>After a state load: the UARTs' timeouts count from the loaded moment.</summary>
    public void ResyncTimers(long nowNs)
    {
        foreach (var timer in _serialTimers) timer.SyncedNs = nowNs;
    }
}
