namespace HexEmu.Domain.Io;

/// <summary>
/// Where guest output bytes go (a debug console, a serial port's transmitter). Output never
/// feeds back into the machine, so a sink cannot affect determinism.
/// </summary>
public interface IByteSink
{
    void Write(byte value);
}

/// <summary>A sink that discards everything.</summary>
public sealed class NullByteSink : IByteSink
{
    public static readonly NullByteSink Instance = new();
    public void Write(byte value) { }
}
