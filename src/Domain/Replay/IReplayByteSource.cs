namespace HexEmu.Domain.Replay;

/// <summary>
/// Where <see cref="ReplayLogDecoder"/> gets its bytes: in memory here, a file in the Host. Reads
/// up to <c>buffer.Length</c> bytes and returns how many, 0 only at the end of the data. A source
/// that fails throws <see cref="ReplayLogException"/>.
/// </summary>
public interface IReplayByteSource
{
    int Read(Span<byte> buffer);
}

/// <summary>Log bytes already in memory.</summary>
public sealed class MemoryReplayByteSource(ReadOnlyMemory<byte> bytes) : IReplayByteSource
{
    private ReadOnlyMemory<byte> _rest = bytes;

    public int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _rest.Length);
        _rest.Span[..n].CopyTo(buffer);
        _rest = _rest[n..];
        return n;
    }
}
