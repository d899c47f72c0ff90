using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>Saving and loading the keyboard: its settings, the command in progress and the queued bytes in order.</summary>
public sealed partial class Ps2Keyboard
{
    public const string StateSection = "ps2-keyboard";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBool(ScanningEnabled);
        w.WriteU8(ScancodeSet);
        w.WriteU8(Leds);
        w.WriteU8(Typematic);
        w.WriteU8(_awaitingDataFor);
        w.WriteU8(_lastSent);
        _queue.Save(w);
        w.EndSection();
    }

    /// <summary>Loads the keyboard; a malformed section leaves it as it was.</summary>
    public void LoadState(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        bool scanning = s.ReadBool();
        byte set = s.ReadU8(), leds = s.ReadU8(), typematic = s.ReadU8(), awaiting = s.ReadU8(), lastSent = s.ReadU8();
        if (set is < 1 or > 3) throw new StateFormatException($"section '{StateSection}': scancode set {set} does not exist");
        byte[] queued = _queue.ReadSaved(s);
        s.End();

        ScanningEnabled = scanning;
        ScancodeSet = set;
        Leds = leds;
        Typematic = typematic;
        _awaitingDataFor = awaiting;
        _lastSent = lastSent;
        _queue.Replace(queued);
    }
}
