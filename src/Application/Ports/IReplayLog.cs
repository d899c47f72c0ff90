using HexEmu.Domain.Replay;

namespace HexEmu.Application.Ports;

/// <summary>
/// Writes a recording as it happens. Events arrive in icount order; the writer encodes them and
/// makes them durable at <see cref="Flush"/> (the session flushes after every input event and at
/// a bounded interval), so a killed recording keeps everything up to its last flush.
/// </summary>
public interface IReplayLogWriter : IDisposable
{
    void Append(ReplayEvent e);

    void Flush();
}

/// <summary>
/// Reads a recording back. <see cref="TryReadNext"/> returns false at a clean end of the log; a
/// damaged or truncated log raises <see cref="Domain.Replay.ReplayLogException"/> naming the byte
/// offset, after every complete event before the damage has been returned.
/// </summary>
public interface IReplayLogReader : IDisposable
{
    ReplayHeader Header { get; }

    bool TryReadNext(out ReplayEvent? e);
}
