namespace HexEmu.Domain.Io;

/// <summary>A device reachable through the x86 I/O port space.</summary>
public interface IPortDevice
{
    /// <summary>Reads <paramref name="size"/> bytes (1, 2 or 4) from <paramref name="port"/>.</summary>
    uint Read(ushort port, int size);

    /// <summary>Writes the low <paramref name="size"/> bytes of <paramref name="value"/> to <paramref name="port"/>.</summary>
    void Write(ushort port, int size, uint value);
}
