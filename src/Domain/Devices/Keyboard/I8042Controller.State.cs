using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>
/// Saving and loading the controller, its keyboard and its mouse (three sections). The interrupt line levels
/// are not saved: they follow from the state, and the interrupt controller saves what it latched.
/// </summary>
public sealed partial class I8042Controller
{
    public const string StateSection = "i8042";
    /// <summary>Bump when the payload layout changes.</summary>
    public const ushort StateVersion = 1;
    private const int StatePayloadBytes = RamSize + 11;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBytes(_ram);
        w.WriteU8(_outputPort);
        w.WriteU8(_outputBuffer);
        w.WriteBool(_outputBufferFull);
        w.WriteBool(_outputFromAux);
        w.WriteU8(_reply);
        w.WriteBool(_replyPending);
        w.WriteBool(_replyFromAux);
        w.WriteU8(_awaitingDataFor);
        w.WriteBool(_systemFlag);
        w.WriteBool(_lastWriteWasCommand);
        w.WriteBool(_breakPrefixSeen);
        w.EndSection();
        Keyboard.SaveState(w);
        Mouse.SaveState(w);
    }

    /// <summary>Loads the three sections; a malformed one leaves controller, keyboard and mouse as they were.</summary>
    public void LoadState(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        s.ExpectLength(StatePayloadBytes);
        var ram = new byte[RamSize];
        s.ReadBytes(ram);
        byte outputPort = s.ReadU8(), outputBuffer = s.ReadU8();
        bool outputBufferFull = s.ReadBool(), outputFromAux = s.ReadBool();
        byte reply = s.ReadU8();
        bool replyPending = s.ReadBool(), replyFromAux = s.ReadBool();
        byte awaitingDataFor = s.ReadU8();
        bool systemFlag = s.ReadBool(), lastWriteWasCommand = s.ReadBool(), breakPrefixSeen = s.ReadBool();
        s.End();
        // Each device validates its whole section before changing anything; save first so a
        // malformed mouse section can put the keyboard back.
        var keyboardBefore = new StateWriter();
        Keyboard.SaveState(keyboardBefore);
        Keyboard.LoadState(r);
        try
        {
            Mouse.LoadState(r);
        }
        catch (StateFormatException)
        {
            Keyboard.LoadState(new StateReader(keyboardBefore.ToArray()));
            throw;
        }

        ram.CopyTo(_ram, 0);
        _outputPort = outputPort;
        _outputBuffer = outputBuffer;
        _outputBufferFull = outputBufferFull;
        _outputFromAux = outputFromAux;
        _reply = reply;
        _replyPending = replyPending;
        _replyFromAux = replyFromAux;
        _awaitingDataFor = awaitingDataFor;
        _systemFlag = systemFlag;
        _lastWriteWasCommand = lastWriteWasCommand;
        _breakPrefixSeen = breakPrefixSeen;
        _keyboardIrqHigh = KeyboardIrqLevel;
        _auxIrqHigh = AuxIrqLevel;
    }
}
