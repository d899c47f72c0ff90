using HexEmu.Domain.Devices;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Devices.Timer;
using HexEmu.Domain.Devices.Video;
using HexEmu.Domain.Io;
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

    public PcChipset(MachineConfig config, IoBus io, IVirtualClock clock, Action<bool> setA20, Action requestReset,
                     Action<int> requestExit, Action timersReprogrammed, IGuestLog log)
    {
        Pic = new DualPic();
        Pic.MapPorts(io, withElcr: !config.IsaOnly);
        Pit = new Pit8254(clock, Pic.Line(0));
        io.Map(Pit8254.FirstPort, 4, new ReschedulingPort(Pit, Pit, clock, timersReprogrammed));
        Port61 = new SystemControlPortB(Pit, clock);
        io.Map(SystemControlPortB.Port, 1, Port61);
        Keyboard = new I8042Controller(Pic.Line(1), Pic.Line(12), setA20, requestReset, log);
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
            var uart = new Uart16550(com, Pic.Line(com.Irq), sink);
            var timer = new UartTimeout(uart) { SyncedNs = clock.NowNs };
            io.Map(com.BasePort, 8, new ReschedulingPort(uart, timer, clock, timersReprogrammed));
            Serial[i] = uart;
            _serialTimers.Add(timer);
        }

        Ide = new AtaChannel[AtaChannelPorts.All.Count];
        for (int c = 0; c < Ide.Length; c++)
        {
            var ports = AtaChannelPorts.All[c];
            Ide[c] = new AtaChannel(ports, Pic.Line(ports.Irq), DiskAt(config, 2 * c), DiskAt(config, 2 * c + 1), log);
            Ide[c].MapPorts(io);
        }

        foreach (var (port, sink) in config.DebugConsoles)
            io.Map(port, 1, new DebugConsole(sink));
        if (config.DebugExit is { } exit)
            io.Map(exit.Base, exit.Size, new DebugExit(requestExit));
    }

    private static Storage.IBlockDevice? DiskAt(MachineConfig config, int index) =>
        index < config.Disks.Count ? config.Disks[index] : null;

    /// <summary>After a state load: the UARTs' timeouts count from the loaded moment.</summary>
    public void ResyncTimers(long nowNs)
    {
        foreach (var timer in _serialTimers) timer.SyncedNs = nowNs;
    }
}
