namespace HexEmu.Host.Cli;

/// <summary>
/// A command line we cannot run: printed as one line, exit status 1 (as QEMU).
/// <paramref name="usage"/>, when given, goes to stdout first (QEMU lists the valid `-d` items that way).
/// </summary>
public sealed class CommandLineException(string message, string? usage = null) : Exception(message)
{
    public string? Usage { get; } = usage;
}
