using HexEmu.Domain.Diagnostics;

namespace HexEmu.Host.Cli;

/// <summary>
/// The parsed command line: typed values only, no strings left to interpret except paths and names.
/// Character devices are resolved as QEMU resolves them: every frontend (serial port, monitor,
/// debug console) names a chardev id in <see cref="Chardevs"/>; the defaults (-nographic,
/// -nodefaults) are already applied.
/// </summary>
public sealed record HostOptions
{
    /// <summary>What to do: run the machine, or print something and exit.</summary>
    public HostAction Action { get; init; } = HostAction.Run;

    public MachineType Machine { get; init; } = MachineType.Pc;
    public CpuModel Cpu { get; init; } = CpuModel.Qemu32;
    public uint RamBytes { get; init; } = Domain.Machine.MachineConfig.DefaultRamBytes;

    public string? BiosPath { get; init; }
    public string? KernelPath { get; init; }
    /// <summary>
    /// The kernel's path as the guest sees it (the Multiboot command line starts with it): the
    /// path as given, or for a kernel read from an archived recording (-kernel archive:NAME/PATH)
    /// its path in the recording, so the guest sees what it saw when the recording was made.
    /// </summary>
    public string? KernelGuestPath => KernelArchivePath ?? KernelPath;
    /// <summary>For -kernel archive:NAME/PATH: PATH, while <see cref="KernelPath"/> is the cached file.</summary>
    public string? KernelArchivePath { get; init; }
    /// <summary>-append: the kernel command line ("" when not given).</summary>
    public string KernelCommandLine { get; init; } = "";
    /// <summary>-initrd "f1 args,f2": the Multiboot modules in order.</summary>
    public IReadOnlyList<MultibootModule> InitrdModules { get; init; } = [];

    /// <summary>Every host character device, implicit ones (-serial stdio → "serial0") included.</summary>
    public IReadOnlyList<ChardevSpec> Chardevs { get; init; } = [];
    /// <summary>Chardev ids of COM1, COM2, … (at most 4); ports beyond the list do not exist.</summary>
    public IReadOnlyList<string> SerialPorts { get; init; } = [];
    /// <summary>Chardev id of the HMP monitor, or null for none.</summary>
    public string? MonitorChardev { get; init; }
    /// <summary>isa-debugcon devices (from -debugcon or -device isa-debugcon).</summary>
    public IReadOnlyList<DebugConDevice> DebugCons { get; init; } = [];
    public DebugExitDevice? DebugExit { get; init; }

    /// <summary>IDE drives with their resolved index (0 primary master … 3 secondary slave) and if=none drives.</summary>
    public IReadOnlyList<DriveSpec> Drives { get; init; } = [];

    public RtcOptions Rtc { get; init; } = RtcOptions.Default;
    /// <summary>-icount; null when virtual time follows the host clock.</summary>
    public IcountOptions? Icount { get; init; }

    /// <summary>-icount rr=…,rrfile=…: recording or replaying, and the log file; null for a plain run.</summary>
    public RecordReplayOptions? RecordReplay => Icount?.RecordReplay;

    public LogItems LogItems { get; init; }
    public string? LogFile { get; init; }
    public string? Name { get; init; }

    public bool NoGraphic { get; init; }
    public bool NoDefaults { get; init; }
    public bool NoReboot { get; init; }
    /// <summary>-snapshot: every disk as with snapshot=on (guest writes go to a temporary overlay).</summary>
    public bool Snapshot { get; init; }
    public bool NoShutdown { get; init; }
    /// <summary>-loadvm NAME: start from this VM snapshot.</summary>
    public string? LoadVm { get; init; }
    /// <summary>-S: do not start the CPU until the monitor says `cont` (or gdb continues).</summary>
    public bool StartPaused { get; init; }
    /// <summary>-gdb DEV or -s (tcp::1234): where the GDB stub listens; null for no stub.</summary>
    public string? GdbDevice { get; init; }
}

public enum HostAction { Run, ShowHelp, ShowVersion, ListMachines, ListCpus, ListDevices, ListLogItems }

public enum MachineType
{
    /// <summary>-M pc: the i440FX PC (HexEmu's devices without PCI).</summary>
    Pc,
    /// <summary>-M isapc: ISA-only PC.</summary>
    IsaPc,
}

/// <summary>-cpu models HexEmu knows; the lead maps each to its CPUID leaves.</summary>
public enum CpuModel
{
    /// <summary>"base": no CPUID features at all.</summary>
    Base,
    I486,
    Pentium,
    Pentium2,
    Pentium3,
    /// <summary>QEMU's default for qemu-system-i386.</summary>
    Qemu32,
}

/// <summary>One -initrd module: its file and the string the kernel sees as the module's command line.</summary>
public sealed record MultibootModule(string Path, string Arguments)
{
    /// <summary>For a module read from an archived recording: its path there, which the guest sees instead of the cached file's.</summary>
    public string? ArchivePath { get; init; }

    /// <summary>The module string the kernel sees: QEMU passes the whole "path args" text.</summary>
    public string CommandLine => Arguments.Length == 0 ? (ArchivePath ?? Path) : $"{ArchivePath ?? Path} {Arguments}";
}

public sealed record DebugExitDevice(ushort IoBase = 0x501, ushort IoSize = 2);

/// <summary>isa-debugcon on <paramref name="IoBase"/>, writing to chardev <paramref name="ChardevId"/>.</summary>
public sealed record DebugConDevice(ushort IoBase, string ChardevId)
{
    public const ushort DefaultIoBase = 0xE9;
}

public enum DriveInterface { Ide, None }

/// <summary>A raw disk image. For if=ide, <paramref name="Index"/> is resolved: bus = Index / 2, unit = Index % 2.</summary>
public sealed record DriveSpec(string Path, DriveInterface Interface, int Index, string Id, bool ReadOnly)
{
    /// <summary>format=; null when not given, and the image's first bytes decide (QEMU's probing).</summary>
    public DriveFormat? Format { get; init; }

    /// <summary>snapshot=on: guest writes go to a temporary overlay and the image is never modified.</summary>
    public bool Snapshot { get; init; }
}

public enum DriveFormat { Raw, Qcow2 }

public enum RtcBase { Utc, LocalTime, Fixed }

/// <summary>rt is host monotonic time, host the wall clock, vm the guest's virtual time (as QEMU).</summary>
public enum RtcClock { Host, Rt, Vm }

/// <summary>-rtc: <paramref name="FixedStart"/> is set when Base is Fixed (a date given on the command line, read as UTC).</summary>
public sealed record RtcOptions(RtcBase Base, DateTime? FixedStart, RtcClock Clock)
{
    public static readonly RtcOptions Default = new(RtcBase.Utc, null, RtcClock.Host);
}

/// <summary>-icount: <paramref name="Shift"/> null means shift=auto.</summary>
public sealed record IcountOptions(int? Shift, bool Sleep, bool Align)
{
    public const int MaxShift = 10;

    /// <summary>rr=record|replay,rrfile=FILE; null when neither recording nor replaying. When set, <see cref="Shift"/> is not null.</summary>
    public RecordReplayOptions? RecordReplay { get; init; }
}

public enum RecordReplayMode { Record, Replay }

/// <summary>-icount …,rr=<paramref name="Mode"/>,rrfile=<paramref name="File"/>: the replay log to write or to read (a path as given).</summary>
public sealed record RecordReplayOptions(RecordReplayMode Mode, string File)
{
    /// <summary>rrsnapshot=NAME: saved when recording starts, loaded when replaying starts (QEMU's convention).</summary>
    public string? Snapshot { get; init; }
}
