namespace HexEmu.Domain.Boot;

/// <summary>
/// A kernel image (or its modules) that cannot be booted. The message is one line that names the
/// problem, fit to print after the program name, e.g. "no Multiboot header in the first 8 KiB".
/// </summary>
public sealed class BootImageException(string message) : Exception(message);
