namespace HexEmu.Host.Cli;

/// <summary>A host character device as -chardev (or a legacy -serial/-monitor spelling) declares it.</summary>
/// <param name="Mux">mux=on: several frontends (serial port + monitor) share it, switched with Ctrl-A c.</param>
public sealed record ChardevSpec(string Id, ChardevBackend Backend, bool Mux = false);

/// <summary>The backend kinds HexEmu implements.</summary>
public abstract record ChardevBackend
{
    /// <summary>Discards output, never has input.</summary>
    public sealed record Null : ChardevBackend;

    /// <summary>QEMU's default "vc" (a virtual console of the display). HexEmu has no display, so it behaves as null.</summary>
    public sealed record VirtualConsole : ChardevBackend;

    /// <summary>The process's stdin/stdout. <paramref name="Signal"/>: Ctrl-C still signals the process (QEMU's signal=on).</summary>
    public sealed record Stdio(bool Signal = true) : ChardevBackend;

    /// <summary>Output only, written to a file that is truncated first (or appended to).</summary>
    public sealed record File(string Path, bool Append = false) : ChardevBackend;

    /// <summary>PATH.in / PATH.out when both exist, else PATH for both directions (as QEMU).</summary>
    public sealed record Pipe(string Path) : ChardevBackend;

    /// <summary>TCP; a server binds <paramref name="Host"/> ("" = every address), a client connects to it ("" = localhost).</summary>
    public sealed record Tcp(string Host, int Port, bool Server, bool Wait, bool NoDelay) : ChardevBackend;

    /// <summary>A Unix domain stream socket.</summary>
    public sealed record Unix(string Path, bool Server, bool Wait) : ChardevBackend;
}
