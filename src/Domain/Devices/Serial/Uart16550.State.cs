using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Serial;

/// <summary>
/// Saving and loading the UART in its own section (named per COM port, e.g. "serial0"). The IRQ
/// level is saved but not re-driven on load: the interrupt controller restores its own view of
/// the line from its own section.
/// </summary>
public sealed partial class Uart16550
{
    /// <summary>Bump when the payload layout changes; <see cref="LoadState"/> reads versions up to this.</summary>
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(Port.StateSection, StateVersion);
        w.WriteU16(_divisor);
        w.WriteU8(_interruptEnable);
        w.WriteU8(_lineControl);
        w.WriteU8(_modemControl);
        w.WriteU8(_scratch);
        w.WriteU8(_fifoControl);
        w.WriteU8(_lineErrors);
        w.WriteU8(_modemDeltas);
        w.WriteU8(_externalModemInputs);
        w.WriteU8(_lastReceived);
        _receiver.Save(w);
        _transmitter.Save(w);
        w.WriteBool(_thrEmptyInterruptPending);
        w.WriteBool(_timeoutInterruptPending);
        w.WriteI64(_timeoutRemainingNs);
        w.WriteBool(_irqLevel);
        w.EndSection();
    }

    /// <summary>Loads this port's section; a malformed section leaves the UART exactly as it was.</summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, Port.StateSection, StateVersion, SaveState, Read);
    }

    private void Read(SectionReader s)
    {
        _divisor = s.ReadU16();
        _interruptEnable = Checked(s, s.ReadU8(), Ier.Writable, "IER");
        _lineControl = s.ReadU8();
        _modemControl = Checked(s, s.ReadU8(), Mcr.Writable, "MCR");
        _scratch = s.ReadU8();
        _fifoControl = Checked(s, s.ReadU8(), Fcr.Enable | Fcr.DmaMode | Fcr.TriggerMask, "FCR");
        _lineErrors = Checked(s, s.ReadU8(), Lsr.Errors, "line errors");
        _modemDeltas = Checked(s, s.ReadU8(), Msr.Deltas, "MSR deltas");
        _externalModemInputs = Checked(s, s.ReadU8(), 0xF0, "modem inputs");
        _lastReceived = s.ReadU8();
        _receiver.Load(s);
        _transmitter.Load(s);
        _thrEmptyInterruptPending = s.ReadBool();
        _timeoutInterruptPending = s.ReadBool();
        _timeoutRemainingNs = s.ReadI64();
        if (_timeoutRemainingNs < -1) throw new StateFormatException($"section '{s.Name}': timeout {_timeoutRemainingNs}");
        _irqLevel = s.ReadBool();
        s.End();
    }

    private static byte Checked(SectionReader s, byte value, int allowedBits, string what) =>
        (value & ~allowedBits) == 0 ? value : throw new StateFormatException($"section '{s.Name}': {what} 0x{value:x2} has undefined bits");
}
