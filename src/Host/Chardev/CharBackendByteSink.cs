using HexEmu.Application.Ports;
using HexEmu.Domain.Io;

namespace HexEmu.Host.Chardev;

/// <summary>Guest output devices (debugcon, a UART's transmitter) writing into a chardev; the run loop flushes between slices.</summary>
public sealed class CharBackendByteSink(ICharBackend backend) : IByteSink
{
    private readonly byte[] _one = new byte[1];

    public void Write(byte value)
    {
        _one[0] = value;
        backend.Write(_one);
    }
}
