using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices;

/// <summary>
/// isa-debug-exit: a write of <c>value</c> stops the machine with exit status
/// <c>(value &lt;&lt; 1) | 1</c>, as QEMU does, so a test guest can report success or failure.
/// </summary>
public sealed class DebugExit(Action<int> requestExit) : IPortDevice
{
    public uint Read(ushort port, int size) => 0xFFFF_FFFF;

    public void Write(ushort port, int size, uint value) => requestExit((int)((value << 1) | 1));
}
