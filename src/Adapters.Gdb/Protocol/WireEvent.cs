namespace HexEmu.Adapters.Gdb.Protocol;

/// <summary>What arrives on the wire, once framing is undone.</summary>
internal abstract record WireEvent
{
    /// <summary>A packet whose checksum matched; the payload has escapes and run lengths decoded.</summary>
    public sealed record Packet(byte[] Payload) : WireEvent
    {
        public override string ToString() => "Packet(" + Describe(Payload) + ")";
    }

    /// <summary>'+': the peer received our last packet.</summary>
    public sealed record Ack : WireEvent;

    /// <summary>'-': the peer asks for our last packet again.</summary>
    public sealed record Nak : WireEvent;

    /// <summary>The out-of-band 0x03 byte (gdb's Ctrl-C) seen between packets.</summary>
    public sealed record Interrupt : WireEvent;

    /// <summary>A packet that could not be accepted.</summary>
    public sealed record Rejected(RejectReason Reason) : WireEvent;

    /// <summary>The connection ended (end of stream, reset, or the server closing it).</summary>
    public sealed record Disconnected(string Reason) : WireEvent;

    /// <summary>A payload for a log line: printable ASCII, shortened.</summary>
    public static string Describe(ReadOnlySpan<byte> payload)
    {
        const int Shown = 60;
        var chars = new char[Math.Min(payload.Length, Shown)];
        for (var i = 0; i < chars.Length; i++)
        {
            var b = payload[i];
            chars[i] = b is >= 0x20 and < 0x7f ? (char)b : '.';
        }
        var text = new string(chars);
        return payload.Length > Shown ? $"{text}… ({payload.Length} bytes)" : text;
    }
}

/// <summary>Why a packet was rejected.</summary>
internal enum RejectReason
{
    /// <summary>The checksum did not match, or its two digits were not hex.</summary>
    BadChecksum,
    /// <summary>More data than the packet size the stub announced.</summary>
    TooLong,
    /// <summary>A run-length or escape sequence that cannot be decoded.</summary>
    BadEncoding,
    /// <summary>A new '$' arrived before the previous packet's '#': the unfinished one is dropped.</summary>
    Truncated,
}
