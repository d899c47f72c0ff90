namespace HexEmu.Domain.Devices.Serial;

/// <summary>MCR, MSR and the modem lines.</summary>
public sealed partial class Uart16550
{
    /// <summary>
    /// The modem input pins as seen from outside (1 = asserted). Changes set the MSR delta bits
    /// and, when enabled, the modem status interrupt. In loopback the outside pins are
    /// disconnected, so a change shows only once loopback ends.
    /// </summary>
    public void SetModemInputs(bool clearToSend, bool dataSetReady, bool ringIndicator, bool dataCarrierDetect)
    {
        byte before = ModemInputs;
        _externalModemInputs = (byte)((clearToSend ? Msr.Cts : 0) | (dataSetReady ? Msr.Dsr : 0)
            | (ringIndicator ? Msr.Ri : 0) | (dataCarrierDetect ? Msr.Dcd : 0));
        NoteModemInputChange(before);
    }

    /// <summary>
    /// MCR. Bits 5–7 read 0. Entering or leaving loopback, or changing an output while in it,
    /// changes the inputs the MSR sees and so sets its delta bits.
    /// </summary>
    private void WriteModemControl(byte value)
    {
        byte before = ModemInputs;
        _modemControl = (byte)(value & Mcr.Writable);
        NoteModemInputChange(before);
        DriveIrq();
    }

    /// <summary>
    /// MSR bits 4–7 as the chip sees them. In loopback (PC16550D, "Modem Control Register") the
    /// outputs feed the inputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD.
    /// </summary>
    private byte ModemInputs
    {
        get
        {
            if (!Loopback) return _externalModemInputs;
            int mcr = _modemControl;
            return (byte)(((mcr & Mcr.Rts) != 0 ? Msr.Cts : 0) | ((mcr & Mcr.Dtr) != 0 ? Msr.Dsr : 0)
                | ((mcr & Mcr.Out1) != 0 ? Msr.Ri : 0) | ((mcr & Mcr.Out2) != 0 ? Msr.Dcd : 0));
        }
    }

    /// <summary>
    /// Delta bits (PC16550D, "Modem Status Register"): DCTS, DDSR and DDCD on any change; TERI
    /// only when RI turns off (the RI pin going from low to high).
    /// </summary>
    private void NoteModemInputChange(byte before)
    {
        byte after = ModemInputs;
        byte changed = (byte)(before ^ after);
        if ((changed & Msr.Cts) != 0) _modemDeltas |= Msr.DeltaCts;
        if ((changed & Msr.Dsr) != 0) _modemDeltas |= Msr.DeltaDsr;
        if ((changed & Msr.Dcd) != 0) _modemDeltas |= Msr.DeltaDcd;
        if ((before & Msr.Ri) != 0 && (after & Msr.Ri) == 0) _modemDeltas |= Msr.TrailingEdgeRi;
        DriveIrq();
    }

    /// <summary>MSR: the inputs and the deltas; reading clears the deltas and the modem status interrupt.</summary>
    private byte ReadModemStatus()
    {
        byte value = (byte)(ModemInputs | _modemDeltas);
        _modemDeltas = 0;
        DriveIrq();
        return value;
    }
}
