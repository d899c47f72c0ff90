using HexEmu.Domain.Io;
using HexEmu.Domain.State;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Devices.Timer;

/// <summary>
/// System control port B at 0x61 (PC/AT; PIIX "NMI Status and Control Register"). Written:
/// bit 0 = counter 2 gate, bit 1 = speaker data enable, bits 2–3 = parity/IOCHK check
/// disables (kept, no NMI sources here). Read: bits 0–3 as written, bit 4 = refresh request
/// toggle, bit 5 = counter 2 OUT, bits 6–7 = no parity/IOCHK error. The refresh bit toggles
/// every 15.085 µs of virtual time (DRAM refresh every 15 µs is what BIOS delay loops count).
/// </summary>
public sealed class SystemControlPortB(Pit8254 pit, IVirtualClock clock) : IPortDevice
{
    public const ushort Port = 0x61;
    public const byte Channel2Gate = 0x01;
    public const byte SpeakerDataEnable = 0x02;
    public const byte RefreshToggle = 0x10;
    public const byte Channel2Out = 0x20;
    public const long RefreshHalfPeriodNs = 15_085;
    private const byte WritableBits = 0x0F;

    public const string StateSection = "port61";
    public const ushort StateVersion = 1;

    private byte _value;

    /// <summary>Bit 1: the speaker would sound counter 2's OUT (there is no audio; just the bit).</summary>
    public bool SpeakerEnabled => (_value & SpeakerDataEnable) != 0;

    public uint Read(ushort port, int size)
    {
        bool refresh = clock.NowNs / RefreshHalfPeriodNs % 2 != 0;
        return (uint)(_value
            | (refresh ? RefreshToggle : 0)
            | (pit.Channel2Out ? Channel2Out : 0));
    }

    public void Write(ushort port, int size, uint value)
    {
        _value = (byte)(value & WritableBits);
        pit.SetChannel2Gate((_value & Channel2Gate) != 0);
    }

    /// <summary>Saves the written bits; counter 2's gate itself is saved with the PIT.</summary>
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
        byte value = s.ReadU8();
        if ((value & ~WritableBits) != 0) throw new StateFormatException($"section '{s.Name}': value 0x{value:x2} has read-only bits set");
        _value = value;
    }
}
