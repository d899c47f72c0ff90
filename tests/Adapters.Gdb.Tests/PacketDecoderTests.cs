using System.Text;
using HexEmu.Adapters.Gdb.Protocol;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>Framing as the GDB manual's "Overview" and "Binary Data" describe it; checksums worked by hand.</summary>
public sealed class PacketDecoderTests
{
    private static List<WireEvent> Decode(string latin1, int maxPayload = 0x4000)
    {
        var decoder = new PacketDecoder(maxPayload);
        var events = new List<WireEvent>();
        foreach (var b in Encoding.Latin1.GetBytes(latin1))
        {
            if (decoder.Push(b) is { } e) events.Add(e);
        }
        return events;
    }

    private static string Payload(WireEvent e) =>
        Encoding.Latin1.GetString(Assert.IsType<WireEvent.Packet>(e).Payload);

    [Fact]
    public void PlainPacket()
    {
        // 'O' 0x4f + 'K' 0x4b = 0x9a.
        var e = Assert.Single(Decode("$OK#9a"));
        Assert.Equal("OK", Payload(e));
    }

    [Fact]
    public void ChecksumDigitsMayBeUpperCase()
    {
        Assert.Equal("OK", Payload(Assert.Single(Decode("$OK#9A"))));
    }

    [Fact]
    public void EmptyPacket()
    {
        Assert.Equal("", Payload(Assert.Single(Decode("$#00"))));
    }

    [Fact]
    public void WrongChecksumIsRejected()
    {
        var e = Assert.Single(Decode("$OK#9b"));
        Assert.Equal(new WireEvent.Rejected(RejectReason.BadChecksum), e);
    }

    [Fact]
    public void NonHexChecksumIsRejected()
    {
        Assert.Equal(new WireEvent.Rejected(RejectReason.BadChecksum), Assert.Single(Decode("$OK#zz")));
    }

    [Fact]
    public void EscapedByteIsXoredWith0x20()
    {
        // The manual: 0x7d is sent as 0x7d 0x5d. Sum of "X0,1:}]" = 0x58+0x30+0x2c+0x31+0x3a+0x7d+0x5d = 0x1f9 → f9.
        var e = Assert.Single(Decode("$X0,1:}]#f9"));
        var payload = Assert.IsType<WireEvent.Packet>(e).Payload;
        Assert.Equal([0x58, 0x30, 0x2c, 0x31, 0x3a, 0x7d], payload);
    }

    [Fact]
    public void EscapedHashIsData()
    {
        // '#' (0x23) escaped is 0x7d 0x03; sum 0x80.
        Assert.Equal("#", Payload(Assert.Single(Decode("$}\u0003#80"))));
    }

    [Fact]
    public void RunLengthFromTheManual()
    {
        // The manual: "0* " is a run-length encoding of "0000" (space = 32, 32 − 29 = 3 more).
        // Sum: 0x30 + 0x2a + 0x20 = 0x7a.
        Assert.Equal("0000", Payload(Assert.Single(Decode("$0* #7a"))));
    }

    [Fact]
    public void RunLengthOfFiveMore()
    {
        // '"' = 34 → 5 more: six 'a'. Sum 0x61 + 0x2a + 0x22 = 0xad.
        Assert.Equal("aaaaaa", Payload(Assert.Single(Decode("$a*\"#ad"))));
    }

    [Fact]
    public void RunLengthWithNothingToRepeatIsRejected()
    {
        // Sum 0x2a + 0x20 = 0x4a.
        Assert.Equal(new WireEvent.Rejected(RejectReason.BadEncoding), Assert.Single(Decode("$* #4a")));
    }

    [Fact]
    public void RunLengthWithUnprintableCountIsRejected()
    {
        // Count byte 0x01: sum 0x61 + 0x2a + 0x01 = 0x8c.
        Assert.Equal(new WireEvent.Rejected(RejectReason.BadEncoding), Assert.Single(Decode("$a*\u0001#8c")));
    }

    [Fact]
    public void SingleBytesOutsidePackets()
    {
        var events = Decode("+-\u0003junk+");
        Assert.Equal(
            [new WireEvent.Ack(), new WireEvent.Nak(), new WireEvent.Interrupt(), new WireEvent.Ack()],
            events);
    }

    [Fact]
    public void ControlCInsidePacketIsData()
    {
        // Binary X data may hold 0x03 unescaped; sum 0x61 + 0x03 = 0x64.
        var payload = Assert.IsType<WireEvent.Packet>(Assert.Single(Decode("$a\u0003#64"))).Payload;
        Assert.Equal([0x61, 0x03], payload);
    }

    [Fact]
    public void NewStartDropsTheUnfinishedPacket()
    {
        var events = Decode("$abc$OK#9a");
        Assert.Equal(2, events.Count);
        Assert.Equal(new WireEvent.Rejected(RejectReason.Truncated), events[0]);
        Assert.Equal("OK", Payload(events[1]));
    }

    [Fact]
    public void PacketLongerThanTheLimitIsRejectedButFramingRecovers()
    {
        // 5 'a' with a limit of 4: sum 5 × 0x61 = 0x1e5 → e5.
        var events = Decode("$aaaaa#e5$OK#9a", maxPayload: 4);
        Assert.Equal(new WireEvent.Rejected(RejectReason.TooLong), events[0]);
        Assert.Equal("OK", Payload(events[1]));
    }

    [Fact]
    public void PacketAtTheLimitIsAccepted()
    {
        // 4 × 0x61 = 0x184 → 84.
        Assert.Equal("aaaa", Payload(Assert.Single(Decode("$aaaa#84", maxPayload: 4))));
    }

    [Fact]
    public void RunLengthExpandingPastTheLimitIsRejected()
    {
        // "a*~": '~' = 126 → 97 more; sum 0x61 + 0x2a + 0x7e = 0x109 → 09.
        Assert.Equal(new WireEvent.Rejected(RejectReason.TooLong), Assert.Single(Decode("$a*~#09", maxPayload: 16)));
    }

    [Fact]
    public void BackToBackPackets()
    {
        var events = Decode("$g#67$?#3f");
        Assert.Equal(["g", "?"], events.Select(Payload));
    }
}
