namespace HexEmu.Domain.Devices.Serial;

/// <summary>RBR, the RX FIFO, overrun and the character timeout.</summary>
public sealed partial class Uart16550
{
    private const long BaudClockHz = 115_200; // 1.8432 MHz crystal / 16

    /// <summary>
    /// True when a byte given to <see cref="TryReceive"/> now would be stored without an overrun:
    /// the RX FIFO (16450 mode: RBR) has room and the receiver is connected (not in loopback,
    /// where SIN is disconnected). A machine that holds host input back while this is false
    /// loses no bytes.
    /// </summary>
    public bool CanReceive => !Loopback && _receiver.Count < ReceiveCapacity;

    /// <summary>
    /// A character arrives on SIN. Returns false when it was not stored intact: the receiver is in
    /// loopback (SIN disconnected; the byte is lost without an error), or an overrun happened
    /// (LSR.OE set) — in FIFO mode the FIFO was full and the new character is discarded, in
    /// 16450 mode the unread RBR character is overwritten by the new one (PC16550D, LSR bit 1).
    /// </summary>
    public bool TryReceive(byte value) => !Loopback && ReceiveCharacter(value, lineBreak: false);

    /// <summary>
    /// A break condition arrives on SIN: one zero character with BI, which LSR reports when that
    /// character reaches the top of the RX FIFO (PC16550D, LSR bit 4). Ignored in loopback.
    /// </summary>
    public void ReceiveBreak()
    {
        if (!Loopback) ReceiveCharacter(0, lineBreak: true);
    }

    /// <summary>
    /// Virtual time passes. When the character timeout has been armed this long, with characters
    /// still in the RX FIFO, the timeout interrupt becomes pending (PC16550D, "FIFO Interrupt Mode Operation": "at least one
    /// character is in the FIFO, the most recent serial character received and the most recent
    /// CPU read of the FIFO were longer than 4 continuous character times ago").
    /// A byte given to <see cref="TryReceive"/> counts as arriving after all time elapsed so far,
    /// so the machine should bring the UART up to date before it delivers input.
    /// </summary>
    public void ElapseTime(long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        if (_timeoutRemainingNs < 0) return;
        _timeoutRemainingNs -= nanoseconds;
        if (_timeoutRemainingNs > 0) return;
        _timeoutRemainingNs = -1;
        if (FifosEnabled && !_receiver.IsEmpty)
        {
            _timeoutInterruptPending = true;
            DriveIrq();
        }
    }

    /// <summary>Virtual nanoseconds until the character timeout fires, or null when it is not armed.</summary>
    public long? NanosecondsUntilCharacterTimeout => _timeoutRemainingNs >= 0 ? _timeoutRemainingNs : null;

    /// <summary>
    /// Four character times at the programmed rate: start bit, 5–8 data bits, parity, and 1, 1.5
    /// or 2 stop bits, at 115200 / divisor baud. A divisor of 0 (undefined in the datasheet)
    /// counts as 1.
    /// </summary>
    public long CharacterTimeoutNanoseconds
    {
        get
        {
            int dataBits = 5 + (_lineControl & Lcr.WordLengthMask);
            int parityBits = (_lineControl & Lcr.ParityEnable) != 0 ? 1 : 0;
            int stopHalfBits = (_lineControl & Lcr.TwoStopBits) == 0 ? 2 : dataBits == 5 ? 3 : 4;
            long halfBitsPerCharacter = 2 * (1 + dataBits + parityBits) + stopHalfBits;
            long divisor = Math.Max(1, (int)_divisor);
            return 4 * halfBitsPerCharacter * divisor * 1_000_000_000 / (2 * BaudClockHz);
        }
    }

    private int ReceiveCapacity => FifosEnabled ? UartFifo.Capacity : 1;

    private bool ReceiveCharacter(byte value, bool lineBreak)
    {
        bool intact = true;
        if (FifosEnabled)
        {
            if (_receiver.Count == UartFifo.Capacity)
            {
                _lineErrors |= Lsr.Overrun;
                intact = false;
            }
            else
            {
                _receiver.Push(value, lineBreak);
                if (_receiver.Count == 1) RevealTopError();
            }
            // A character completed in the shift register is RX activity even when it is lost.
            _timeoutRemainingNs = CharacterTimeoutNanoseconds;
        }
        else
        {
            if (!_receiver.IsEmpty)
            {
                _receiver.Clear();
                _lineErrors |= Lsr.Overrun;
                intact = false;
            }
            _receiver.Push(value, lineBreak);
            RevealTopError();
        }
        DriveIrq();
        return intact;
    }

    /// <summary>
    /// RBR read: takes the oldest character. Reading resets the character timeout and clears a
    /// pending timeout interrupt (PC16550D, "FIFO Interrupt Mode Operation"). An empty FIFO reads 0, as in QEMU; in 16450
    /// mode RBR keeps the last character.
    /// </summary>
    private byte ReadReceiveBuffer()
    {
        byte value;
        if (_receiver.IsEmpty)
        {
            value = FifosEnabled ? (byte)0 : _lastReceived;
        }
        else
        {
            value = _lastReceived = _receiver.Pop();
            RevealTopError();
        }
        _timeoutInterruptPending = false;
        _timeoutRemainingNs = FifosEnabled && !_receiver.IsEmpty ? CharacterTimeoutNanoseconds : -1;
        DriveIrq();
        return value;
    }

    /// <summary>An error travels with its character and shows in LSR when that character is next to be read.</summary>
    private void RevealTopError()
    {
        if (_receiver.TopIsBreak) _lineErrors |= Lsr.Break;
    }

    private void ResetReceiver()
    {
        _receiver.Clear();
        _lineErrors &= unchecked((byte)~Lsr.Break);
        _timeoutInterruptPending = false;
        _timeoutRemainingNs = -1;
    }

    /// <summary>
    /// LSR (PC16550D, "Line Status Register"). DR and the empty flags follow the FIFOs; THRE and TEMT are both set
    /// whenever the TX FIFO is empty because the shift register empties at once. Reading clears
    /// OE, PE, FE and BI, and with them the line status interrupt. Bit 7 is set in FIFO mode
    /// while a character with an error waits in the RX FIFO. Host input is whole bytes, so PE
    /// and FE never occur.
    /// </summary>
    private byte ReadLineStatus()
    {
        byte value = _lineErrors;
        if (!_receiver.IsEmpty) value |= Lsr.DataReady;
        if (_transmitter.IsEmpty) value |= Lsr.ThrEmpty | Lsr.TransmitterEmpty;
        if (FifosEnabled && _receiver.AnyBreak) value |= Lsr.ErrorInFifo;
        _lineErrors = 0;
        DriveIrq();
        return value;
    }
}
