using HexEmu.Domain.Diagnostics;

namespace HexEmu.Domain.Io;

/// <summary>
/// The 64 KiB I/O port space. Each port maps to at most one device; unclaimed ports read as
/// all ones and ignore writes, as on a PC's ISA bus.
/// </summary>
public sealed class IoBus
{
    private readonly IPortDevice?[] _devices = new IPortDevice?[0x10000];

    /// <summary>Where accesses to unclaimed ports are reported (`-d guest_errors`); null for nowhere.</summary>
    public IGuestLog? GuestLog { get; set; }

    public void Map(ushort firstPort, int count, IPortDevice device)
    {
        for (int p = firstPort; p < firstPort + count && p < 0x10000; p++)
        {
            if (_devices[p] is not null)
                throw new InvalidOperationException($"I/O port 0x{p:x} is already claimed");
            _devices[p] = device;
        }
    }

    /// <summary>Releases every port (the machine rebuilds its devices on a reset).</summary>
    public void UnmapAll() => Array.Clear(_devices);

    public uint Read(ushort port, int size)
    {
        var device = _devices[port];
        if (device is not null)
            return device.Read(port, size);
        if (GuestLog is { LogsGuestErrors: true } log)
            log.GuestError($"Invalid read at I/O port 0x{port:x4}, size {size}: no device");
        return size switch { 1 => 0xFFu, 2 => 0xFFFFu, _ => 0xFFFF_FFFFu };
    }

    public void Write(ushort port, int size, uint value)
    {
        var device = _devices[port];
        if (device is not null)
            device.Write(port, size, value);
        else if (GuestLog is { LogsGuestErrors: true } log)
            log.GuestError($"Invalid write at I/O port 0x{port:x4}, size {size}, value 0x{value:x}: no device");
    }
}
