namespace HexEmu.Application.Ports;

/// <summary>
/// A host character device (QEMU's "chardev"): where a guest serial port, the debug console or
/// the monitor reads and writes bytes. Input is non-deterministic, so the machine never reads a
/// backend directly: the session pulls bytes between slices and hands them to the device (and,
/// later, to the replay log).
/// </summary>
public interface ICharBackend : IDisposable
{
    /// <summary>The chardev id (as `info chardev` lists it): "serial0", "compat_monitor0", or a -chardev id.</summary>
    string Id { get; }

    /// <summary>What `info chardev` prints after the id, e.g. "stdio", "file", "socket", "null".</summary>
    string Description { get; }

    /// <summary>Guest output. Never blocks the machine thread for long: with no peer connected the bytes are dropped, as in QEMU.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Copies already-received input into <paramref name="buffer"/> without waiting; 0 when none is there.</summary>
    int TryRead(Span<byte> buffer);

    /// <summary>Raised (on any thread) when input arrives, so an idle machine can wake up.</summary>
    event Action? InputAvailable;

    /// <summary>Pushes buffered output to the host.</summary>
    void Flush();
}
