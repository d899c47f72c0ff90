using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>Saving and loading the mouse: its settings, the command in progress and the queued bytes in order.</summary>
public sealed partial class Ps2Mouse
{
    public const string StateSection = "ps2-mouse";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBool(ReportingEnabled);
        w.WriteBool(RemoteMode);
        w.WriteBool(WrapMode);
        w.WriteBool(Scaling2To1);
        w.WriteU8(SampleRate);
        w.WriteU8(Resolution);
        w.WriteU8(DeviceId);
        w.WriteU8(Buttons);
        w.WriteU8(_awaitingDataFor);
        w.WriteU8(_lastSent);
        w.WriteU32(_rateHistory);
        _queue.Save(w);
        w.EndSection();
    }

    /// <summary>Loads the mouse; a malformed section leaves it as it was.</summary>
    public void LoadState(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        bool reporting = s.ReadBool(), remote = s.ReadBool(), wrap = s.ReadBool(), scaling = s.ReadBool();
        byte rate = s.ReadU8(), resolution = s.ReadU8(), id = s.ReadU8(), buttons = s.ReadU8();
        byte awaiting = s.ReadU8(), lastSent = s.ReadU8();
        uint history = s.ReadU32();
        byte[] queued = _queue.ReadSaved(s);
        s.End();

        ReportingEnabled = reporting;
        RemoteMode = remote;
        WrapMode = wrap;
        Scaling2To1 = scaling;
        SampleRate = rate;
        Resolution = resolution;
        DeviceId = id;
        Buttons = buttons;
        _awaitingDataFor = awaiting;
        _lastSent = lastSent;
        _rateHistory = history;
        _queue.Replace(queued);
    }
}
