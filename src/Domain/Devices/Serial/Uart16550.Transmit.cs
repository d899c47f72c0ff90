namespace HexEmu.Domain.Devices.Serial;

/// <summary>THR and the transmitter: bytes leave at once (see the class remarks).</summary>
public sealed partial class Uart16550
{
    /// <summary>
    /// Writing THR clears a pending THRE interrupt (PC16550D Table IV); the byte goes through the
    /// TX FIFO (or the THR in 16450 mode) to the serial output, which empties THR again and so
    /// raises a new THRE interrupt. The IRQ line falls and rises around the write, which is the
    /// edge an edge-triggered PIC needs to interrupt again after the handler refilled the FIFO.
    /// </summary>
    private void WriteTransmitHolding(byte value)
    {
        _thrEmptyInterruptPending = false;
        _transmitter.Push(value, lineBreak: false);
        DriveIrq();
        DrainTransmitter();
    }

    private void DrainTransmitter()
    {
        while (!_transmitter.IsEmpty)
        {
            byte value = _transmitter.Pop();
            // Loopback (MCR bit 4, PC16550D "Modem Control Register"): the transmitter shift register feeds the
            // receiver and SOUT stays marking, so nothing reaches the outside.
            if (Loopback) ReceiveCharacter(value, lineBreak: false);
            else _sink.Write(value);
        }
        _thrEmptyInterruptPending = true;
        DriveIrq();
    }
}
