using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

/// <summary>Every truncation and every single-byte corruption of a small log: only ReplayLogException, never a hang.</summary>
public class ReplayLogFuzzTests
{
    /// <summary>Decodes <paramref name="log"/> to the end or the first error; fails on any other exception.</summary>
    private static (List<ReplayEvent> Events, ReplayLogException? Error) Decode(byte[] log)
    {
        var events = new List<ReplayEvent>();
        try
        {
            var decoder = new ReplayLogDecoder(new MemoryReplayByteSource(log));
            // Every event takes at least one byte, so a log cannot yield more events than bytes.
            while (decoder.TryReadNext(out var e))
            {
                events.Add(e!);
                Assert.True(events.Count <= log.Length, "more events than bytes: the decoder is not making progress");
            }
            return (events, null);
        }
        catch (ReplayLogException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains("offset", e.Message);
            return (events, e);
        }
    }

    [Fact]
    public void Truncating_at_every_length_returns_a_prefix_of_the_events_then_ends_or_fails_cleanly()
    {
        var full = SampleLog.Bytes;
        var expected = SampleLog.DecodedEvents;
        // Event boundaries where a cut ends the log cleanly (before the header's end it never does).
        int[] cleanEnds = [47, 56, 70, 79, 98, 103 /* after shutdown */];
        for (int length = 0; length < full.Length; length++)
        {
            var (events, error) = Decode(full[..length]);
            Assert.Equal(expected[..events.Count], events);
            Assert.Equal(cleanEnds.Contains(length), error is null);
            if (error is not null)
                Assert.Contains($"truncated at offset {length}", error.Message);
        }
    }

    [Fact]
    public void Corrupting_every_byte_gives_only_replay_log_errors()
    {
        var full = SampleLog.Bytes;
        int detected = 0;
        foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (int i = 0; i < full.Length; i++)
            {
                var damaged = (byte[])full.Clone();
                damaged[i] ^= mask;
                var (_, error) = Decode(damaged);
                if (error is not null) detected++;
            }
        }
        // Everything up to the checkpoint's CRC is covered by a CRC; only bytes after it (98..113:
        // the shutdown's exit code, counts and end) may change meaning silently.
        Assert.True(detected >= 3 * 98, $"only {detected} corruptions were detected");
    }
}
