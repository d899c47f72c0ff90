namespace HexEmu.Domain.Devices.Serial;

/// <summary>
/// Register offsets of the 16550A (address pins A0–A2) and their bits, as the PC16550D
/// datasheet (National Semiconductor, Table II "Summary of Registers") names them.
/// </summary>
internal static class UartRegister
{
    /// <summary>RBR on read, THR on write; DLL when LCR.DLAB = 1.</summary>
    public const int Data = 0;
    /// <summary>IER; DLM when LCR.DLAB = 1.</summary>
    public const int InterruptEnable = 1;
    /// <summary>IIR on read, FCR on write.</summary>
    public const int InterruptIdentFifoControl = 2;
    public const int LineControl = 3;
    public const int ModemControl = 4;
    public const int LineStatus = 5;
    public const int ModemStatus = 6;
    public const int Scratch = 7;
}

/// <summary>IER bits; bits 4–7 are always 0 on the 16550A.</summary>
internal static class Ier
{
    public const byte ReceivedData = 0x01;      // ERBFI: RX data available and character timeout
    public const byte TransmitterEmpty = 0x02;  // ETBEI: THR empty
    public const byte LineStatus = 0x04;        // ELSI: OE, PE, FE, BI
    public const byte ModemStatus = 0x08;       // EDSSI: any MSR delta bit
    public const byte Writable = 0x0F;
}

/// <summary>IIR values: bit 0 clear means an interrupt is pending, bits 1–3 say which, bits 6–7 mirror FCR0.</summary>
internal static class Iir
{
    public const byte NonePending = 0x01;
    public const byte ModemStatus = 0x00;
    public const byte TransmitterEmpty = 0x02;
    public const byte ReceivedData = 0x04;
    public const byte LineStatus = 0x06;
    public const byte CharacterTimeout = 0x0C;
    public const byte FifosEnabled = 0xC0;
}

/// <summary>FCR bits (write only).</summary>
internal static class Fcr
{
    public const byte Enable = 0x01;
    public const byte ResetReceiver = 0x02;
    public const byte ResetTransmitter = 0x04;
    public const byte DmaMode = 0x08;
    public const byte TriggerMask = 0xC0;
}

/// <summary>LCR bits.</summary>
internal static class Lcr
{
    public const byte WordLengthMask = 0x03;   // 5 + value data bits
    public const byte TwoStopBits = 0x04;      // 1.5 stop bits with 5-bit words
    public const byte ParityEnable = 0x08;
    public const byte SetBreak = 0x40;
    public const byte DivisorLatchAccess = 0x80;
}

/// <summary>MCR bits; bits 5–7 are always 0 on the 16550A.</summary>
internal static class Mcr
{
    public const byte Dtr = 0x01;
    public const byte Rts = 0x02;
    public const byte Out1 = 0x04;
    /// <summary>On PC serial cards this output enables the IRQ line driver.</summary>
    public const byte Out2 = 0x08;
    public const byte Loopback = 0x10;
    public const byte Writable = 0x1F;
}

/// <summary>LSR bits.</summary>
internal static class Lsr
{
    public const byte DataReady = 0x01;
    public const byte Overrun = 0x02;
    public const byte Parity = 0x04;
    public const byte Framing = 0x08;
    public const byte Break = 0x10;
    public const byte ThrEmpty = 0x20;
    public const byte TransmitterEmpty = 0x40;
    /// <summary>FIFO mode: at least one character in the RX FIFO carries an error.</summary>
    public const byte ErrorInFifo = 0x80;
    /// <summary>The bits that raise the line status interrupt and that reading LSR clears.</summary>
    public const byte Errors = Overrun | Parity | Framing | Break;
}

/// <summary>MSR bits: deltas in 0–3, the (complemented) modem input pins in 4–7.</summary>
internal static class Msr
{
    public const byte DeltaCts = 0x01;
    public const byte DeltaDsr = 0x02;
    public const byte TrailingEdgeRi = 0x04;
    public const byte DeltaDcd = 0x08;
    public const byte Deltas = 0x0F;
    public const byte Cts = 0x10;
    public const byte Dsr = 0x20;
    public const byte Ri = 0x40;
    public const byte Dcd = 0x80;
}
