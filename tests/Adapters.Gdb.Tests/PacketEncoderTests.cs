using System.Text;
using HexEmu.Adapters.Gdb.Protocol;

namespace HexEmu.Adapters.Gdb.Tests;

public sealed class PacketEncoderTests
{
    [Fact]
    public void FrameAppendsTheModulo256Sum()
    {
        Assert.Equal("$OK#9a", Encoding.ASCII.GetString(PacketEncoder.Frame("OK")));
        Assert.Equal("$#00", Encoding.ASCII.GetString(PacketEncoder.Frame("")));
        // "T05thread:01;": 0x54+0x30+0x35+0x74+0x68+0x72+0x65+0x61+0x64+0x3a+0x30+0x31+0x3b = 0x407 → 07.
        Assert.Equal("$T05thread:01;#07", Encoding.ASCII.GetString(PacketEncoder.Frame("T05thread:01;")));
    }

    [Fact]
    public void BinaryEscapesHashDollarBraceAndStar()
    {
        var output = new List<byte>();
        PacketEncoder.EscapeBinary([0x23, 0x24, 0x7d, 0x2a, 0x41, 0x03], output);
        Assert.Equal([0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x7d, 0x0a, 0x41, 0x03], output);
    }

    [Fact]
    public void EscapedDataDecodesBack()
    {
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var escaped = new List<byte>();
        PacketEncoder.EscapeBinary(data, escaped);
        var decoder = new PacketDecoder();
        WireEvent? last = null;
        foreach (var b in PacketEncoder.Frame(escaped.ToArray())) last = decoder.Push(b) ?? last;
        Assert.Equal(data, Assert.IsType<WireEvent.Packet>(last).Payload);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("1f", 0x1fUL)]
    [InlineData("DEADbeef", 0xdeadbeefUL)]
    [InlineData("0000000000000000000000ff", 0xffUL)]
    [InlineData("ffffffffffffffff", ulong.MaxValue)]
    public void HexNumbers(string text, ulong expected)
    {
        Assert.True(Hex.TryParseNumber(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x1")]
    [InlineData("1 ")]
    [InlineData("-1")]
    [InlineData("10000000000000000")]
    public void BadHexNumbers(string text)
    {
        Assert.False(Hex.TryParseNumber(text, out _));
    }

    [Fact]
    public void HexBytes()
    {
        Assert.Equal([0x01, 0xab, 0xff], Hex.ToBytes("01ABff"));
        Assert.Null(Hex.ToBytes("abc"));
        Assert.Null(Hex.ToBytes("zz"));
        Assert.Equal("01abff", Hex.FromBytes([0x01, 0xab, 0xff]));
    }
}
