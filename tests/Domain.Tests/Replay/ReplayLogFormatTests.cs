using System.Buffers;
using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

/// <summary>The encoder's bytes against the layout worked by hand, and the decoder's round trip.</summary>
public class ReplayLogFormatTests
{
    [Fact]
    public void Crc32_gives_the_standard_check_value()
    {
        // The CRC-32 catalogue's check value: CRC-32 of the ASCII digits 1 to 9.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Encoder_writes_the_documented_layout()
    {
        var bytes = ReplayLogEncoder.EncodeLog(SampleLog.Header, SampleLog.Events);
        Assert.Equal(SampleLog.HeaderHex + SampleLog.EventsHex, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Header_starts_with_the_version_id_and_is_complete_before_any_event()
    {
        var encoder = new ReplayLogEncoder(SampleLog.Header);
        Assert.Equal(SampleLog.HeaderHex, Convert.ToHexStringLower(encoder.HeaderBytes));
        Assert.Equal("HXR"u8.ToArray(), encoder.HeaderBytes[..3]);
        Assert.Equal(0x48585201u, ReplayLogFormat.Version);

        var decoder = new ReplayLogDecoder(new MemoryReplayByteSource(encoder.HeaderBytes));
        Assert.Equal(47, decoder.HeaderLength);
        Assert.False(decoder.TryReadNext(out _));
        Assert.False(decoder.SawEnd);
    }

    [Fact]
    public void Every_event_kind_and_the_header_round_trip()
    {
        var (header, events) = ReplayLogDecoder.DecodeAll(SampleLog.Bytes);
        Assert.Equal(SampleLog.Header.Shift, header.Shift);
        Assert.Equal(SampleLog.Header.MachineFingerprint, header.MachineFingerprint);
        Assert.Equal(SampleLog.Header.Images, header.Images);
        Assert.Equal(SampleLog.DecodedEvents, events);
    }

    [Fact]
    public void Every_shutdown_cause_round_trips_with_its_qemu_event_id()
    {
        foreach (var cause in Enum.GetValues<ShutdownCause>())
        {
            var bytes = ReplayLogEncoder.EncodeLog(SampleLog.Header, [new ShutdownEvent(7, cause, -2)]);
            // EVENT_INSTRUCTION 7, then EVENT_SHUTDOWN (4) + cause, then the exit code.
            Assert.Equal($"0000000007{4 + (int)cause:x2}fffffffe", Convert.ToHexStringLower(bytes[47..]));
            Assert.Equal([new ShutdownEvent(7, cause, -2)], SampleLog.Decode(bytes));
        }
    }

    [Fact]
    public void Header_strings_are_utf8_and_many_images_round_trip()
    {
        var header = new ReplayHeader(10, "ram=32M cpu=486 \u00e9\u00e8 \U0001F600",
            [.. Enumerable.Range(0, 5).Select(i => new ImageIdentity($"disk ide0-hd{i}", $"d{i}.img", new string('f', 64)))]);
        var bytes = ReplayLogEncoder.EncodeLog(header, [new EndEvent(0)]);
        var (decoded, events) = ReplayLogDecoder.DecodeAll(bytes);
        Assert.Equal(header.MachineFingerprint, decoded.MachineFingerprint);
        Assert.Equal(header.Images, decoded.Images);
        Assert.Equal(10, decoded.Shift);
        Assert.Equal([new EndEvent(0)], events);
        Assert.Empty(header.Differences(decoded));
    }

    [Fact]
    public void Icount_is_reconstructed_from_instruction_counts_only_where_it_advances()
    {
        long[] icounts = [0, 0, 1, 1, 1, 0xFFFFFFFFL, 0xFFFFFFFFL + 1, 3 * 0xFFFFFFFFL + 5, 3 * 0xFFFFFFFFL + 5];
        var events = icounts.Select(i => (ReplayEvent)new HostClockEvent(i, i)).ToArray();
        var bytes = ReplayLogEncoder.EncodeLog(SampleLog.Header, events);
        Assert.Equal(events, SampleLog.Decode(bytes));
        // 9 host clock events of 9 bytes; instruction counts (5 bytes) before the 3 that advance by
        // less than 2^32, and 3 before the one that advances by 2*0xFFFFFFFF + 4 (0xFFFFFFFF, 0xFFFFFFFF, 4).
        int instructionEvents = 1 + 1 + 1 + 3;
        Assert.Equal(47 + 9 * 9 + 5 * instructionEvents, bytes.Length);
    }

    [Fact]
    public void Empty_serial_input_and_negative_clock_values_round_trip()
    {
        ReplayEvent[] events = [new SerialInputEvent(5, 255, []), new HostClockEvent(5, -1), new IdleWarpEvent(6, long.MaxValue)];
        Assert.Equal(events, SampleLog.Decode(ReplayLogEncoder.EncodeLog(SampleLog.Header, events)));
    }

    [Fact]
    public void Checkpoint_crc_is_computed_by_the_encoder_whatever_the_caller_passed()
    {
        var a = ReplayLogEncoder.EncodeLog(SampleLog.Header, [new CheckpointEvent(1, 42, 0)]);
        var b = ReplayLogEncoder.EncodeLog(SampleLog.Header, [new CheckpointEvent(1, 42, 0xDEADBEEF)]);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Second_checkpoint_crc_covers_only_the_bytes_since_the_first()
    {
        var bytes = ReplayLogEncoder.EncodeLog(SampleLog.Header, [new CheckpointEvent(0, 1, 0), new HostClockEvent(0, 9), new CheckpointEvent(0, 2, 0)]);
        // First checkpoint 47..61, host clock 61..70, second checkpoint 70..84 with its CRC at 80..84.
        uint expected = Crc32.Compute(bytes.AsSpan(61, 80 - 61));
        Assert.Equal(expected, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(80)));
        var decoded = SampleLog.Decode(bytes);
        Assert.Equal(expected, ((CheckpointEvent)decoded[2]).LogCrc);
    }

    [Fact]
    public void Encoder_refuses_misuse()
    {
        var encoder = new ReplayLogEncoder(SampleLog.Header);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(new HostClockEvent(10, 0), output);
        Assert.Throws<ArgumentException>(() => encoder.Encode(new HostClockEvent(9, 0), output));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode(new SerialInputEvent(10, 256, [1]), output));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode(new ShutdownEvent(10, (ShutdownCause)11), output));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode(new HostClockEvent(long.MaxValue, 0), output));
        Assert.Equal(5 + 9, output.WrittenCount); // nothing written by the refused events
        encoder.Encode(new EndEvent(10), output);
        Assert.Throws<InvalidOperationException>(() => encoder.Encode(new EndEvent(10), output));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayLogEncoder(SampleLog.Header with { Shift = 11 }));
    }

    [Fact]
    public void A_checkpoint_over_ram_too_has_its_own_kind_and_round_trips()
    {
        var bytes = ReplayLogEncoder.EncodeLog(SampleLog.Header, [new CheckpointEvent(7, 0x1122, 0, IncludesRam: true), new CheckpointEvent(9, 0x3344, 0)]);
        int at = bytes.AsSpan().IndexOf([ReplayLogFormat.EventCheckpoint, ReplayLogFormat.CheckpointFullStateDigest]);
        Assert.True(at > 0);
        var events = SampleLog.Decode(bytes).Cast<CheckpointEvent>().ToList();
        Assert.Equal([true, false], events.Select(e => e.IncludesRam));
        Assert.Equal([0x1122UL, 0x3344UL], events.Select(e => e.StateDigest));
    }
}
