using HexEmu.Domain.Replay;
using HexEmu.Host.Replay;

namespace HexEmu.Host.Tests.Replay;

/// <summary>The file writer and reader on real temporary files: durability points, truncation, unreadable paths.</summary>
public sealed class FileReplayLogTests : IDisposable
{
    private readonly List<string> _paths = [];

    private string Track(string path)
    {
        _paths.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var p in _paths) File.Delete(p);
    }

    private static List<ReplayEvent> ReadAll(Application.Ports.IReplayLogReader reader)
    {
        var events = new List<ReplayEvent>();
        while (reader.TryReadNext(out var e)) events.Add(e!);
        return events;
    }

    [Fact]
    public void Events_written_come_back_with_the_header()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        Assert.Equal(115, new FileInfo(path).Length);
        using var reader = new FileReplayLogReader(path);
        Assert.Equal(ReplayLogFiles.Header.MachineFingerprint, reader.Header.MachineFingerprint);
        Assert.Equal(ReplayLogFiles.Header.Images, reader.Header.Images);
        Assert.Equal(3, reader.Header.Shift);
        var events = ReadAll(reader);
        Assert.Equal(6, events.Count);
        Assert.Equal(ReplayLogFiles.Events[..3], events[..3]);
        Assert.Equal(ReplayLogFiles.Events[4..], events[4..]);
        Assert.Equal(0x0123456789ABCDEFul, ((CheckpointEvent)events[3]).StateDigest);
        Assert.True(reader.Decoder.SawEnd);
    }

    [Fact]
    public void Header_is_in_the_file_at_creation_and_events_at_each_flush()
    {
        var path = Track(ReplayLogFiles.TempPath());
        using var writer = new FileReplayLogWriter(path, ReplayLogFiles.Header);
        // Another reader sees what the OS holds, which is what survives a SIGKILL of the writer.
        Assert.Equal(47, new FileInfo(path).Length);
        using (var reader = new FileReplayLogReader(path)) Assert.Empty(ReadAll(reader));

        writer.Append(new HostClockEvent(0, 1));
        writer.Append(new SerialInputEvent(10, 0, [0x41]));
        Assert.Equal(47, new FileInfo(path).Length);
        Assert.Equal(47 + 9 + 5 + 8, writer.BytesWritten);
        writer.Flush();
        Assert.Equal(47 + 9 + 5 + 8, new FileInfo(path).Length);
        using (var reader = new FileReplayLogReader(path))
        {
            Assert.Equal([new HostClockEvent(0, 1), new SerialInputEvent(10, 0, [0x41])], ReadAll(reader));
            Assert.False(reader.Decoder.SawEnd);
        }
    }

    [Fact]
    public void Creating_again_truncates_the_old_log()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        using (new FileReplayLogWriter(path, ReplayLogFiles.Header)) { }
        Assert.Equal(47, new FileInfo(path).Length);
    }

    [Fact]
    public void Log_truncated_mid_event_returns_every_complete_event_then_a_clear_error()
    {
        // Cut inside the checkpoint (85..99).
        var path = Track(ReplayLogFiles.WriteTruncatedSample(90));
        using var reader = new FileReplayLogReader(path);
        var events = new List<ReplayEvent>();
        var error = Assert.Throws<ReplayLogException>(() =>
        {
            while (reader.TryReadNext(out var e)) events.Add(e!);
        });
        Assert.Equal(ReplayLogFiles.Events[..3], events);
        Assert.Equal("replay log truncated at offset 90 (icount 5000): the checkpoint event at offset 85 is incomplete", error.Message);
    }

    [Fact]
    public void A_file_that_is_no_log_fails_at_open()
    {
        var path = Track(ReplayLogFiles.TempPath());
        File.WriteAllText(path, "not a log");
        var error = Assert.Throws<ReplayLogException>(() => new FileReplayLogReader(path));
        Assert.Equal("replay log version 0x6E6F7420 is unknown to this build (it reads 0x48585201), at offset 0", error.Message);
    }

    [Fact]
    public void Missing_file_cannot_be_opened()
    {
        var path = ReplayLogFiles.TempPath();
        var error = Assert.Throws<ReplayLogFileException>(() => new FileReplayLogReader(path));
        Assert.Equal($"could not open replay log '{path}': No such file or directory", error.Message);
    }

    [Fact]
    public void Directory_cannot_be_opened_or_created_as_a_log()
    {
        var dir = Path.GetTempPath();
        Assert.Equal($"could not open replay log '{dir}': Is a directory",
            Assert.Throws<ReplayLogFileException>(() => new FileReplayLogReader(dir)).Message);
        Assert.Equal($"could not create replay log '{dir}': Is a directory",
            Assert.Throws<ReplayLogFileException>(() => new FileReplayLogWriter(dir, ReplayLogFiles.Header)).Message);
    }

    [Fact]
    public void Log_in_a_missing_directory_cannot_be_created()
    {
        var path = Path.Combine(ReplayLogFiles.TempPath(), "x.rr");
        Assert.Equal($"could not create replay log '{path}': No such file or directory",
            Assert.Throws<ReplayLogFileException>(() => new FileReplayLogWriter(path, ReplayLogFiles.Header)).Message);
    }

    [Fact]
    public void Log_where_files_may_not_be_created_says_permission_denied()
    {
        // sysfs refuses new files even to root (EACCES), so this holds whoever runs the tests.
        const string path = "/sys/hexemu-test.rr";
        Assert.Equal($"could not create replay log '{path}': Permission denied",
            Assert.Throws<ReplayLogFileException>(() => new FileReplayLogWriter(path, ReplayLogFiles.Header)).Message);
    }

    [Fact]
    public void Append_after_dispose_is_refused_and_dispose_flushes()
    {
        var path = Track(ReplayLogFiles.TempPath());
        var writer = new FileReplayLogWriter(path, ReplayLogFiles.Header);
        writer.Append(new EndEvent(0));
        writer.Dispose();
        Assert.Equal(48, new FileInfo(path).Length);
        Assert.Throws<ObjectDisposedException>(() => writer.Append(new EndEvent(0)));
    }

    [Fact]
    public void Many_events_of_many_sizes_round_trip_through_a_file()
    {
        // Over 1 MiB of events (the writer hands them to the OS on its own past that) and arrays
        // larger than the reader's 64 KiB buffer, so events straddle every buffer boundary.
        var path = Track(ReplayLogFiles.TempPath());
        var expected = new List<ReplayEvent>();
        using (var writer = new FileReplayLogWriter(path, ReplayLogFiles.Header))
        {
            long icount = 0;
            for (int i = 0; i < 20_000; i++)
            {
                icount += i % 7 == 0 ? 0 : i * 1_000_003L;
                ReplayEvent e = (i % 5) switch
                {
                    0 => new SerialInputEvent(icount, i % 4, [.. Enumerable.Range(0, i % 300 == 0 ? 100_000 + i : i % 97).Select(b => (byte)(b ^ i))]),
                    1 => new IdleWarpEvent(icount, i),
                    2 => new HostClockEvent(icount, -i),
                    3 => new ShutdownEvent(icount, (ShutdownCause)(i % 11), i),
                    _ => new CheckpointEvent(icount, (ulong)i * 0x9E3779B97F4A7C15, 0),
                };
                writer.Append(e);
                expected.Add(e);
            }
            writer.Append(new EndEvent(icount));
            expected.Add(new EndEvent(icount));
        }
        using var reader = new FileReplayLogReader(path);
        var events = ReadAll(reader);
        Assert.Equal(expected.Count, events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            if (expected[i] is CheckpointEvent c) Assert.Equal((c.Icount, c.StateDigest), (events[i].Icount, ((CheckpointEvent)events[i]).StateDigest));
            else Assert.Equal(expected[i], events[i]);
        }
        Assert.True(reader.Decoder.SawEnd);
        Assert.Equal(new FileInfo(path).Length, reader.Decoder.Offset);
    }
}
