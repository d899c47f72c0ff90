using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>
/// Saving and loading a channel in its own section ("ide0", "ide1"): the device control register,
/// the selected device, the interrupt line, and both drives' task files, settings and PIO
/// transfers (a DRQ block half read or half written included). The disk contents are not here:
/// they live in the images. The IRQ level is saved but not re-driven on load: the interrupt
/// controller restores its own view of the line from its own section.
/// </summary>
public sealed partial class AtaChannel
{
    /// <summary>Bump when the payload layout changes; <see cref="LoadState"/> reads versions up to this.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(Ports.StateSection, StateVersion);
        w.WriteU8(_deviceControl);
        w.WriteU8((byte)_selected);
        w.WriteBool(_irqLevel);
        foreach (var drive in _drives) drive.Save(w);
        w.EndSection();
    }

    /// <summary>
    /// Loads this channel's section. A malformed section, or one saved with different disks
    /// (present or not, sector counts), is rejected and leaves the channel exactly as it was.
    /// </summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, Ports.StateSection, StateVersion, SaveState, Read);
    }

    private void Read(SectionReader s)
    {
        _deviceControl = s.ReadU8();
        byte selected = s.ReadU8();
        if (selected > 1) throw new StateFormatException($"section '{s.Name}': selected device {selected}");
        _selected = selected;
        _irqLevel = s.ReadBool();
        for (int unit = 0; unit < _drives.Length; unit++) _drives[unit].Load(s, unit);
        s.End();
    }
}
