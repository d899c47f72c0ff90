namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>Status register bits (port 0x64 read), per the 8042/PS/2 controller documentation.</summary>
public static class I8042Status
{
    /// <summary>Output buffer full: port 0x60 holds a byte for the host.</summary>
    public const byte OutputBufferFull = 0x01;
    /// <summary>Input buffer full: the controller has not yet taken the last write (never set here: it takes writes at once).</summary>
    public const byte InputBufferFull = 0x02;
    /// <summary>System flag: set by a passed self test or by command byte bit 2 (cold boot vs. warm reset).</summary>
    public const byte SystemFlag = 0x04;
    /// <summary>Last write went to port 0x64 (a command) rather than 0x60 (data).</summary>
    public const byte CommandWritten = 0x08;
    /// <summary>Keyboard not inhibited by the key lock (there is no key lock: always set).</summary>
    public const byte KeyboardUnlocked = 0x10;
    /// <summary>The output buffer's byte came from the auxiliary (mouse) port.</summary>
    public const byte AuxOutputBufferFull = 0x20;
    /// <summary>Timeout: a device did not answer (never set here: both devices are present and answer at once).</summary>
    public const byte Timeout = 0x40;
    public const byte ParityError = 0x80;
}

/// <summary>Controller command byte bits (read with 0x20, written with 0x60).</summary>
public static class I8042CommandByte
{
    /// <summary>Raise IRQ1 when the output buffer gets a keyboard byte.</summary>
    public const byte KeyboardInterrupt = 0x01;
    /// <summary>Raise IRQ12 when the output buffer gets an auxiliary byte.</summary>
    public const byte AuxInterrupt = 0x02;
    /// <summary>Copied into the status register's system flag.</summary>
    public const byte SystemFlag = 0x04;
    /// <summary>Ignore the key lock (AT); no effect here.</summary>
    public const byte IgnoreKeyLock = 0x08;
    /// <summary>Keyboard clock held low: the keyboard cannot send (command 0xAD sets it, 0xAE clears it).</summary>
    public const byte KeyboardDisabled = 0x10;
    /// <summary>Auxiliary clock held low (command 0xA7 sets it, 0xA8 clears it).</summary>
    public const byte AuxDisabled = 0x20;
    /// <summary>Translate keyboard bytes from scancode set 2 to set 1.</summary>
    public const byte Translate = 0x40;

    /// <summary>QEMU's command byte after reset: both interrupts on, nothing disabled, no translation.</summary>
    public const byte AtReset = KeyboardInterrupt | AuxInterrupt;
}

/// <summary>Output port (P2) bits (read with 0xD0, written with 0xD1).</summary>
public static class I8042OutputPort
{
    /// <summary>System reset line, active low: writing 0 here resets the processor.</summary>
    public const byte NotReset = 0x01;
    /// <summary>The A20 gate: 1 lets address line 20 through.</summary>
    public const byte A20 = 0x02;
    /// <summary>Mirrors the output buffer holding a keyboard byte (IRQ1 output).</summary>
    public const byte KeyboardOutputFull = 0x10;
    /// <summary>Mirrors the output buffer holding an auxiliary byte (IRQ12 output).</summary>
    public const byte AuxOutputFull = 0x20;
    /// <summary>Keyboard clock/data lines and unused bits, which read as ones on QEMU's controller.</summary>
    public const byte IdleHighBits = 0xCC;

    /// <summary>After reset: running, A20 on, idle lines high (QEMU: 0xCF).</summary>
    public const byte AtReset = NotReset | A20 | IdleHighBits;
}
