using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The "lapic" state section: every register, the base MSR and the timer's countdown (its base
/// instant and next expiry are virtual-clock times, which the clock's own section restores, so a
/// loaded timer expires exactly where the saved one would have).
/// </summary>
public sealed partial class LocalApic
{
    public const string StateSection = "lapic";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    private const int StateBytes = 8 + 4 + 1 + 4 + 4 + 4 + 3 * VectorBits.Words * 4 + 4 * 4 + LvtCount * 4 + 3 * 4 + 8 + 8;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteU64(_apicBase);
        w.WriteU32(_id);
        w.WriteU8(_tpr);
        w.WriteU32(_ldr);
        w.WriteU32(_dfr);
        w.WriteU32(_svr);
        WriteBank(w, _irr);
        WriteBank(w, _isr);
        WriteBank(w, _tmr);
        w.WriteU32(_esr);
        w.WriteU32(_errors);
        w.WriteU32(_icrLow);
        w.WriteU32(_icrHigh);
        foreach (uint entry in _lvt) w.WriteU32(entry);
        w.WriteU32(_initialCount);
        w.WriteU32(_divideConfig);
        w.WriteU32(_countAtBase);
        w.WriteI64(_baseNs);
        w.WriteI64(_nextExpiryNs);
        w.EndSection();
    }

    /// <summary>Loads every register; a malformed section leaves the APIC exactly as it was.</summary>
    public void LoadState(StateReader r)
    {
        uint? mappedBefore = MappedBase;
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, section =>
        {
            section.ExpectLength(StateBytes);
            Read(section);
        });
        if (MappedBase != mappedBefore) MappingChanged?.Invoke();
    }

    private static void WriteBank(StateWriter w, uint[] bank)
    {
        foreach (uint word in bank) w.WriteU32(word);
    }

    private static void ReadBank(SectionReader s, uint[] bank)
    {
        for (int i = 0; i < bank.Length; i++) bank[i] = s.ReadU32();
    }

    private void Read(SectionReader s)
    {
        _apicBase = s.ReadU64();
        if ((_apicBase & ~BaseWritable) != 0 || (_apicBase & BaseBsp) == 0)
            throw new StateFormatException($"section '{s.Name}': APIC base 0x{_apicBase:x}");
        _id = s.ReadU32();
        _tpr = s.ReadU8();
        _ldr = s.ReadU32();
        _dfr = s.ReadU32();
        _svr = s.ReadU32();
        ReadBank(s, _irr);
        ReadBank(s, _isr);
        ReadBank(s, _tmr);
        _esr = s.ReadU32();
        _errors = s.ReadU32();
        _icrLow = s.ReadU32();
        _icrHigh = s.ReadU32();
        for (int i = 0; i < LvtCount; i++)
        {
            _lvt[i] = s.ReadU32();
            if ((_lvt[i] & ~LvtWritable[i]) != 0)
                throw new StateFormatException($"section '{s.Name}': LVT entry {i} is 0x{_lvt[i]:x8}");
        }
        _initialCount = s.ReadU32();
        _divideConfig = s.ReadU32();
        if ((_divideConfig & ~DivideWritable) != 0)
            throw new StateFormatException($"section '{s.Name}': divide configuration 0x{_divideConfig:x}");
        _countAtBase = s.ReadU32();
        _baseNs = s.ReadI64();
        _nextExpiryNs = s.ReadI64();
        if (_nextExpiryNs < -1) throw new StateFormatException($"section '{s.Name}': timer expiry {_nextExpiryNs}");
        s.End();
    }
}
