namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// The damage tests place their cuts and flips with <see cref="ReplayLogLayout"/>; here it walks
/// a log written byte by byte from the documented layout (ReplayLogFormat.cs), so a mistake in
/// the walker shows up here rather than as a puzzling failure of a damage test.
/// </summary>
public class ReplayLogLayoutTests
{
    private static readonly byte[] Header =
    [
        0x48, 0x58, 0x52, 0x01, // version id 'H' 'X' 'R' 1
        0, 0, 0, 3, // shift 3
        0, 0, 0, 2, (byte)'p', (byte)'c', // fingerprint "pc"
        0, 0, 0, 1, // one image
        0, 0, 0, 6, .. "kernel"u8, // role
        0, 0, 0, 1, (byte)'k', // name
        0, 0, 0, 2, (byte)'a', (byte)'b', // sha256 (short: the walker only skips it)
        0xDE, 0xAD, 0xBE, 0xEF, // header CRC (not checked by the walker)
    ];

    private static readonly byte[] Events =
    [
        0x16, 0, 0, 0, 0, 0x69, 0x26, 0x4B, 0x00, // host clock at icount 0
        0x00, 0, 0, 0, 100, // 100 instructions
        0x03, 4, 0, 0, 0, 0, 2, (byte)'h', (byte)'i', // serial input "hi" on port 0 at icount 100
        0x00, 0, 0, 1, 0, // 256 instructions
        0x17, 0, 0, 0, 0, 0, 0, 0x27, 0x10, // idle warp at icount 356
        0x18, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, // checkpoint
        0x0A, 0, 0, 0, 0x63, // shutdown, cause 6 (guest), exit code 99
        0x21, // end
    ];

    [Fact]
    public void It_finds_the_end_of_the_header_and_every_event_with_its_offset_and_length()
    {
        byte[] log = [.. Header, .. Events];
        int h = Header.Length;
        Assert.Equal(h, ReplayLogLayout.HeaderLength(log));
        Assert.Equal(
        [
            new(h, 0x16, 9), new(h + 9, 0x00, 5), new(h + 14, 0x03, 9), new(h + 23, 0x00, 5),
            new(h + 28, 0x17, 9), new(h + 37, 0x18, 14), new(h + 51, 0x0A, 5), new(h + 56, 0x21, 1),
        ], ReplayLogLayout.Events(log));
        Assert.Equal(356, ReplayLogLayout.LastEventIcount(log));
    }

    [Fact]
    public void An_incomplete_last_event_and_a_trailing_instruction_count_are_left_out()
    {
        byte[] cut = [.. Header, .. Events.AsSpan(0, 9 + 5 + 8)]; // the serial event lacks its last byte
        Assert.Equal([0x16, 0x00], ReplayLogLayout.Events(cut).Select(e => e.Id));
        Assert.Equal(0, ReplayLogLayout.LastEventIcount(cut)); // the 100 instructions precede no complete event
    }

    [Fact]
    public void It_walks_the_format_tests_hand_worked_sample_log()
    {
        // The sample of tests/Domain.Tests/Replay (SampleLog: header 47 bytes, every event kind, a
        // gap of more than 2^32 instructions), written out as bytes there from the layout.
        byte[] log = Convert.FromHexString(
            "48585201" + "00000003" + "00000002" + "7063" + "00000001" +
            "00000006" + "6b65726e656c" + "00000005" + "6b2e656c66" + "00000002" + "6162" + "2ff76769" +
            "16" + "000000006553f100" +
            "00" + "000003e8" + "03" + "04" + "01" + "00000002" + "6869" +
            "17" + "00000000000f4240" +
            "00" + "00000fa0" + "18" + "80" + "0123456789abcdef" + "3cdb5a7c" +
            "0a" + "00000003" +
            "00" + "ffffffff" + "00" + "00000008" +
            "21");
        Assert.Equal(47, ReplayLogLayout.HeaderLength(log));
        Assert.Equal([47, 61, 70, 84, 98, 113], ReplayLogLayout.Events(log).Where(e => e.Id != 0x00).Select(e => e.Offset));
        Assert.Equal(1000 + 4000 + 0xFFFFFFFFL + 8, ReplayLogLayout.LastEventIcount(log));
    }
}
