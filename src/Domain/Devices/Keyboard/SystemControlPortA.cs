using HexEmu.Domain.Io;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>
/// System control port A at 0x92 (PS/2 and every chipset since, e.g. Intel PIIX "Port 92h"):
/// bit 1 opens the A20 gate without the slow keyboard controller ("fast A20"), and a 0→1 write
/// of bit 0 resets the processor ("fast reset"). The other bits (security lock, disk LEDs) are
/// kept and read back. Reading returns the last value written, as QEMU's port92 does; the
/// machine's reset clears bit 0 so the next reset needs another 0→1 write.
/// </summary>
public sealed class SystemControlPortA(Action<bool> setA20, Action requestReset) : IPortDevice
{
    public const ushort Port = 0x92;
    public const byte FastReset = 0x01;
    public const byte A20 = 0x02;

    public const string StateSection = "port92";
    public const ushort StateVersion = 1;

    private byte _value;

    public byte Value => _value;

    public uint Read(ushort port, int size) => _value;

    /// <summary>Drives the A20 gate with bit 1 on every write, as the chipset's output follows the latch.</summary>
    public void Write(ushort port, int size, uint value)
    {
        byte old = _value;
        _value = (byte)value;
        setA20((_value & A20) != 0);
        if ((_value & FastReset) != 0 && (old & FastReset) == 0)
            requestReset();
    }

    public void Reset() => _value &= unchecked((byte)~FastReset);

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteU8(_value);
        w.EndSection();
    }

    public void LoadState(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        s.ExpectLength(1);
        _value = s.ReadU8();
    }
}
