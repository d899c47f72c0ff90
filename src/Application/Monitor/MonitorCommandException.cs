namespace HexEmu.Application.Monitor;

/// <summary>
/// A bad argument found while parsing a command line. Thrown inside the interpreter only and turned into
/// QEMU's error line (plus its "Try help" hint); it never reaches the interpreter's caller.
/// </summary>
internal sealed class MonitorCommandException(string message) : Exception(message);
