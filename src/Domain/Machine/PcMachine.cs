using HexEmu.Domain.Devices.Cmos;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Devices.Timer;
using HexEmu.Domain.Devices.Video;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>Why the machine stopped running.</summary>
public enum MachineStop
{
    /// <summary>The slice of instructions is done; call Run again.</summary>
    SliceDone,
    /// <summary>
    /// The CPU is halted waiting for an interrupt. <see cref="PcMachine.IdleDeadlineNs"/> says
    /// when the next timer fires (null: nothing is scheduled, only input or a reset can help).
    /// The host waits (real time, or not at all) and then lets time pass with
    /// <see cref="PcMachine.ElapseIdle"/> or <see cref="MachineClock.SyncHostTime"/>.
    /// </summary>
    Idle,
    /// <summary>The guest asked to exit (isa-debug-exit); see <see cref="PcMachine.ExitCode"/>.</summary>
    GuestExit,
    /// <summary>A triple fault or a reset request under -no-reboot.</summary>
    Shutdown,
    /// <summary>
    /// The debugger's traps stopped the CPU before an instruction (<see cref="Cpu.Cpu.Debug"/>'s
    /// Hit says why); the timers are where that icount puts them, and Run may simply be called again.
    /// </summary>
    DebugStop,
}

/// <summary>
/// The PC: CPU, RAM and firmware, the chipset (PIC, PIT, keyboard controller, ports 0x61/0x92,
/// CGA text, serial ports, debug devices) and the battery-backed CMOS/RTC, all driven by one
/// virtual clock. Every input reaches it through a method call on the machine thread, so it is
/// a pure function of its configuration and those calls (ARCHITECTURE.md §2).
/// </summary>
public sealed partial class PcMachine
{
    /// <summary>
    /// The version of what a guest sees of this PC beyond its configuration. A change that makes an
    /// existing recording replay differently bumps it, so such recordings are refused by name as a
    /// replay starts instead of diverging later (1: the PC up to the snapshot stores; 2: the local
    /// and I/O APIC, and the BIOS data area words and MP tables of a -kernel boot).
    /// </summary>
    public const int ModelVersion = 2;

    public PhysicalMemory Memory { get; }
    public IoBus Io { get; } = new();
    public Cpu.Cpu Cpu { get; }
    public MachineConfig Config { get; }
    public MachineClock Clock { get; }
    public Mc146818Rtc Rtc { get; }

    private PcChipset _chipset;

    /// <summary>
    /// Where devices report what the guest got wrong or what HexEmu does not implement (-d
    /// guest_errors, unimp); the host points it at its log.
    /// </summary>
    public ForwardingGuestLog GuestLog { get; } = new();

    /// <summary>The exit status the guest asked for, once it did.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>How many times the machine was reset (triple fault, keyboard controller, port 0x92, monitor).</summary>
    public int Resets { get; private set; }

    public PcMachine(MachineConfig config)
    {
        if (config.Bios is { } bios && (bios.Length < MachineConfig.MinBiosBytes || bios.Length > MachineConfig.MaxBiosBytes || bios.Length % 0x1000 != 0))
            throw new ArgumentException($"BIOS image must be 64–256 KiB in 4 KiB steps, not {bios.Length} bytes");
        if (config.Bios is null && config.BootLoader is null)
            throw new ArgumentException("a machine needs firmware or a boot loader");
        if (config.SerialPorts.Count > MachineConfig.MaxSerialPorts)
            throw new ArgumentException($"at most {MachineConfig.MaxSerialPorts} serial ports");
        if (config.Disks.Count > MachineConfig.MaxDisks)
            throw new ArgumentException($"at most {MachineConfig.MaxDisks} IDE disks");
        Config = config;
        Memory = new PhysicalMemory(config.RamBytes);
        if (config.Bios is { } image) Memory.LoadRom(image);
        Cpu = new Cpu.Cpu(Memory, Io, config.CpuModel);
        Clock = new MachineClock(config.Time, () => Cpu.Icount);
        Cpu.TimeStampClock = Clock;
        Rtc = new Mc146818Rtc(Clock, new IsaIrqLine(this, Mc146818Rtc.Irq), config.RtcBaseUnixSeconds);
        PcCmosLayout.SetMemorySize(Rtc, config.RamBytes);
        _chipset = BuildChipset();
        Config.BootLoader?.Boot(this);
    }

    public DualPic Pic => _chipset.Pic;
    /// <summary>The local APIC, when the CPU model has one.</summary>
    public Devices.Apic.LocalApic? LocalApic => _chipset.Lapic;
    /// <summary>The I/O APIC, present with the local APIC.</summary>
    public Devices.Apic.IoApic? IoApic => _chipset.IoApic;
    public Pit8254 Pit => _chipset.Pit;
    public I8042Controller Keyboard => _chipset.Keyboard;
    public CgaText Cga => _chipset.Cga;
    public Devices.Ata.AtaChannel IdeChannel(int index) => _chipset.Ide[index];

    /// <summary>COM<paramref name="index"/>+1's UART, or null when that port is absent.</summary>
    public Uart16550? Serial(int index) => _chipset.Serial[index];

    /// <summary>
    /// Hands a byte typed on the host to a serial port; false when the port is absent or its
    /// receiver is full (the host keeps the byte and offers it again later).
    /// </summary>
    public bool TryDeliverSerialInput(int index, byte value)
    {
        if (_chipset.Serial[index] is not { } uart) return false;
        AdvanceTimers(); // the character timeout must count from this byte's arrival
        // Offered only when there is room: a real line would overrun, but a host can simply wait.
        if (!uart.CanReceive) return false;
        uart.TryReceive(value);
        return true;
    }

    private PcChipset BuildChipset()
    {
        Io.UnmapAll();
        _chipset?.UnmapMmio();
        var chipset = new PcChipset(Config, Io, Memory, Clock, Memory.SetA20, RequestReset, RequestExit, TimersReprogrammed, GuestLog);
        Io.Map(Mc146818Rtc.IndexPort, 2, new ReschedulingPort(Rtc, Rtc, Clock, TimersReprogrammed));
        Cpu.InterruptSource = chipset.InterruptSource;
        Cpu.ApicBaseMsr = chipset.Lapic;
        return chipset;
    }

    private void RequestExit(int code)
    {
        ExitCode = code;
        Cpu.RequestStop();
    }

    /// <summary>An ISA IRQ of the current chipset (the RTC outlives chipsets, so it cannot hold one chipset's line).</summary>
    private sealed class IsaIrqLine(PcMachine machine, int irq) : Devices.IIrqLine
    {
        public void Set(bool high) => machine._chipset?.IsaIrq(irq).Set(high);
    }
}
