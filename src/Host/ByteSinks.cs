using HexEmu.Domain.Io;

namespace HexEmu.Host;

/// <summary>Guest output to a stream, buffered; the run loop flushes it between slices and at exit.</summary>
public sealed class StreamByteSink(Stream stream) : IByteSink, IDisposable
{
    private readonly BufferedStream _out = new(stream, 64 * 1024);

    public void Write(byte value) => _out.WriteByte(value);

    public void Flush() => _out.Flush();

    public void Dispose() => _out.Dispose();
}
