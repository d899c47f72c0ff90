using System.Buffers.Binary;
using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

/// <summary>Each kind of damage: the exact one-line message, its byte offset and icount, and what is returned before it.</summary>
public class ReplayLogDecoderErrorTests
{
    private static byte[] Patched(int offset, params byte[] replacement)
    {
        var bytes = SampleLog.Bytes;
        replacement.CopyTo(bytes, offset);
        return bytes;
    }

    /// <summary>Reads until the decoder throws; returns the events before the damage and the message.</summary>
    private static (List<ReplayEvent> Events, string Error) ReadUntilError(byte[] log)
    {
        var decoder = new ReplayLogDecoder(new MemoryReplayByteSource(log));
        var events = new List<ReplayEvent>();
        var error = Assert.Throws<ReplayLogException>(() =>
        {
            while (decoder.TryReadNext(out var e)) events.Add(e!);
        });
        // Damage is sticky: asking again gives the same error, never an event or a clean end.
        Assert.Equal(error.Message, Assert.Throws<ReplayLogException>(() => decoder.TryReadNext(out _)).Message);
        return (events, error.Message);
    }

    private static string HeaderError(byte[] log) =>
        Assert.Throws<ReplayLogException>(() => new ReplayLogDecoder(new MemoryReplayByteSource(log))).Message;

    [Fact]
    public void Another_version_is_refused_naming_both_versions()
    {
        // QEMU 7.2's own version id, 0xe0200c.
        Assert.Equal("replay log version 0x00E0200C is unknown to this build (it reads 0x48585201), at offset 0",
            HeaderError(Patched(0, 0x00, 0xE0, 0x20, 0x0C)));
        Assert.Equal("replay log version 0x48585202 is unknown to this build (it reads 0x48585201), at offset 0",
            HeaderError(Patched(3, 0x02)));
    }

    [Theory]
    [InlineData(0, "the version id")]
    [InlineData(3, "the version id")]
    [InlineData(6, "the icount shift")]
    [InlineData(13, "the machine fingerprint")]
    [InlineData(20, "image 1's role")]
    [InlineData(44, "the header CRC")]
    public void Truncated_header_names_where_it_ends(int length, string what)
    {
        Assert.Equal($"replay log header truncated at offset {length}: it ends before {what}", HeaderError(SampleLog.Bytes[..length]));
    }

    [Fact]
    public void Header_crc_mismatch_names_the_range()
    {
        // 'k' of "kernel" (offset 22) becomes 'K': every field still parses, only the CRC disagrees.
        Assert.Equal("replay log header damaged between offsets 0 and 43: it records CRC-32 0x2FF76769, the bytes give 0x"
                     + Crc32.Compute(Patched(22, (byte)'K')[..43]).ToString("X8"),
            HeaderError(Patched(22, (byte)'K')));
    }

    [Fact]
    public void Header_fields_out_of_range_are_damage_at_their_offset()
    {
        Assert.Equal("replay log header damaged at offset 4: icount shift 11 is out of range (0-10)", HeaderError(Patched(7, 11)));
        Assert.Equal("replay log header damaged at offset 8: the machine fingerprint is said to be 4278190082 bytes long, more than the 65536 a log string may have",
            HeaderError(Patched(8, 0xFF)));
        Assert.Equal("replay log header damaged at offset 14: 16777217 images is more than the 4096 a log may name", HeaderError(Patched(14, 0x01)));
        Assert.Equal("replay log header damaged at offset 12: the machine fingerprint is not valid UTF-8", HeaderError(Patched(12, 0xC3, 0x28)));
    }

    [Fact]
    public void Unknown_event_id_names_its_offset_after_the_events_before_it()
    {
        // The idle warp's id (offset 70) becomes 0x7F; QEMU's EVENT_INTERRUPT (0x01) is no event of ours either.
        var (events, error) = ReadUntilError(Patched(70, 0x7F));
        Assert.Equal("replay log damaged at offset 70 (icount 1000): unknown event id 0x7F", error);
        Assert.Equal(SampleLog.DecodedEvents[..2], events);
        Assert.Equal("replay log damaged at offset 47 (icount 0): unknown event id 0x01", ReadUntilError(Patched(47, 0x01)).Error);
    }

    [Fact]
    public void Unknown_async_and_checkpoint_kinds_are_damage()
    {
        Assert.Equal("replay log damaged at offset 61 (icount 1000): asynchronous event kind 0 is not one this log uses (only 4, character read)",
            ReadUntilError(Patched(62, 0x00)).Error);
        Assert.Equal("replay log damaged at offset 84 (icount 5000): checkpoint kind 0x00 is not one this log uses (0x80 and 0x81, state digests)",
            ReadUntilError(Patched(85, 0x00)).Error);
    }

    [Fact]
    public void Event_truncated_mid_way_comes_after_every_complete_event()
    {
        // Cut inside the serial input event (61..70).
        var (events, error) = ReadUntilError(SampleLog.Bytes[..65]);
        Assert.Equal(SampleLog.DecodedEvents[..1], events);
        Assert.Equal("replay log truncated at offset 65 (icount 1000): the serial input event at offset 61 is incomplete", error);

        // Cut inside the checkpoint's CRC field.
        (events, error) = ReadUntilError(SampleLog.Bytes[..96]);
        Assert.Equal(SampleLog.DecodedEvents[..3], events);
        Assert.Equal("replay log truncated at offset 96 (icount 5000): the checkpoint event at offset 84 is incomplete", error);
    }

    [Fact]
    public void Log_ending_after_an_instruction_count_is_truncated()
    {
        var (events, error) = ReadUntilError(SampleLog.Bytes[..61]);
        Assert.Equal(SampleLog.DecodedEvents[..1], events);
        Assert.Equal("replay log truncated at offset 61 (icount 1000): the log ends after an instruction count, without the event it precedes", error);
    }

    [Fact]
    public void Log_cut_at_an_event_boundary_ends_cleanly_without_the_end_event()
    {
        // What a killed recording leaves: everything up to its last flush, no end event.
        var decoder = new ReplayLogDecoder(new MemoryReplayByteSource(SampleLog.Bytes[..98]));
        var events = new List<ReplayEvent>();
        while (decoder.TryReadNext(out var e)) events.Add(e!);
        Assert.Equal(SampleLog.DecodedEvents[..4], events);
        Assert.False(decoder.SawEnd);
        Assert.Equal(5000, decoder.Icount);
        Assert.Equal(4, decoder.EventCount);
        Assert.False(decoder.TryReadNext(out _));
    }

    [Fact]
    public void Array_length_beyond_the_file_is_reported_without_allocating_it()
    {
        // The serial data length (offset 64) says 4096 bytes; 47 remain after it.
        var (events, error) = ReadUntilError(Patched(64, 0x00, 0x00, 0x10, 0x00));
        Assert.Equal(SampleLog.DecodedEvents[..1], events);
        Assert.Equal("replay log truncated at offset 114 (icount 1000): the serial input event at offset 61 declares 4096 data bytes, but the log ends first", error);

        (_, error) = ReadUntilError(Patched(64, 0xFF, 0xFF, 0xFF, 0xFF));
        Assert.Equal("replay log damaged at offset 64 (icount 1000): serial input event at offset 61 declares 4294967295 data bytes, more than the 16777216 a log event may carry", error);
    }

    [Fact]
    public void Flipped_byte_between_checkpoints_is_a_crc_mismatch_naming_the_range()
    {
        // A bit of the idle warp's nanoseconds (offset 78) flips: still a valid event, but the checkpoint's CRC disagrees.
        var damaged = Patched(78, 0x41);
        uint computed = Crc32.Compute(damaged.AsSpan(47, 94 - 47));
        var (events, error) = ReadUntilError(damaged);
        Assert.Equal(3, events.Count);
        Assert.Equal($"replay log damaged between offsets 47 and 94 (icount 5000): the checkpoint at offset 84 records CRC-32 0x3CDB5A7C, the bytes give 0x{computed:X8}", error);
    }

    [Fact]
    public void Bytes_after_the_end_event_are_damage()
    {
        var (events, error) = ReadUntilError([.. SampleLog.Bytes, 0x21]);
        Assert.Equal(SampleLog.DecodedEvents, events);
        Assert.Equal($"replay log damaged at offset 114 (icount {SampleLog.FinalIcount}): there are bytes after the end event", error);
    }

    /// <summary>A shift-10 header followed by instruction counts of 0xFFFFFFFF without end, made as read.</summary>
    private sealed class EndlessInstructionCounts : IReplayByteSource
    {
        private readonly byte[] _header = new ReplayLogEncoder(new ReplayHeader(10, "", [])).HeaderBytes;
        private long _position;

        public int Read(Span<byte> buffer)
        {
            for (int i = 0; i < buffer.Length; i++, _position++)
                buffer[i] = _position < _header.Length ? _header[_position] : (_position - _header.Length) % 5 == 0 ? (byte)0x00 : (byte)0xFF;
            return buffer.Length;
        }
    }

    [Fact]
    public void Icount_overflow_is_damage_at_the_count_that_overflows()
    {
        // With shift 10, icount may reach (2^63 - 1) >> 10 = 2^53 - 1. 2^21 counts of 2^32 - 1 make
        // 2^53 - 2^21 (fits); the next one, at offset header + 5 * 2^21, does not.
        var source = new EndlessInstructionCounts();
        var decoder = new ReplayLogDecoder(source);
        long offset = decoder.HeaderLength + 5L * (1 << 21);
        long icount = (1L << 53) - (1L << 21);
        var error = Assert.Throws<ReplayLogException>(() => decoder.TryReadNext(out _));
        Assert.Equal($"replay log damaged at offset {offset} (icount {icount}): an instruction count of 4294967295 takes icount past 9007199254740991, the most shift 10 allows", error.Message);
    }

    [Fact]
    public void Source_ending_in_small_pieces_reads_the_same()
    {
        var trickle = new TrickleSource(SampleLog.Bytes);
        var decoder = new ReplayLogDecoder(trickle);
        var events = new List<ReplayEvent>();
        while (decoder.TryReadNext(out var e)) events.Add(e!);
        Assert.Equal(SampleLog.DecodedEvents, events);
        Assert.True(decoder.SawEnd);
        Assert.Equal(SampleLog.FinalIcount, decoder.Icount);
        Assert.Equal(113, decoder.LastEventOffset);
        Assert.Equal(114, decoder.Offset);
    }

    /// <summary>Hands out one byte per read, as a pipe might.</summary>
    private sealed class TrickleSource(byte[] bytes) : IReplayByteSource
    {
        private int _position;

        public int Read(Span<byte> buffer)
        {
            if (_position == bytes.Length || buffer.IsEmpty) return 0;
            buffer[0] = bytes[_position++];
            return 1;
        }
    }

    [Fact]
    public void Checkpoint_crc_field_is_where_the_layout_says()
    {
        Assert.Equal(0x3CDB5A7Cu, BinaryPrimitives.ReadUInt32BigEndian(SampleLog.Bytes.AsSpan(94)));
        Assert.Equal(0x3CDB5A7Cu, Crc32.Compute(SampleLog.Bytes.AsSpan(47, 94 - 47)));
    }
}
