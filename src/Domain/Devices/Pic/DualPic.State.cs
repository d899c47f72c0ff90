using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Pic;

/// <summary>Saving and loading both chips as one named, versioned section.</summary>
public sealed partial class DualPic
{
    public const string StateSection = "pic";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        Master.Save(w);
        Slave.Save(w);
        w.EndSection();
    }

    /// <summary>Loads both chips; a malformed section leaves the controller exactly as it was.</summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, section =>
        {
            section.ExpectLength(2 * Pic8259.StateBytes);
            Read(section);
        });
    }

    private void Read(SectionReader s)
    {
        Master.Load(s);
        Slave.Load(s);
        s.End();
    }
}
