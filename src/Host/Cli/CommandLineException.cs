namespace HexEmu.Host.Cli;

/// <summary>A command line we cannot run: printed as one line, exit status 1 (as QEMU).</summary>
public sealed class CommandLineException(string message) : Exception(message);
