using HexEmu.Domain.Io;

namespace HexEmu.Domain.Machine;

/// <summary>Everything needed to build a machine, already parsed and validated.</summary>
public sealed record MachineConfig
{
    public const uint DefaultRamBytes = 128u << 20;

    public uint RamBytes { get; init; } = DefaultRamBytes;

    /// <summary>The firmware image (-bios), 64–256 KiB.</summary>
    public required byte[] Bios { get; init; }

    /// <summary>Where bytes written to the debug console port go; null means no debug console.</summary>
    public IByteSink? DebugConsole { get; init; }

    public ushort DebugConsolePort { get; init; } = Devices.DebugConsole.DefaultPort;

    /// <summary>isa-debug-exit's port range; null means the device is absent.</summary>
    public (ushort Base, ushort Size)? DebugExit { get; init; }

    /// <summary>-no-reboot: a triple fault or reset request stops the machine instead of resetting it.</summary>
    public bool NoReboot { get; init; }

    public const int MinBiosBytes = 64 * 1024;
    public const int MaxBiosBytes = 256 * 1024;
}
