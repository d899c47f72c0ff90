namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>
/// A PS/2 mouse on the i8042's auxiliary port (IBM PS/2 Mouse Technical Reference; Microsoft's
/// IntelliMouse extensions): answers the host's commands, reports its status and ID, and sends
/// 3-byte movement packets (4 bytes once the IntelliMouse "knock" of sample rates 200, 100, 80
/// switches it to ID 3, as QEMU's mouse does). Host motion arrives through <see cref="Move"/>
/// on the machine thread, so it is deterministic like the keyboard.
/// </summary>
public sealed partial class Ps2Mouse
{
    private const int QueueSize = 32;
    /// <summary>Replies always fit: motion packets leave this much room.</summary>
    private const int ReplyReserve = 8;

    public const byte Ack = 0xFA;
    public const byte Resend = 0xFE;
    public const byte BatPassed = 0xAA;
    public const byte DefaultSampleRate = 100;
    /// <summary>Resolution code 2: 4 counts per millimetre, the power-on default.</summary>
    public const byte DefaultResolution = 2;

    private readonly ByteQueue _queue = new(QueueSize);
    private byte _awaitingDataFor;
    private byte _lastSent;
    /// <summary>The last three sample rates set, newest in the low byte, for the IntelliMouse knock.</summary>
    private uint _rateHistory;

    internal Action? OutputAvailable { get; set; }

    public bool ReportingEnabled { get; private set; }
    public bool RemoteMode { get; private set; }
    public bool WrapMode { get; private set; }
    public bool Scaling2To1 { get; private set; }
    public byte SampleRate { get; private set; } = DefaultSampleRate;
    public byte Resolution { get; private set; } = DefaultResolution;
    /// <summary>Device ID from 0xF2: 0 for a standard mouse, 3 with a wheel.</summary>
    public byte DeviceId { get; private set; }
    /// <summary>Buttons held: bit 0 left, bit 1 right, bit 2 middle.</summary>
    public byte Buttons { get; private set; }

    public int PendingBytes => _queue.Count;

    public void Reset()
    {
        _queue.Clear();
        _awaitingDataFor = 0;
        _lastSent = 0;
        SetDefaults();
        DeviceId = 0;
        WrapMode = false;
        Buttons = 0;
    }

    /// <summary>
    /// Host motion: <paramref name="dx"/> right, <paramref name="dy"/> up (PS/2's direction),
    /// <paramref name="buttons"/> as <see cref="Buttons"/>, <paramref name="wheel"/> for ID 3.
    /// Sent only in stream mode with reporting enabled; a packet that does not fit is dropped.
    /// </summary>
    public void Move(int dx, int dy, byte buttons, int wheel = 0)
    {
        Buttons = (byte)(buttons & 0x07);
        if (!ReportingEnabled || RemoteMode || WrapMode) return;
        int size = DeviceId == 3 ? 4 : 3;
        if (_queue.Count + size > QueueSize - ReplyReserve) return;
        QueuePacket(dx, dy, wheel);
    }

    private void QueuePacket(int dx, int dy, int wheel)
    {
        dx = Math.Clamp(dx, -256, 255);
        dy = Math.Clamp(dy, -256, 255);
        // Byte 0: Y overflow, X overflow, Y sign, X sign, always 1, middle, right, left.
        byte flags = (byte)(0x08 | Buttons | (dx < 0 ? 0x10 : 0) | (dy < 0 ? 0x20 : 0));
        Enqueue(flags);
        Enqueue((byte)dx);
        Enqueue((byte)dy);
        if (DeviceId == 3) Enqueue((byte)Math.Clamp(wheel, -8, 7));
    }

    internal bool HasOutput => _queue.Count > 0;

    internal byte TakeOutput()
    {
        byte b = _queue.Dequeue();
        _lastSent = b;
        return b;
    }

    /// <summary>A byte from the host (controller command 0xD4).</summary>
    internal void Receive(byte value)
    {
        if (_awaitingDataFor != 0)
        {
            ReceiveArgument(value);
            return;
        }
        if (WrapMode && value is not (0xEC or 0xFF))
        {
            Enqueue(value); // wrap mode echoes everything but "reset wrap" and "reset"
            return;
        }
        switch (value)
        {
            case 0xE6: Scaling2To1 = false; Enqueue(Ack); break;
            case 0xE7: Scaling2To1 = true; Enqueue(Ack); break;
            case 0xE8: // Set resolution: code follows
            case 0xF3: // Set sample rate: rate follows
                _awaitingDataFor = value;
                Enqueue(Ack);
                break;
            case 0xE9: // Status request: ACK, status, resolution, sample rate
                Enqueue(Ack);
                Enqueue((byte)((RemoteMode ? 0x40 : 0) | (ReportingEnabled ? 0x20 : 0) | (Scaling2To1 ? 0x10 : 0)
                    | ((Buttons & 1) << 2) | ((Buttons >> 2 & 1) << 1) | (Buttons >> 1 & 1)));
                Enqueue(Resolution);
                Enqueue(SampleRate);
                break;
            case 0xEA: RemoteMode = false; Enqueue(Ack); break;
            case 0xEB: // Read data: a packet with no motion
                Enqueue(Ack);
                QueuePacket(0, 0, 0);
                break;
            case 0xEC: WrapMode = false; Enqueue(Ack); break;
            case 0xEE: WrapMode = true; Enqueue(Ack); break;
            case 0xF0: RemoteMode = true; Enqueue(Ack); break;
            case 0xF2:
                Enqueue(Ack);
                Enqueue(DeviceId);
                break;
            case 0xF4: ReportingEnabled = true; Enqueue(Ack); break;
            case 0xF5: ReportingEnabled = false; Enqueue(Ack); break;
            case 0xF6:
                SetDefaults();
                Enqueue(Ack);
                break;
            case 0xFE: Enqueue(_lastSent); break;
            case 0xFF: // Reset: ACK, BAT passed, ID 0
                _queue.Clear();
                SetDefaults();
                DeviceId = 0;
                WrapMode = false;
                Enqueue(Ack);
                Enqueue(BatPassed);
                Enqueue(0x00);
                break;
            default:
                Enqueue(Resend);
                break;
        }
    }

    private void ReceiveArgument(byte value)
    {
        byte command = _awaitingDataFor;
        _awaitingDataFor = 0;
        if (command == 0xE8)
        {
            Resolution = (byte)(value & 0x03);
        }
        else
        {
            SampleRate = value;
            _rateHistory = (_rateHistory << 8 | value) & 0xFF_FFFF;
            if (_rateHistory == (200u << 16 | 100u << 8 | 80u))
                DeviceId = 3; // IntelliMouse knock: the wheel turns on
        }
        Enqueue(Ack);
    }

    /// <summary>Power-on defaults (0xF6): 100 samples/s, 4 counts/mm, 1:1, stream mode, reporting off.</summary>
    private void SetDefaults()
    {
        SampleRate = DefaultSampleRate;
        Resolution = DefaultResolution;
        Scaling2To1 = false;
        RemoteMode = false;
        ReportingEnabled = false;
        _rateHistory = 0;
    }

    private void Enqueue(byte b)
    {
        if (_queue.Count == QueueSize) return;
        _queue.Enqueue(b);
        if (_queue.Count == 1) OutputAvailable?.Invoke();
    }
}
