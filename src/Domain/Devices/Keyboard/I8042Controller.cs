using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>
/// The PC's 8042 keyboard controller: data port 0x60, status/command port 0x64, a PS/2
/// keyboard on its first port and a PS/2 mouse on the auxiliary port, as QEMU's PC has.
/// Besides the two devices it owns the output port whose bit 1 gates address line 20 and whose
/// bit 0 resets the processor, which is why a PC reboots through 0xFE and opens A20 through 0xD1.
/// Facts follow the IBM PC/AT Technical Reference (keyboard controller), the PS/2 Hardware
/// Interface Technical Reference and the OSDev "8042 PS/2 Controller" page; where they leave a
/// choice, QEMU's i8042 decides (reset values, replies, immediate transfers).
/// The controller takes every write at once, so the input buffer is never full, and it moves
/// the next byte into the output buffer as soon as the host has read the previous one.
/// </summary>
public sealed partial class I8042Controller : IPortDevice
{
    public const ushort DataPort = 0x60;
    public const ushort CommandPort = 0x64;

    public const byte SelfTestPassed = 0x55;
    public const byte InterfaceTestPassed = 0x00;
    /// <summary>Input port (0xC0): bit 7 = keyboard not inhibited, as QEMU reports.</summary>
    public const byte InputPortValue = 0x80;

    private const int RamSize = 32;

    private readonly IIrqLine _keyboardIrq;
    private readonly IIrqLine _auxIrq;
    private readonly Action<bool> _setA20;
    private readonly Action _requestReset;
    private readonly IGuestLog? _log;

    /// <summary>Controller RAM reachable by commands 0x20–0x3F / 0x60–0x7F; byte 0 is the command byte.</summary>
    private readonly byte[] _ram = new byte[RamSize];
    private byte _outputPort;
    private byte _outputBuffer;
    private bool _outputBufferFull;
    private bool _outputFromAux;
    /// <summary>A byte the controller itself answers with, waiting for the output buffer; it goes before keyboard bytes.</summary>
    private byte _reply;
    private bool _replyPending;
    private bool _replyFromAux;
    /// <summary>A command whose data byte the next write to port 0x60 brings, or 0.</summary>
    private byte _awaitingDataFor;
    private bool _systemFlag;
    private bool _lastWriteWasCommand;
    /// <summary>Translation saw a set 2 break prefix (0xF0) and sets bit 7 of the next byte.</summary>
    private bool _breakPrefixSeen;

    // Levels currently driven on the interrupt lines; derived from the state above.
    private bool _keyboardIrqHigh;
    private bool _auxIrqHigh;

    /// <param name="keyboardIrq">IRQ1.</param>
    /// <param name="auxIrq">IRQ12.</param>
    /// <param name="setA20">Drives the A20 gate (the machine passes PhysicalMemory.SetA20); called with
    /// the output port's A20 level whenever a command writes it, as the controller's pin drives the gate.</param>
    /// <param name="requestReset">Asks the machine for a system reset (output port bit 0 pulsed or written low).</param>
    /// <param name="log">Where controller commands HexEmu ignores are reported (-d unimp).</param>
    public I8042Controller(IIrqLine keyboardIrq, IIrqLine auxIrq, Action<bool> setA20, Action requestReset, IGuestLog? log = null)
    {
        _log = log;
        _keyboardIrq = keyboardIrq;
        _auxIrq = auxIrq;
        _setA20 = setA20;
        _requestReset = requestReset;
        Keyboard = new Ps2Keyboard { OutputAvailable = Service };
        Mouse = new Ps2Mouse { OutputAvailable = Service };
        ResetRegisters();
    }

    /// <summary>The keyboard on the first port, where the machine injects host key events.</summary>
    public Ps2Keyboard Keyboard { get; }

    /// <summary>The mouse on the auxiliary port, where the machine injects host motion.</summary>
    public Ps2Mouse Mouse { get; }

    public byte CommandByte => _ram[0];
    public byte OutputPort => _outputPort;

    /// <summary>The status register as port 0x64 reads it.</summary>
    public byte Status =>
        (byte)((_outputBufferFull ? I8042Status.OutputBufferFull : 0)
            | (_systemFlag ? I8042Status.SystemFlag : 0)
            | (_lastWriteWasCommand ? I8042Status.CommandWritten : 0)
            | I8042Status.KeyboardUnlocked
            | (_outputBufferFull && _outputFromAux ? I8042Status.AuxOutputBufferFull : 0));

    private bool Translating => (_ram[0] & I8042CommandByte.Translate) != 0;
    private bool KeyboardClockEnabled => (_ram[0] & I8042CommandByte.KeyboardDisabled) == 0;
    private bool AuxClockEnabled => (_ram[0] & I8042CommandByte.AuxDisabled) == 0;

    /// <summary>
    /// System reset (power-on or the machine's reset): QEMU's reset values, keyboard and mouse too.
    /// The A20 gate is not driven: the machine resets it along with memory.
    /// </summary>
    public void Reset()
    {
        ResetRegisters();
        Keyboard.Reset();
        Mouse.Reset();
        UpdateInterruptLines();
    }

    private void ResetRegisters()
    {
        Array.Clear(_ram);
        _ram[0] = I8042CommandByte.AtReset;
        _outputPort = I8042OutputPort.AtReset;
        _outputBuffer = 0;
        _outputBufferFull = _outputFromAux = false;
        _reply = 0;
        _replyPending = _replyFromAux = false;
        _awaitingDataFor = 0;
        _systemFlag = false;
        _lastWriteWasCommand = true;
        _breakPrefixSeen = false;
    }

    public uint Read(ushort port, int size) => port == CommandPort ? Status : ReadData();

    public void Write(ushort port, int size, uint value)
    {
        if (port == CommandPort)
            WriteCommand((byte)value);
        else
            WriteData((byte)value);
        Service();
    }

    /// <summary>
    /// Port 0x60 read: the output buffer, which empties; the next waiting byte follows at once.
    /// Reading an empty buffer returns the last byte again, as the latch on real hardware does.
    /// </summary>
    private byte ReadData()
    {
        byte value = _outputBuffer;
        if (_outputBufferFull)
        {
            _outputBufferFull = false;
            // Drop the line before the next byte raises it again, so an edge-triggered PIC sees it.
            UpdateInterruptLines();
            Service();
        }
        return value;
    }

    /// <summary>
    /// Moves the next byte into an empty output buffer and drives the interrupt lines to match.
    /// The controller's own replies go first, then the keyboard, then the mouse (QEMU's order).
    /// </summary>
    private void Service()
    {
        if (!_outputBufferFull)
        {
            if (_replyPending)
            {
                _replyPending = false;
                Load(_reply, _replyFromAux);
            }
            if (!_outputBufferFull && KeyboardClockEnabled)
            {
                while (Keyboard.HasOutput)
                {
                    byte b = Keyboard.TakeOutput();
                    if (Translating)
                    {
                        if (b == ScancodeTranslation.BreakPrefix)
                        {
                            _breakPrefixSeen = true;
                            continue;
                        }
                        b = (byte)(ScancodeTranslation.ToSet1(b) | (_breakPrefixSeen ? 0x80 : 0));
                        _breakPrefixSeen = false;
                    }
                    Load(b, fromAux: false);
                    break;
                }
            }
            if (!_outputBufferFull && AuxClockEnabled && Mouse.HasOutput)
                Load(Mouse.TakeOutput(), fromAux: true);
        }
        UpdateInterruptLines();
    }

    private void Load(byte value, bool fromAux)
    {
        _outputBuffer = value;
        _outputBufferFull = true;
        _outputFromAux = fromAux;
    }

    /// <summary>
    /// IRQ1 follows "output buffer holds a keyboard byte and command byte bit 0", IRQ12 the same
    /// for auxiliary bytes and bit 1: the 8042 drives its OBF outputs as levels that stay up
    /// until the host reads port 0x60. Like QEMU, IRQ1 also stays low while the keyboard
    /// interface is disabled, so replies to a driver that polls with the port off raise nothing.
    /// </summary>
    private void UpdateInterruptLines()
    {
        bool keyboard = KeyboardIrqLevel, aux = AuxIrqLevel;
        if (keyboard != _keyboardIrqHigh)
        {
            _keyboardIrqHigh = keyboard;
            _keyboardIrq.Set(keyboard);
        }
        if (aux != _auxIrqHigh)
        {
            _auxIrqHigh = aux;
            _auxIrq.Set(aux);
        }
    }

    private bool KeyboardIrqLevel =>
        _outputBufferFull && !_outputFromAux && KeyboardClockEnabled && (_ram[0] & I8042CommandByte.KeyboardInterrupt) != 0;

    private bool AuxIrqLevel =>
        _outputBufferFull && _outputFromAux && (_ram[0] & I8042CommandByte.AuxInterrupt) != 0;

    private void QueueReply(byte value, bool fromAux = false)
    {
        _reply = value;
        _replyPending = true;
        _replyFromAux = fromAux;
    }
}
