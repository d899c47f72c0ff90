namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>
/// A PS/2 (MF2) keyboard on the i8042's first port: it answers the host's commands (IBM PS/2
/// Keyboard Technical Reference, "Commands from the system") and sends key scancodes from an
/// output queue that the controller drains one byte at a time. It speaks scancode set 2 as at
/// power-on; the controller translates to set 1 when its command byte asks for it.
/// Host key events arrive through <see cref="PressKey"/>, <see cref="KeyDown"/>,
/// <see cref="KeyUp"/> and <see cref="SendScancodes"/>, on the machine thread at the instruction
/// count the replay log gives them, so the keyboard stays deterministic. Typematic repeat is
/// the host's business (it sends repeated make codes); the rate byte is kept for read-back only.
/// </summary>
public sealed partial class Ps2Keyboard
{
    /// <summary>Scancode bytes the keyboard buffers, as the 16-byte buffer of an MF2 keyboard.</summary>
    public const int ScancodeCapacity = 16;
    /// <summary>Room kept above <see cref="ScancodeCapacity"/> so command replies are never lost.</summary>
    private const int ReplyReserve = 4;
    private const int QueueSize = ScancodeCapacity + ReplyReserve;

    public const byte Ack = 0xFA;
    public const byte Resend = 0xFE;
    public const byte BatPassed = 0xAA;
    public const byte EchoReply = 0xEE;
    /// <summary>Extended-key prefix in sets 1 and 2.</summary>
    public const byte ExtendedPrefix = 0xE0;
    /// <summary>Second and third byte of the MF2 keyboard ID (after <see cref="Ack"/> comes 0xAB).</summary>
    private static ReadOnlySpan<byte> IdentifyReply => [Ack, 0xAB, 0x83];
    /// <summary>Typematic default after reset and 0xF6: 10.9 characters/s, 500 ms delay.</summary>
    public const byte DefaultTypematic = 0x2B;

    private readonly ByteQueue _queue = new(QueueSize);
    /// <summary>A command that takes a data byte (0xED, 0xF0, 0xF3) waiting for it, or 0.</summary>
    private byte _awaitingDataFor;
    /// <summary>The last byte sent to the host, repeated on a 0xFE Resend command.</summary>
    private byte _lastSent;

    /// <summary>Called when the queue goes from empty to holding bytes, so the controller can fetch one.</summary>
    internal Action? OutputAvailable { get; set; }

    public bool ScanningEnabled { get; private set; } = true;
    /// <summary>The scancode set the keyboard sends in (1, 2 or 3); 2 at power-on.</summary>
    public byte ScancodeSet { get; private set; } = 2;
    /// <summary>LED state from command 0xED: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.</summary>
    public byte Leds { get; private set; }
    /// <summary>Typematic rate/delay byte from command 0xF3.</summary>
    public byte Typematic { get; private set; } = DefaultTypematic;

    /// <summary>How many bytes wait to be sent to the controller.</summary>
    public int PendingBytes => _queue.Count;

    /// <summary>Power-on state (no BAT code is queued: QEMU's keyboard starts silent, too).</summary>
    public void Reset()
    {
        _queue.Clear();
        _awaitingDataFor = 0;
        _lastSent = 0;
        SetDefaults();
        ScanningEnabled = true;
    }

    // ---- Host key events (set 2 codes) ----

    /// <summary>A key goes down and up again: its make code, then its break code.</summary>
    public void PressKey(byte set2Code, bool extended = false)
    {
        KeyDown(set2Code, extended);
        KeyUp(set2Code, extended);
    }

    /// <summary>A key goes down; <paramref name="extended"/> keys carry the 0xE0 prefix.</summary>
    public void KeyDown(byte set2Code, bool extended = false) => SendKey(set2Code, extended, release: false);

    /// <summary>A key comes up.</summary>
    public void KeyUp(byte set2Code, bool extended = false) => SendKey(set2Code, extended, release: true);

    /// <summary>
    /// Sends raw bytes as the keyboard would (e.g. the Pause key's 8-byte sequence). Nothing is
    /// sent while scanning is disabled, and a sequence that does not fit in the buffer is dropped
    /// whole, so the guest never sees half a key.
    /// </summary>
    public void SendScancodes(ReadOnlySpan<byte> bytes)
    {
        if (!ScanningEnabled || bytes.IsEmpty || _queue.Count + bytes.Length > ScancodeCapacity) return;
        foreach (byte b in bytes) Enqueue(b);
    }

    /// <summary>
    /// Encodes a set 2 key in the keyboard's current set: set 2 as given (break = 0xF0 prefix);
    /// set 1 through the same table the controller uses (break = make | 0x80). Set 3 has its own
    /// key numbering, which this keyboard does not implement; it keeps sending set 2 there.
    /// </summary>
    private void SendKey(byte set2Code, bool extended, bool release)
    {
        Span<byte> bytes = stackalloc byte[3];
        int n = 0;
        if (extended) bytes[n++] = ExtendedPrefix;
        if (ScancodeSet == 1)
        {
            byte make = ScancodeTranslation.ToSet1(set2Code);
            bytes[n++] = release ? (byte)(make | 0x80) : make;
        }
        else
        {
            if (release) bytes[n++] = ScancodeTranslation.BreakPrefix;
            bytes[n++] = set2Code;
        }
        SendScancodes(bytes[..n]);
    }

    // ---- The controller's side of the wire ----

    internal bool HasOutput => _queue.Count > 0;

    internal byte TakeOutput()
    {
        byte b = _queue.Dequeue();
        _lastSent = b;
        return b;
    }

    /// <summary>A byte from the host (the controller passes on what the guest writes to port 0x60).</summary>
    internal void Receive(byte value)
    {
        // A command byte received while an argument is expected aborts the pending command
        // and is executed instead (PS/2 keyboard reference: the keyboard treats any byte in
        // the command range as a command). Arguments themselves are all below 0xED.
        if (_awaitingDataFor != 0 && value < 0xED)
        {
            ReceiveArgument(value);
            return;
        }
        _awaitingDataFor = 0;
        ReceiveCommand(value);
    }

    private void ReceiveCommand(byte command)
    {
        switch (command)
        {
            case 0xED: // Set/reset status indicators: LED bits follow
            case 0xF0: // Select alternate scan codes: 0 = report, 1–3 = select
            case 0xF3: // Set typematic rate/delay: rate byte follows
                _awaitingDataFor = command;
                Reply(Ack);
                break;
            case 0xEE: // Echo: answers 0xEE, not an ACK
                Reply(EchoReply);
                break;
            case 0xF2: // Read ID
                foreach (byte b in IdentifyReply) Reply(b);
                break;
            case 0xF4: // Enable: clears the output buffer and starts scanning
                ClearQueue();
                ScanningEnabled = true;
                Reply(Ack);
                break;
            case 0xF5: // Default disable: power-on defaults, clears the buffer, stops scanning
                ClearQueue();
                SetDefaults();
                ScanningEnabled = false;
                Reply(Ack);
                break;
            case 0xF6: // Set default: power-on defaults, clears the buffer, keeps scanning
                ClearQueue();
                SetDefaults();
                ScanningEnabled = true;
                Reply(Ack);
                break;
            case 0xFE: // Resend: the last byte again
                Reply(_lastSent);
                break;
            case 0xFF: // Reset: ACK, then the basic assurance test result
                ClearQueue();
                SetDefaults();
                ScanningEnabled = true;
                Reply(Ack);
                Reply(BatPassed);
                break;
            case >= 0xF7 and <= 0xFD: // Set-3 key type commands: acknowledged, no effect in set 2
                Reply(Ack);
                break;
            default: // Not a command: ask the host to send it again, as QEMU's keyboard does
                Reply(Resend);
                break;
        }
    }

    private void ReceiveArgument(byte value)
    {
        byte command = _awaitingDataFor;
        _awaitingDataFor = 0;
        switch (command)
        {
            case 0xED:
                Leds = (byte)(value & 0x07);
                Reply(Ack);
                break;
            case 0xF3:
                Typematic = (byte)(value & 0x7F);
                Reply(Ack);
                break;
            case 0xF0 when value == 0:
                Reply(Ack);
                Reply(ScancodeSet);
                break;
            case 0xF0 when value <= 3:
                ScancodeSet = value;
                Reply(Ack);
                break;
            default: // 0xF0 with a set that does not exist
                Reply(Resend);
                break;
        }
    }

    private void SetDefaults()
    {
        ScancodeSet = 2;
        Leds = 0;
        Typematic = DefaultTypematic;
    }

    private void ClearQueue() => _queue.Clear();

    private void Reply(byte b)
    {
        if (_queue.Count == QueueSize) return; // cannot happen: replies never outgrow the reserve
        Enqueue(b);
    }

    private void Enqueue(byte b)
    {
        _queue.Enqueue(b);
        if (_queue.Count == 1) OutputAvailable?.Invoke();
    }
}
