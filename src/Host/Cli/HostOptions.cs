namespace HexEmu.Host.Cli;

/// <summary>Where a character stream goes, as QEMU's chardev spellings name it.</summary>
public abstract record CharTarget
{
    public sealed record Stdio : CharTarget;
    public sealed record Null : CharTarget;
    public sealed record File(string Path) : CharTarget;
}

/// <summary>The parsed command line: typed values only, no strings left to interpret.</summary>
public sealed record HostOptions
{
    public string? BiosPath { get; init; }
    public uint RamBytes { get; init; } = Domain.Machine.MachineConfig.DefaultRamBytes;
    public CharTarget? DebugCon { get; init; }
    public (ushort Base, ushort Size)? DebugExit { get; init; }
    public bool NoReboot { get; init; }
    public bool ShowVersion { get; init; }
    public bool ShowHelp { get; init; }
}
