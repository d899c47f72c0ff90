using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices.Serial;

/// <summary>
/// A National Semiconductor PC16550D-compatible UART (the "16550A" of PC serial ports) with
/// 16-byte RX and TX FIFOs, as QEMU's isa-serial presents it to a guest.
/// <para>
/// Timing choices, so that the device is a pure function of the calls the machine makes:
/// <list type="bullet">
/// <item>Transmission is immediate: a byte written to THR reaches the <see cref="IByteSink"/>
/// (or, in loopback, the receiver) during the write, so THR and the transmitter are empty again
/// when the guest next looks. There is no baud-rate pacing; QEMU behaves the same way when its
/// character backend accepts output at once.</item>
/// <item>The RX character timeout (datasheet: "4 character times" without RX activity) runs on
/// virtual time: the machine calls <see cref="ElapseTime"/> with virtual nanoseconds, and
/// <see cref="NanosecondsUntilCharacterTimeout"/> tells it when the next deadline is. A
/// character time follows the programmed divisor and word format.</item>
/// </list>
/// </para>
/// The chip decodes only address pins A0–A2, so the register is the port number modulo 8.
/// </summary>
public sealed partial class Uart16550 : IPortDevice
{
    private readonly IIrqLine _irq;
    private readonly IByteSink _sink;

    private ushort _divisor;
    private byte _interruptEnable;
    private byte _lineControl;
    private byte _modemControl;
    private byte _scratch;
    /// <summary>FCR as last programmed: enable, DMA mode and trigger bits (0 when FIFOs are off).</summary>
    private byte _fifoControl;
    /// <summary>The latched LSR error bits (OE, PE, FE, BI); reading LSR clears them.</summary>
    private byte _lineErrors;
    /// <summary>MSR bits 0–3; reading MSR clears them.</summary>
    private byte _modemDeltas;
    /// <summary>The modem input pins from outside, as MSR bits 4–7 (1 = signal asserted).</summary>
    private byte _externalModemInputs;
    /// <summary>RBR in 16450 mode keeps the last character after it was read.</summary>
    private byte _lastReceived;
    private readonly UartFifo _receiver = new();
    private readonly UartFifo _transmitter = new();
    private bool _thrEmptyInterruptPending;
    private bool _timeoutInterruptPending;
    /// <summary>Virtual nanoseconds until the character timeout fires; −1 when not armed.</summary>
    private long _timeoutRemainingNs = -1;
    /// <summary>The level last driven on <see cref="_irq"/>.</summary>
    private bool _irqLevel;

    public Uart16550(ComPort port, IIrqLine irq, IByteSink sink)
    {
        Port = port;
        _irq = irq;
        _sink = sink;
        ResetRegisters();
    }

    public ComPort Port { get; }

    /// <summary>
    /// Hardware reset (system_reset). Register values after reset are QEMU's, which differ from
    /// the datasheet's master reset in two places a PC BIOS would have programmed anyway:
    /// MCR = OUT2 (so the IRQ reaches the PIC) and divisor 12 (9600 baud). MSR shows DCD, DSR
    /// and CTS asserted, as from a connected terminal.
    /// </summary>
    public void Reset()
    {
        ResetRegisters();
        DriveIrq();
    }

    private void ResetRegisters()
    {
        _divisor = 12;
        _interruptEnable = 0;
        _lineControl = 0;
        _modemControl = Mcr.Out2;
        _scratch = 0;
        _fifoControl = 0;
        _lineErrors = 0;
        _modemDeltas = 0;
        _externalModemInputs = Msr.Dcd | Msr.Dsr | Msr.Cts;
        _lastReceived = 0;
        _receiver.Clear();
        _transmitter.Clear();
        _thrEmptyInterruptPending = false;
        _timeoutInterruptPending = false;
        _timeoutRemainingNs = -1;
    }

    /// <summary>Reads <paramref name="size"/> consecutive registers, lowest port in the low byte (an ISA bus splits wider accesses).</summary>
    public uint Read(ushort port, int size)
    {
        uint value = 0;
        for (int i = 0; i < size; i++)
            value |= (uint)ReadRegister((port + i) & 7) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        for (int i = 0; i < size; i++)
            WriteRegister((port + i) & 7, (byte)(value >> (8 * i)));
    }

    private bool DivisorLatchSelected => (_lineControl & Lcr.DivisorLatchAccess) != 0;
    private bool FifosEnabled => (_fifoControl & Fcr.Enable) != 0;
    private bool Loopback => (_modemControl & Mcr.Loopback) != 0;

    private byte ReadRegister(int register) => register switch
    {
        UartRegister.Data => DivisorLatchSelected ? (byte)_divisor : ReadReceiveBuffer(),
        UartRegister.InterruptEnable => DivisorLatchSelected ? (byte)(_divisor >> 8) : _interruptEnable,
        UartRegister.InterruptIdentFifoControl => ReadInterruptIdentification(),
        UartRegister.LineControl => _lineControl,
        UartRegister.ModemControl => _modemControl,
        UartRegister.LineStatus => ReadLineStatus(),
        UartRegister.ModemStatus => ReadModemStatus(),
        _ => _scratch,
    };

    private void WriteRegister(int register, byte value)
    {
        switch (register)
        {
            case UartRegister.Data:
                if (DivisorLatchSelected) _divisor = (ushort)((_divisor & 0xFF00) | value);
                else WriteTransmitHolding(value);
                break;
            case UartRegister.InterruptEnable:
                if (DivisorLatchSelected) _divisor = (ushort)((_divisor & 0x00FF) | (value << 8));
                else WriteInterruptEnable(value);
                break;
            case UartRegister.InterruptIdentFifoControl:
                WriteFifoControl(value);
                break;
            case UartRegister.LineControl:
                // The break bit (6) holds SOUT at spacing; with immediate byte transmission there is no line to hold.
                _lineControl = value;
                break;
            case UartRegister.ModemControl:
                WriteModemControl(value);
                break;
            case UartRegister.LineStatus:
            case UartRegister.ModemStatus:
                // LSR and MSR writes are for factory testing only (PC16550D Table II note); QEMU ignores them too.
                break;
            default:
                _scratch = value;
                break;
        }
    }

    /// <summary>
    /// FCR (PC16550D, "FIFO Control Register"): changing FCR0 empties both FIFOs; bits 1 and 2 empty one FIFO and
    /// clear themselves; other bits are programmed only when FCR0 is 1 in the same write.
    /// </summary>
    private void WriteFifoControl(byte value)
    {
        bool enable = (value & Fcr.Enable) != 0;
        if (enable != FifosEnabled)
            value |= Fcr.ResetReceiver | Fcr.ResetTransmitter;
        if ((value & Fcr.ResetReceiver) != 0)
            ResetReceiver();
        if ((value & Fcr.ResetTransmitter) != 0)
        {
            _transmitter.Clear();
            // THR is empty now: as when a transmission completes, that is a THRE interrupt source.
            _thrEmptyInterruptPending = (_interruptEnable & Ier.TransmitterEmpty) != 0;
        }
        _fifoControl = enable ? (byte)(value & (Fcr.Enable | Fcr.DmaMode | Fcr.TriggerMask)) : (byte)0;
        DriveIrq();
    }

    /// <summary>The RX FIFO trigger level selected by FCR bits 6–7 (1, 4, 8 or 14 characters).</summary>
    private int ReceiveTriggerLevel => (_fifoControl >> 6) switch { 0 => 1, 1 => 4, 2 => 8, _ => 14 };
}
