using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices;

/// <summary>
/// Bochs/QEMU-style debug console (isa-debugcon): every byte written to its port goes to a sink;
/// reading the port returns 0xE9, which guests use to detect it.
/// </summary>
public sealed class DebugConsole(IByteSink sink) : IPortDevice
{
    public const ushort DefaultPort = 0xE9;

    public uint Read(ushort port, int size) => 0xE9;

    public void Write(ushort port, int size, uint value) => sink.Write((byte)value);
}
