namespace HexEmu.Domain.Devices.Serial;

/// <summary>IER, IIR and the IRQ output.</summary>
public sealed partial class Uart16550
{
    /// <summary>The chip's INTRPT output: some enabled interrupt is pending (before PC gating).</summary>
    public bool InterruptPending => CurrentInterrupt() != Iir.NonePending;

    /// <summary>The level this UART drives on its IRQ line.</summary>
    public bool IrqLevel => _irqLevel;

    /// <summary>
    /// IER. Enabling ETBEI while THR is empty makes THRE pending at once: the datasheet leaves
    /// this implicit, but drivers probe for it (Linux's THRE test at startup) and QEMU and Bochs
    /// sample THRE on the rising edge of the bit, so this does too. Disabling it forgets it.
    /// </summary>
    private void WriteInterruptEnable(byte value)
    {
        byte previous = _interruptEnable;
        _interruptEnable = (byte)(value & Ier.Writable);
        if (((previous ^ _interruptEnable) & Ier.TransmitterEmpty) != 0)
            _thrEmptyInterruptPending = (_interruptEnable & Ier.TransmitterEmpty) != 0 && _transmitter.IsEmpty;
        DriveIrq();
    }

    /// <summary>
    /// IIR: the highest-priority pending interrupt, bits 6–7 set while the FIFOs are enabled.
    /// Reading it clears a THRE interrupt if that is the one it reports (PC16550D Table IV).
    /// </summary>
    private byte ReadInterruptIdentification()
    {
        byte id = CurrentInterrupt();
        if (id == Iir.TransmitterEmpty)
        {
            _thrEmptyInterruptPending = false;
            DriveIrq();
        }
        return (byte)(id | (FifosEnabled ? Iir.FifosEnabled : 0));
    }

    /// <summary>
    /// The interrupt priorities of PC16550D Table IV: receiver line status, then received data
    /// available or character timeout, then THR empty, then modem status; each only if enabled in IER.
    /// </summary>
    private byte CurrentInterrupt()
    {
        if ((_interruptEnable & Ier.LineStatus) != 0 && (_lineErrors & Lsr.Errors) != 0)
            return Iir.LineStatus;
        if ((_interruptEnable & Ier.ReceivedData) != 0)
        {
            if (_timeoutInterruptPending) return Iir.CharacterTimeout;
            bool atTrigger = FifosEnabled ? _receiver.Count >= ReceiveTriggerLevel : !_receiver.IsEmpty;
            if (atTrigger) return Iir.ReceivedData;
        }
        if ((_interruptEnable & Ier.TransmitterEmpty) != 0 && _thrEmptyInterruptPending)
            return Iir.TransmitterEmpty;
        if ((_interruptEnable & Ier.ModemStatus) != 0 && _modemDeltas != 0)
            return Iir.ModemStatus;
        return Iir.NonePending;
    }

    /// <summary>
    /// Drives the IRQ line whenever an enabled interrupt is pending, as QEMU does. On a real PC
    /// card the line passes through a driver enabled by MCR.OUT2 (and is forced off in loopback),
    /// but QEMU does not model that gate and guests rely on it: xv6, for one, leaves MCR at 0 and
    /// still expects IRQ 4. The line is only touched when its level changes.
    /// </summary>
    private void DriveIrq()
    {
        bool level = InterruptPending;
        if (level == _irqLevel) return;
        _irqLevel = level;
        _irq.Set(level);
    }
}
