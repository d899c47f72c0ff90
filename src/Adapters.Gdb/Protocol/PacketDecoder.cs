namespace HexEmu.Adapters.Gdb.Protocol;

/// <summary>
/// Undoes the remote protocol's framing one byte at a time: <c>$data#cc</c> packets with their
/// modulo-256 checksum over the data as sent, <c>}</c> escapes (next byte XOR 0x20), run-length
/// encoding (<c>X*n</c>: X repeated n − 29 more times), and the single bytes outside packets
/// (<c>+</c>, <c>-</c>, 0x03). Holds at most <see cref="MaxPayload"/> bytes whatever arrives.
/// </summary>
internal sealed class PacketDecoder(int maxPayload = GdbLimits.PacketSize)
{
    private enum State { Idle, Data, Escape, RunLength, Checksum1, Checksum2 }

    private readonly byte[] payload = new byte[maxPayload];
    private State state;
    private int length;
    private int rawLength;
    private byte sum;
    private int checksumHigh;
    private bool tooLong;
    private bool badEncoding;

    public int MaxPayload => payload.Length;

    /// <summary>Takes one byte; returns the event it completes, if any.</summary>
    public WireEvent? Push(byte b)
    {
        switch (state)
        {
            case State.Idle:
                return b switch
                {
                    (byte)'$' => Start(),
                    (byte)'+' => new WireEvent.Ack(),
                    (byte)'-' => new WireEvent.Nak(),
                    0x03 => new WireEvent.Interrupt(),
                    _ => null, // line noise between packets
                };
            case State.Data:
                switch (b)
                {
                    case (byte)'$':
                        return Restart();
                    case (byte)'#':
                        state = State.Checksum1;
                        return null;
                    case (byte)'}':
                        Count(b);
                        state = State.Escape;
                        return null;
                    case (byte)'*':
                        Count(b);
                        if (length == 0) badEncoding = true; // nothing to repeat
                        state = State.RunLength;
                        return null;
                    default:
                        Count(b);
                        Append(b);
                        return null;
                }
            case State.Escape:
                // gdb escapes '$', '#', '}' and '*', so a bare '$' or '#' here is framing, not data.
                if (b == '$') return Restart();
                if (b == '#') { badEncoding = true; state = State.Checksum1; return null; }
                Count(b);
                Append((byte)(b ^ 0x20));
                state = State.Data;
                return null;
            case State.RunLength:
                if (b == '$') return Restart();
                if (b == '#') { badEncoding = true; state = State.Checksum1; return null; }
                Count(b);
                // The count is a printable character; '#' and '$' are excluded by the spec.
                if (b is < 0x20 or > 0x7e || length == 0) badEncoding = true;
                else Repeat(payload[length - 1], b - 29);
                state = State.Data;
                return null;
            case State.Checksum1:
                checksumHigh = Hex.DigitValue(b);
                if (checksumHigh < 0) return Finish(checksumOk: false, nextIsStart: b == '$');
                state = State.Checksum2;
                return null;
            case State.Checksum2:
                var low = Hex.DigitValue(b);
                if (low < 0) return Finish(checksumOk: false, nextIsStart: b == '$');
                return Finish(checksumOk: (checksumHigh << 4 | low) == sum, nextIsStart: false);
            default:
                throw new InvalidOperationException("unreachable decoder state");
        }
    }

    private WireEvent? Start()
    {
        state = State.Data;
        length = 0;
        rawLength = 0;
        sum = 0;
        tooLong = false;
        badEncoding = false;
        return null;
    }

    private WireEvent Restart()
    {
        Start();
        return new WireEvent.Rejected(RejectReason.Truncated);
    }

    private WireEvent Finish(bool checksumOk, bool nextIsStart)
    {
        state = State.Idle;
        if (nextIsStart) Start();
        if (!checksumOk) return new WireEvent.Rejected(RejectReason.BadChecksum);
        if (tooLong) return new WireEvent.Rejected(RejectReason.TooLong);
        if (badEncoding) return new WireEvent.Rejected(RejectReason.BadEncoding);
        return new WireEvent.Packet(payload.AsSpan(0, length).ToArray());
    }

    private void Count(byte b)
    {
        sum += b;
        if (++rawLength > payload.Length) tooLong = true;
    }

    private void Append(byte b)
    {
        if (length < payload.Length) payload[length++] = b;
        else tooLong = true;
    }

    private void Repeat(byte b, int times)
    {
        for (var i = 0; i < times; i++) Append(b);
    }
}
