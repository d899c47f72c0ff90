using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Replay;

/// <summary>One good recording of rrguest.elf, shared by the bad-input tests, which damage copies of it.</summary>
public sealed class RecordedGuestFixture : IDisposable
{
    private readonly Lazy<(RecordReplayHarness.Recording Recording, byte[] Log)> _recorded;

    public RecordedGuestFixture()
    {
        // Recorded on first use, so that the tests that need no recording do not fail with it.
        _recorded = new(() =>
        {
            var recording = Harness.Record("good", RrGuest.Input(7, 20), 7);
            Assert.True(File.Exists(recording.LogPath),
                $"the recording wrote no {RecordReplayHarness.LogName} (exit {recording.ExitCode}): {recording.Stderr}");
            return (recording, File.ReadAllBytes(recording.LogPath));
        });
    }

    public RecordReplayHarness Harness { get; } = new();

    public RecordReplayHarness.Recording Recording => _recorded.Value.Recording;

    /// <summary>The recording's log bytes.</summary>
    public byte[] Log => _recorded.Value.Log;

    public void Dispose() => Harness.Dispose();
}

/// <summary>
/// Bad input to record/replay (issue 4): each case is a one-line error on stderr that names the
/// problem (with the byte offset or icount where the log is damaged), a non-zero exit status, and
/// no hang (every run is bounded by <see cref="RecordReplayHarness.ErrorTimeout"/> or
/// <see cref="RecordReplayHarness.RunTimeout"/>). Damage is placed with the documented log layout
/// (<see cref="ReplayLogLayout"/>), so each test knows the offset the error has to name.
/// </summary>
public sealed class ReplayBadInputTests(RecordedGuestFixture fixture) : IClassFixture<RecordedGuestFixture>
{
    private RecordReplayHarness Rr => fixture.Harness;
    private byte[] Log => fixture.Log;

    /// <summary>A directory with the kernel and <paramref name="log"/> as recording.rr.</summary>
    private string RunWithLog(string name, byte[] log)
    {
        string dir = Rr.NewRunDirectory(name);
        File.WriteAllBytes(Path.Combine(dir, RecordReplayHarness.LogName), log);
        return dir;
    }

    private static RecordReplayHarness.ReplayRun Replay(string dir, TimeSpan timeout, params string[] extraArgs) =>
        RecordReplayHarness.Replay(dir, "replay.txt", timeout, extraArgs);

    private static RecordReplayHarness.ReplayRun Verify(string dir) =>
        RecordReplayHarness.Run(dir, ["rr", "verify", RecordReplayHarness.LogName], null, RecordReplayHarness.ErrorTimeout);

    /// <summary>A failed run: non-zero exit, one line on stderr naming the problem; returns the line.</summary>
    private static string AssertRefused(RecordReplayHarness.ReplayRun run, string what, params string[] phrases)
    {
        string context = $"{what} ({run.CommandLine})";
        Assert.True(run.ExitCode != 0, $"{context}: exit status 0; stderr: {run.Stderr}");
        string line = RecordReplayHarness.AssertOneLineError(run.Stderr, context, phrases);
        Assert.False(line.Contains("not supported", StringComparison.OrdinalIgnoreCase), $"{context}: refused for the wrong reason: {line}");
        return line;
    }

    /// <summary>
    /// rr verify found the log bad: non-zero exit and a report on stdout or stderr (it is the
    /// tool's answer, so either stream will do) that is not "OK"; returns the report.
    /// </summary>
    private static string AssertVerifyRejects(RecordReplayHarness.ReplayRun run, string what, params string[] phrases)
    {
        string report = (run.Stdout + run.Stderr).Trim();
        Assert.True(run.ExitCode != 0, $"{what} ({run.CommandLine}): exit status 0; it said: {report}");
        Assert.False(report.StartsWith("OK", StringComparison.Ordinal), $"{what}: rr verify said {report}");
        Assert.True(report.Length > 0, $"{what}: rr verify said nothing");
        RecordReplayHarness.AssertNoStackTrace(report);
        foreach (var phrase in phrases)
            Assert.True(report.Contains(phrase, StringComparison.OrdinalIgnoreCase), $"{what}: rr verify does not mention '{phrase}': {report}");
        return report;
    }

    /// <summary>A replay refused before the guest ran: no guest output at all.</summary>
    private static string AssertRefusedBeforeRunning(RecordReplayHarness.ReplayRun run, string what, params string[] phrases)
    {
        string line = AssertRefused(run, what, phrases);
        Assert.True(run.Serial.Length == 0, $"{what}: the guest ran (it printed {run.Serial.Length} bytes) although the replay was refused");
        return line;
    }

    /// <summary>Whether <paramref name="line"/> names a byte offset between <paramref name="low"/> and <paramref name="high"/> (decimal or 0x hex).</summary>
    private static bool NamesOffsetBetween(string line, long low, long high)
    {
        foreach (Match m in Regex.Matches(line, @"0x[0-9a-fA-F]+|(?<![0-9A-Za-z])[0-9]+(?![0-9])"))
        {
            long value = m.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? Convert.ToInt64(m.Value[2..], 16)
                : long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture);
            if (value >= low && value <= high) return true;
        }
        return false;
    }

    private static bool MentionsOffset(string line) =>
        line.Contains("offset", StringComparison.OrdinalIgnoreCase) || line.Contains("byte", StringComparison.OrdinalIgnoreCase);

    /// <summary>The serial input event in the middle of the log (there are ~20: one or a few bytes each).</summary>
    private ReplayLogLayout.EventSpan MiddleSerialInput()
    {
        var inputs = ReplayLogLayout.Events(Log).Where(e => e.Id == ReplayLogLayout.EventSerialInput).ToList();
        Assert.True(inputs.Count >= 4, $"the recording holds {inputs.Count} serial input events; 20 bytes were typed");
        return inputs[inputs.Count / 2];
    }

    [Fact]
    public void A_log_truncated_inside_its_header_is_refused_naming_the_offset()
    {
        int headerLength = ReplayLogLayout.HeaderLength(Log);
        int cut = headerLength / 2;
        string dir = RunWithLog("header-cut", Log[..cut]);

        string line = AssertRefusedBeforeRunning(Replay(dir, RecordReplayHarness.ErrorTimeout), "replay of a log cut inside its header");
        Assert.True(MentionsOffset(line) && NamesOffsetBetween(line, 0, cut), $"the error names no byte offset up to {cut}: {line}");

        string verify = AssertVerifyRejects(Verify(dir), "rr verify of a log cut inside its header");
        Assert.True(NamesOffsetBetween(verify, 0, cut), $"rr verify names no byte offset up to {cut}: {verify}");
    }

    [Fact]
    public void A_log_truncated_inside_an_event_replays_what_is_complete_and_stops_naming_the_offset()
    {
        var last = ReplayLogLayout.Events(Log).Last(e => e.Id == ReplayLogLayout.EventSerialInput);
        int cut = last.End - 1; // the last serial input event loses its last data byte
        string dir = RunWithLog("event-cut", Log[..cut]);

        var replay = Replay(dir, RecordReplayHarness.RunTimeout);
        // The complete events before the damage replay as recorded.
        RecordReplayHarness.AssertPrefix(replay.Serial, fixture.Recording.Serial, "replay of a log cut inside an event");
        Assert.Contains($"\r\nrx {RrGuest.Arrivals(fixture.Recording.SerialText).Count / 2} ", replay.SerialText);
        string line = AssertRefused(replay, "replay of a log cut inside an event");
        // The incomplete event starts at last.Offset (or at the instruction count before it); the file ends at cut.
        Assert.True(MentionsOffset(line) && NamesOffsetBetween(line, last.Offset - 5, cut), $"the error names no byte offset in {last.Offset - 5}..{cut}: {line}");

        string verify = AssertVerifyRejects(Verify(dir), "rr verify of a log cut inside an event");
        Assert.True(NamesOffsetBetween(verify, last.Offset - 5, cut), $"rr verify names no byte offset in {last.Offset - 5}..{cut}: {verify}");
    }

    [Fact]
    public void A_log_with_a_flipped_byte_is_refused_not_replayed_differently()
    {
        var input = MiddleSerialInput();
        int at = input.Offset + 7; // the event's first data byte: the guest would see another character
        byte[] damaged = (byte[])Log.Clone();
        damaged[at] ^= 0xFF;
        string dir = RunWithLog("flipped", damaged);

        var replay = Replay(dir, RecordReplayHarness.RunTimeout);
        Assert.True(replay.ExitCode != fixture.Recording.ExitCode,
            $"a flipped byte at offset {at} (serial data) went unnoticed: the replay ended as the recording did; stderr: {replay.Stderr}");
        string line = AssertRefused(replay, $"replay of a log with byte {at} flipped");
        Assert.True(MentionsOffset(line) || line.Contains("icount", StringComparison.OrdinalIgnoreCase),
            $"the error names neither a byte offset nor an icount: {line}");

        string verify = AssertVerifyRejects(Verify(dir), $"rr verify of a log with byte {at} flipped");
        Assert.True(NamesOffsetBetween(verify, at, damaged.Length), $"rr verify names no byte offset at or after {at}: {verify}");
    }

    [Fact]
    public void A_log_with_an_unknown_event_id_is_refused_naming_its_offset()
    {
        var input = MiddleSerialInput();
        byte[] damaged = [.. Log[..input.Offset], 0xEE, .. Log[input.Offset..]];
        string dir = RunWithLog("unknown-id", damaged);

        var replay = Replay(dir, RecordReplayHarness.RunTimeout);
        string line = AssertRefused(replay, "replay of a log with event id 0xEE", "event");
        Assert.True(RecordReplayHarness.NamesNumber(line, input.Offset), $"the error does not name offset {input.Offset}: {line}");
        RecordReplayHarness.AssertPrefix(replay.Serial, fixture.Recording.Serial, "replay up to the unknown event");

        string verify = AssertVerifyRejects(Verify(dir), "rr verify of a log with event id 0xEE", "event");
        Assert.True(RecordReplayHarness.NamesNumber(verify, input.Offset), $"rr verify does not name offset {input.Offset}: {verify}");
    }

    [Fact]
    public void A_log_of_another_version_is_refused()
    {
        byte[] damaged = (byte[])Log.Clone();
        uint version = BinaryPrimitives.ReadUInt32BigEndian(damaged);
        BinaryPrimitives.WriteUInt32BigEndian(damaged, version ^ 0xF0);
        string dir = RunWithLog("version", damaged);

        AssertRefusedBeforeRunning(Replay(dir, RecordReplayHarness.ErrorTimeout), "replay of a log of another version", "version");
        AssertVerifyRejects(Verify(dir), "rr verify of a log of another version", "version");
    }

    [Fact]
    public void A_replay_with_another_shift_is_refused_naming_both_shifts()
    {
        string dir = RunWithLog("shift", Log);
        var run = RecordReplayHarness.Run(dir,
            RecordReplayHarness.GuestArgs("file:replay.txt", RecordReplayHarness.Icount("replay", shift: 4)), "replay.txt", RecordReplayHarness.ErrorTimeout);
        string line = AssertRefusedBeforeRunning(run, "replay with shift=4 of a shift=3 recording", "shift");
        Assert.True(RecordReplayHarness.NamesNumber(line, 3) && RecordReplayHarness.NamesNumber(line, 4), $"the error does not name shifts 3 and 4: {line}");
    }

    [Theory]
    [InlineData("more RAM", "machine", new[] { "-m", "64" })]
    [InlineData("another serial port count", "machine", new[] { "-serial", "null" })]
    public void A_replay_on_another_machine_configuration_is_refused(string what, string phrase, string[] extraArgs)
    {
        string dir = RunWithLog($"machine-{what.Replace(' ', '-')}", Log);
        AssertRefusedBeforeRunning(Replay(dir, RecordReplayHarness.ErrorTimeout, extraArgs), $"replay with {what}", phrase);
    }

    [Fact]
    public void A_replay_with_another_kernel_is_refused()
    {
        string dir = RunWithLog("kernel", Log);
        File.Copy(HexEmuProcess.GuestPath("timer.elf"), Path.Combine(dir, "timer.elf"));
        var run = RecordReplayHarness.Run(dir,
            RecordReplayHarness.GuestArgs("file:replay.txt", RecordReplayHarness.Icount("replay"), kernel: "timer.elf"), "replay.txt",
            RecordReplayHarness.ErrorTimeout);
        AssertRefusedBeforeRunning(run, "replay with timer.elf of a recording of rrguest.elf", "kernel");
    }

    [Theory]
    [InlineData("record")]
    [InlineData("replay")]
    public void Rr_without_rrfile_is_refused(string mode)
    {
        string dir = Rr.NewRunDirectory($"no-rrfile-{mode}");
        var run = RecordReplayHarness.Run(dir,
            RecordReplayHarness.GuestArgs("file:out.txt", $"shift={RecordReplayHarness.Shift},rr={mode}"), "out.txt", RecordReplayHarness.ErrorTimeout);
        string line = AssertRefusedBeforeRunning(run, $"rr={mode} without rrfile");
        Assert.True(line.Contains("rrfile", StringComparison.Ordinal) || line.Contains("file name", StringComparison.OrdinalIgnoreCase),
            $"the error does not say the file is missing: {line}");
    }

    [Fact]
    public void A_replay_of_a_log_that_does_not_exist_is_refused_naming_it()
    {
        string dir = Rr.NewRunDirectory("absent");
        var run = RecordReplayHarness.Run(dir,
            RecordReplayHarness.GuestArgs("file:out.txt", RecordReplayHarness.Icount("replay", "absent.rr")), "out.txt", RecordReplayHarness.ErrorTimeout);
        AssertRefusedBeforeRunning(run, "replay of a missing rrfile", "absent.rr");
    }

    [Theory]
    [InlineData("a directory")]
    [InlineData("below a regular file")]
    public void A_recording_to_an_rrfile_that_cannot_be_written_is_refused_naming_it(string where)
    {
        // The tests may run as root, for whom permission bits do not stop a write: use paths that nobody can open as a file.
        string dir = Rr.NewRunDirectory($"unwritable-{where.Replace(' ', '-')}");
        string rrfile;
        if (where == "a directory")
        {
            rrfile = "logdir";
            Directory.CreateDirectory(Path.Combine(dir, rrfile));
        }
        else
        {
            File.WriteAllText(Path.Combine(dir, "plain.txt"), "not a directory");
            rrfile = "plain.txt/recording.rr";
        }
        var run = RecordReplayHarness.Run(dir,
            RecordReplayHarness.GuestArgs("file:out.txt", RecordReplayHarness.Icount("record", rrfile)), "out.txt", RecordReplayHarness.ErrorTimeout);
        AssertRefusedBeforeRunning(run, $"recording to an rrfile that is {where}", rrfile);
    }
}
