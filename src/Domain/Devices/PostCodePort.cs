using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices;

/// <summary>
/// Port 0x80, the POST diagnostic port. Firmware writes progress codes there and operating
/// systems write to it as a short I/O delay, so it must be claimed (an unclaimed port would
/// count as a guest error). Reads return 0xFF as on QEMU's PC; the last code is kept for
/// diagnostics.
/// </summary>
public sealed class PostCodePort : IPortDevice
{
    public const ushort Port = 0x80;

    public byte LastCode { get; private set; }

    public uint Read(ushort port, int size) => size switch { 1 => 0xFFu, 2 => 0xFFFFu, _ => 0xFFFF_FFFFu };

    public void Write(ushort port, int size, uint value) => LastCode = (byte)value;
}
