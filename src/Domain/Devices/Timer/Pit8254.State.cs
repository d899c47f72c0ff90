using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Timer;

/// <summary>Saving and loading the three counters and IRQ 0's level as one named, versioned section.</summary>
public sealed partial class Pit8254
{
    public const string StateSection = "pit";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteI64(_advancedTick);
        w.WriteBool(_irq0Level);
        foreach (var channel in _channels) channel.Save(w);
        w.EndSection();
    }

    /// <summary>Loads every counter; a malformed section leaves the timer exactly as it was. IRQ 0 is not re-driven (the PIC saves its own input levels).</summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, section =>
        {
            section.ExpectLength(9 + ChannelCount * PitChannel.StateBytes);
            Read(section);
        });
    }

    private void Read(SectionReader s)
    {
        _advancedTick = s.ReadI64();
        _irq0Level = s.ReadBool();
        foreach (var channel in _channels) channel.Load(s);
        s.End();
    }
}
