using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Cmos;

/// <summary>
/// Saving and loading the RTC and its CMOS RAM as one named, versioned section. The IRQ level is
/// saved but not re-driven on load: the interrupt controller restores its own view of the line
/// from its own section.
/// </summary>
public sealed partial class Mc146818Rtc
{
    public const string StateSection = "rtc";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    private const int StateBytes = RamSize + 1 + 1 + 1 + 4 * 8;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBytes(_ram);
        w.WriteU8(_index);
        w.WriteBool(_nmiMasked);
        w.WriteBool(_irqLevel);
        w.WriteI64(_baseSeconds);
        w.WriteI64(_secondPhaseNs);
        w.WriteI64(_dividerOriginNs);
        w.WriteI64(_syncedNs);
        w.EndSection();
    }

    /// <summary>Loads the section; a malformed one leaves the RTC exactly as it was.</summary>
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
        var ram = new byte[RamSize];
        s.ReadBytes(ram);
        byte index = s.ReadU8();
        if (index >= RamSize) throw new StateFormatException($"section '{s.Name}': index 0x{index:x2} out of range");
        bool nmiMasked = s.ReadBool();
        bool irqLevel = s.ReadBool();
        long baseSeconds = s.ReadI64();
        long secondPhaseNs = s.ReadI64();
        long dividerOriginNs = s.ReadI64();
        long syncedNs = s.ReadI64();
        s.End();
        ram.CopyTo(_ram, 0);
        _index = index;
        _nmiMasked = nmiMasked;
        _irqLevel = irqLevel;
        _baseSeconds = baseSeconds;
        _secondPhaseNs = secondPhaseNs;
        _dividerOriginNs = dividerOriginNs;
        _syncedNs = syncedNs;
    }
}
