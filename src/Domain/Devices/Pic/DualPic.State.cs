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
        var section = r.Open(StateSection, StateVersion);
        section.ExpectLength(2 * Pic8259.StateBytes);
        var backup = new StateWriter();
        SaveState(backup);
        try
        {
            Read(section);
        }
        catch (StateFormatException)
        {
            Read(new StateReader(backup.ToArray()).Open(StateSection, StateVersion));
            throw;
        }
    }

    private void Read(SectionReader s)
    {
        Master.Load(s);
        Slave.Load(s);
        s.End();
    }
}
