using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Apic;

/// <summary>The "ioapic" state section: the index register, the ID, the input levels and the redirection table.</summary>
public sealed partial class IoApic
{
    public const string StateSection = "ioapic";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    private const int StateBytes = 1 + 4 + 4 + PinCount * 8;

    /// <summary>Bits an entry can hold: the writable ones and remote IRR, and the destination.</summary>
    private const ulong EntryBits = 0xFF00_0000_0000_0000 | LowWritable | EntryRemoteIrr;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteU8(_select);
        w.WriteU32(_id);
        w.WriteU32(_lines);
        foreach (ulong entry in _redirection) w.WriteU64(entry);
        w.EndSection();
    }

    /// <summary>Loads the table; a malformed section leaves the I/O APIC exactly as it was. Nothing is sent on load.</summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, section =>
        {
            section.ExpectLength(StateBytes);
            Read(section);
        });
    }

    private void Read(SectionReader s)
    {
        _select = s.ReadU8();
        _id = s.ReadU32();
        if ((_id & ~0x0F00_0000u) != 0) throw new StateFormatException($"section '{s.Name}': ID 0x{_id:x8}");
        _lines = s.ReadU32();
        if (_lines >> PinCount != 0) throw new StateFormatException($"section '{s.Name}': input levels 0x{_lines:x8}");
        for (int i = 0; i < PinCount; i++)
        {
            _redirection[i] = s.ReadU64();
            if ((_redirection[i] & ~EntryBits) != 0)
                throw new StateFormatException($"section '{s.Name}': redirection entry {i} is 0x{_redirection[i]:x16}");
        }
        s.End();
    }
}
