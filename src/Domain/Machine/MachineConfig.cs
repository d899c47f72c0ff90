using HexEmu.Domain.Io;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>Everything needed to build a machine, already parsed and validated.</summary>
public sealed record MachineConfig
{
    public const uint DefaultRamBytes = 128u << 20;
    public const int MinBiosBytes = 64 * 1024;
    public const int MaxBiosBytes = 256 * 1024;
    public const int MaxSerialPorts = 4;

    public uint RamBytes { get; init; } = DefaultRamBytes;

    /// <summary>-M isapc: a PC without the PCI chipset's extras (no ELCR at 0x4D0/0x4D1).</summary>
    public bool IsaOnly { get; init; }

    /// <summary>The display adapter's text mode (CGA memory and CRTC); QEMU's -nodefaults leaves it out.</summary>
    public bool Vga { get; init; } = true;

    /// <summary>The CPU model (-cpu): its reset signature and CPUID answers.</summary>
    public Cpu.CpuModel CpuModel { get; init; } = Cpu.CpuModel.Default;

    /// <summary>The firmware image (-bios), 64–256 KiB; null when the machine boots otherwise (-kernel).</summary>
    public byte[]? Bios { get; init; }

    /// <summary>Puts the boot payload in place at power-on and after every reset (-kernel); null for firmware boot.</summary>
    public IBootLoader? BootLoader { get; init; }

    /// <summary>The debug consoles (isa-debugcon, -debugcon): each port and where the bytes written to it go.</summary>
    public IReadOnlyList<(ushort Port, IByteSink Sink)> DebugConsoles { get; init; } = [];

    /// <summary>isa-debug-exit's port range; null means the device is absent.</summary>
    public (ushort Base, ushort Size)? DebugExit { get; init; }

    /// <summary>
    /// COM1–COM4 in order: each entry is where that port's output goes; a null entry (or a
    /// missing one) means the port is absent, as with QEMU's <c>-serial none</c>.
    /// </summary>
    public IReadOnlyList<IByteSink?> SerialPorts { get; init; } = [];

    /// <summary>
    /// The IDE disks by index as QEMU numbers them (-drive index=N, -hda…-hdd): 0 primary master,
    /// 1 primary slave, 2 secondary master, 3 secondary slave; null or missing entries are absent.
    /// </summary>
    public IReadOnlyList<Storage.IBlockDevice?> Disks { get; init; } = [];

    public const int MaxDisks = 4;

    /// <summary>-no-reboot: a triple fault or reset request stops the machine instead of resetting it.</summary>
    public bool NoReboot { get; init; }

    /// <summary>How virtual time advances (-icount).</summary>
    public TimeMode Time { get; init; } = new TimeMode.HostPaced();

    /// <summary>The RTC's wall-clock time at virtual time 0 (-rtc base=…), seconds since the Unix epoch.</summary>
    public long RtcBaseUnixSeconds { get; init; }
}

/// <summary>Loads a boot payload (a Multiboot kernel, …) into a machine that was just reset.</summary>
public interface IBootLoader
{
    void Boot(PcMachine machine);
}
