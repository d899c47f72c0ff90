using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.State;

/// <summary>The saved-state container: named, versioned, little-endian sections.</summary>
public class StateFormatTests
{
    private static byte[] OneSection(ushort version = 1)
    {
        var w = new StateWriter();
        w.BeginSection("dev", version);
        w.WriteU8(0xAB);
        w.WriteU16(0x1234);
        w.WriteU32(0xDEAD_BEEF);
        w.WriteI64(-2);
        w.WriteBool(true);
        w.WriteBytes([9, 8, 7]);
        w.EndSection();
        return w.ToArray();
    }

    [Fact]
    public void The_layout_is_magic_format_version_then_name_version_length_payload_little_endian()
    {
        byte[] expected =
        [
            (byte)'H', (byte)'X', (byte)'S', (byte)'T', 1, 0,
            3, (byte)'d', (byte)'e', (byte)'v', 2, 0, 19, 0, 0, 0,
            0xAB, 0x34, 0x12, 0xEF, 0xBE, 0xAD, 0xDE,
            0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            1, 9, 8, 7,
        ];
        Assert.Equal(expected, OneSection(version: 2));
    }

    [Fact]
    public void Values_read_back_as_written()
    {
        var s = new StateReader(OneSection()).Open("dev", 1);
        Assert.Equal(1, s.Version);
        Assert.Equal(0xAB, s.ReadU8());
        Assert.Equal(0x1234, s.ReadU16());
        Assert.Equal(0xDEAD_BEEFu, s.ReadU32());
        Assert.Equal(-2L, s.ReadI64());
        Assert.True(s.ReadBool());
        var bytes = new byte[3];
        s.ReadBytes(bytes);
        Assert.Equal([9, 8, 7], bytes);
        s.End();
    }

    [Fact]
    public void A_newer_section_version_is_refused_with_a_clear_error()
    {
        var r = new StateReader(OneSection(version: 3));
        var e = Assert.Throws<StateFormatException>(() => r.Open("dev", 2));
        Assert.Contains("'dev'", e.Message);
        Assert.Contains("version 3", e.Message);
    }

    [Fact]
    public void A_missing_section_is_a_format_error()
    {
        var e = Assert.Throws<StateFormatException>(() => new StateReader(OneSection()).Open("cpu", 1));
        Assert.Contains("'cpu'", e.Message);
    }

    [Fact]
    public void Truncated_data_and_bad_magic_are_format_errors()
    {
        byte[] data = OneSection();
        Assert.Throws<StateFormatException>(() => new StateReader(data[..^1]));
        data[0] = (byte)'X';
        Assert.Throws<StateFormatException>(() => new StateReader(data));
    }

    [Fact]
    public void Reading_past_a_section_or_leaving_bytes_unread_is_a_format_error()
    {
        var s = new StateReader(OneSection()).Open("dev", 1);
        s.ReadU8();
        Assert.Throws<StateFormatException>(() => s.End());
        var t = new StateReader(OneSection()).Open("dev", 1);
        var all = new byte[t.Length];
        t.ReadBytes(all);
        Assert.Throws<StateFormatException>(() => t.ReadU8());
    }

    [Fact]
    public void Sections_are_found_by_name_in_any_order()
    {
        var w = new StateWriter();
        w.BeginSection("a", 1); w.WriteU32(1); w.EndSection();
        w.BeginSection("b", 1); w.WriteU32(2); w.EndSection();
        var r = new StateReader(w.ToArray());
        Assert.Equal(["a", "b"], r.SectionNames);
        Assert.Equal(2u, r.Open("b", 1).ReadU32());
        Assert.Equal(1u, r.Open("a", 1).ReadU32());
        Assert.Throws<InvalidOperationException>(() => w.BeginSection("a", 1));
    }
}
