using System.Text.Json;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// Record/replay end to end (issue 4, "Done means"): tests/guests/rrguest.elf is recorded while
/// the test types at it with irregular, seeded pauses; its output depends on the tick at which
/// every byte arrived, on the RTC's wall-clock time, on HLT idle periods and on the TSC, so only
/// a replay that reproduces every input at the same instruction prints the same bytes. The
/// guest's summary line carries its virtual time at the end (TSC) and a CRC of its memory, so
/// equal output also means an equal end state as the guest sees it. The expectations about the
/// recording itself come from the guest's contract (rrguest.c) and the input the test sent.
/// </summary>
public sealed class RecordReplayTests : IDisposable
{
    private const int Replays = 20;
    private readonly RecordReplayHarness _rr = new();

    public void Dispose() => _rr.Dispose();

    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 56)]
    public void A_recording_replays_twenty_times_on_a_file_backend_with_the_same_bytes_and_exit_status(int seed, int length)
    {
        // -d int logs every interrupt with the CPU's registers at that moment (QEMU's format): equal
        // logs mean the replay took every timer and serial interrupt at the same instruction in
        // the same CPU state.
        var recording = _rr.Record($"seed{seed}", RrGuest.Input(seed, length), seed, "-d", "int", "-D", "int.log");
        AssertGuestSawTheInput(recording);
        byte[] interrupts = File.ReadAllBytes(Path.Combine(recording.Directory, "int.log"));
        string interruptText = RrGuest.Text(interrupts);
        Assert.True(interruptText.Contains(" v=20 ") && interruptText.Contains(" v=24 "),
            "the recording's interrupt log lacks the timer (vector 0x20) or COM1 (0x24) interrupts");

        var replays = new RecordReplayHarness.ReplayRun[Replays];
        Parallel.For(0, Replays, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            replays[i] = RecordReplayHarness.Replay(recording.Directory, $"replay{i}.txt", RecordReplayHarness.RunTimeout,
                "-d", "int", "-D", $"int{i}.log"));

        for (int i = 0; i < Replays; i++)
        {
            var replay = replays[i];
            string context = $"replay {i + 1} of {Replays} ({replay.CommandLine})";
            RecordReplayHarness.AssertNoStackTrace(replay.Stderr);
            Assert.False(replay.Stderr.Contains("diverged", StringComparison.OrdinalIgnoreCase), $"{context} diverged: {replay.Stderr}");
            RecordReplayHarness.AssertSameBytes(recording.Serial, replay.Serial, $"{context}: COM1 output vs the recording's");
            Assert.True(recording.ExitCode == replay.ExitCode,
                $"{context}: exit status {replay.ExitCode}, the recording's was {recording.ExitCode}; stderr: {replay.Stderr}");
            string log = Path.Combine(recording.Directory, $"int{i}.log");
            RecordReplayHarness.AssertSameBytes(interrupts, File.Exists(log) ? File.ReadAllBytes(log) : [],
                $"{context}: interrupt log (-d int) vs the recording's");
        }
    }

    /// <summary>
    /// The device guests replay too: timer.elf (PIT ticks in HLT, RDTSC, RTC update-ended and alarm
    /// interrupts, which depend on the recorded wall-clock time) and irqecho.elf (input and output
    /// through UART interrupts). Their recordings must print what qemu-system-i386 printed
    /// (NAME.expected), and every replay the same bytes.
    /// </summary>
    [Theory]
    [InlineData("timer.elf", "timer.expected", null)]
    [InlineData("irqecho.elf", "irqecho.expected", "irqecho.input")]
    public void The_device_guests_replay_identically(string kernel, string expected, string? inputFile)
    {
        byte[] input = [];
        if (inputFile is not null)
        {
            byte[] all = File.ReadAllBytes(HexEmuProcess.GuestPath(inputFile));
            input = all[..(Array.IndexOf(all, RrGuest.Terminator) + 1)]; // what follows '~' is never read
        }
        var recording = _rr.Record(Path.GetFileNameWithoutExtension(kernel), kernel, "\n", input, 9);
        RecordReplayHarness.AssertSameBytes(File.ReadAllBytes(HexEmuProcess.GuestPath(expected)), recording.Serial,
            $"recording of {kernel} vs qemu-system-i386's output ({expected}); stderr: {recording.Stderr}");
        Assert.Equal(Guests.GuestRuns.PassStatus, recording.ExitCode);

        for (int i = 0; i < 3; i++)
        {
            var replay = RecordReplayHarness.ReplayGuest(recording.Directory, kernel, $"replay{i}.txt", RecordReplayHarness.RunTimeout);
            RecordReplayHarness.AssertNoStackTrace(replay.Stderr);
            RecordReplayHarness.AssertSameBytes(recording.Serial, replay.Serial, $"replay {i + 1} of {kernel} ({replay.CommandLine})");
            Assert.True(recording.ExitCode == replay.ExitCode, $"replay {i + 1} of {kernel}: exit status {replay.ExitCode}: {replay.Stderr}");
        }
    }

    [Fact]
    public void A_replay_in_another_directory_from_copies_of_the_log_and_kernel_is_identical()
    {
        var recording = _rr.Record("recorded-here", RrGuest.Input(3, 24), 3);
        AssertGuestSawTheInput(recording);
        string elsewhere = _rr.CopyRun(recording.Directory, Path.Combine("somewhere", "else"), RrGuest.Kernel, RecordReplayHarness.LogName);
        Directory.Delete(recording.Directory, recursive: true); // nothing may refer back to where it was recorded

        var toFile = RecordReplayHarness.Replay(elsewhere, "replay.txt", RecordReplayHarness.RunTimeout);
        RecordReplayHarness.AssertNoStackTrace(toFile.Stderr);
        RecordReplayHarness.AssertSameBytes(recording.Serial, toFile.Serial, $"replay in {elsewhere} ({toFile.CommandLine})");
        Assert.True(recording.ExitCode == toFile.ExitCode, $"exit status {toFile.ExitCode}, recorded {recording.ExitCode}: {toFile.Stderr}");

        // A backend that keeps nothing: the guest still ends the same way.
        var toNull = RecordReplayHarness.Run(elsewhere,
            RecordReplayHarness.GuestArgs("null", RecordReplayHarness.Icount("replay")), null, RecordReplayHarness.RunTimeout);
        RecordReplayHarness.AssertNoStackTrace(toNull.Stderr);
        Assert.True(recording.ExitCode == toNull.ExitCode, $"-serial null: exit status {toNull.ExitCode}, recorded {recording.ExitCode}: {toNull.Stderr}");
    }

    [Fact]
    public void A_killed_recording_replays_to_its_last_complete_event_and_then_stops_with_a_clear_message()
    {
        string dir = _rr.NewRunDirectory("killed");
        var input = RrGuest.Input(4, 40);
        const int BeforeKill = 12;
        byte[] recorded;
        using (var recording = RecordReplayHarness.StartRecording(dir))
        {
            recording.WaitForStdout(RrGuest.ReadyMarker, RecordReplayHarness.RunTimeout);
            RecordReplayHarness.Feed(recording, input.AsSpan(0, BeforeKill), new Random(4));
            recording.WaitForStdout($"\r\nrx {BeforeKill} ", RecordReplayHarness.RunTimeout);
            // One more byte after the guest has printed line BeforeKill: its input event, flushed
            // when it was recorded, lies after that output, so the replay must print it.
            Assert.True(recording.TryWrite(input.AsSpan(BeforeKill, 1)), "the recording ended early");
            recording.WaitForStdout($"\r\nrx {BeforeKill + 1} ", RecordReplayHarness.RunTimeout);
            recording.Kill();
            recorded = recording.Stdout;
            Assert.DoesNotContain(RrGuest.EndMarker, RrGuest.Text(recorded));
        }
        byte[] log = File.ReadAllBytes(Path.Combine(dir, RecordReplayHarness.LogName));
        long lastIcount = ReplayLogLayout.LastEventIcount(log);

        using var replay = new HexEmuChild(
            [.. RecordReplayHarness.GuestArgs("file:replay.txt", RecordReplayHarness.Icount("replay")), "-monitor", "stdio"], dir);
        // The log has no shutdown: the replay either ends with a message, or pauses (as QEMU at the
        // end of a log) and says so, with the monitor still working.
        bool spoke = replay.WaitUntil(c => c.HasExited || (c.Stderr + c.StdoutText).Contains("replay", StringComparison.OrdinalIgnoreCase),
            RecordReplayHarness.RunTimeout);
        Assert.True(spoke, $"the replay of a killed recording neither stopped nor said anything within {RecordReplayHarness.RunTimeout}; " +
                           $"stdout: {replay.StdoutText}\nstderr: {replay.Stderr}");
        bool paused = !replay.HasExited;
        if (paused)
        {
            // Ask until the answer shows the replay standing at the last complete event (it may
            // have spoken before getting there); each answer is awaited, not slept for.
            var deadline = DateTime.UtcNow + RecordReplayHarness.ErrorTimeout;
            bool there = false;
            while (!there && DateTime.UtcNow < deadline && !replay.HasExited)
            {
                int before = replay.Stdout.Length;
                replay.TryWrite("info replay\n");
                replay.WaitUntil(c => c.Stdout.Length > before && c.StdoutText.EndsWith("(qemu) ", StringComparison.Ordinal), TimeSpan.FromSeconds(2));
                there = RecordReplayHarness.NamesNumber(replay.StdoutText[before..], lastIcount);
            }
            Assert.True(there,
                $"paused at the end of the log, 'info replay' should show icount {lastIcount} (the last complete event's); monitor: {replay.StdoutText}");
            replay.TryWrite("quit\n");
        }
        replay.WaitForExit(RecordReplayHarness.ErrorTimeout);
        RecordReplayHarness.AssertNoStackTrace(replay.Stderr);
        Assert.True(replay.Stderr.Contains("replay", StringComparison.OrdinalIgnoreCase),
            $"no message on stderr about the end of the replay: {replay.Stderr}");
        if (!paused)
            Assert.True(RecordReplayHarness.NamesNumber(replay.Stderr, lastIcount),
                $"the replay ended without naming icount {lastIcount}, where the last complete event of the log is: {replay.Stderr}");

        string replayFile = Path.Combine(dir, "replay.txt");
        byte[] replayed = File.Exists(replayFile) ? File.ReadAllBytes(replayFile) : [];
        RecordReplayHarness.AssertPrefix(replayed, recorded, "the replay of the killed recording vs what the recording printed before SIGKILL");
        var arrivals = RrGuest.Arrivals(RrGuest.Text(replayed));
        Assert.True(arrivals.Count >= BeforeKill,
            $"the replay printed {arrivals.Count} input bytes, the recording had logged at least {BeforeKill + 1}; replay output:\n{RrGuest.Text(replayed)}");
    }

    [Fact]
    public void Rr_verify_accepts_a_recording_and_rr_dump_lists_its_header_and_every_input()
    {
        var recording = _rr.Record("tooling", RrGuest.Input(5, 16), 5);
        AssertGuestSawTheInput(recording);
        byte[] log = File.ReadAllBytes(recording.LogPath);
        // Where the events lie by the documented layout (not by our decoder): what dump must list.
        var spans = ReplayLogLayout.Events(log).Where(e => e.Id != 0x00).ToList(); // instruction counts become icounts
        long lastIcount = ReplayLogLayout.LastEventIcount(log);

        var verify = RecordReplayHarness.Run(recording.Directory, ["rr", "verify", RecordReplayHarness.LogName], null, RecordReplayHarness.ErrorTimeout);
        Assert.True(verify.ExitCode == 0, $"rr verify of a good recording: exit {verify.ExitCode}; {verify.Stdout}{verify.Stderr}");
        Assert.StartsWith("OK: ", verify.Stdout);
        Assert.True(RecordReplayHarness.NamesNumber(verify.Stdout, spans.Count) && RecordReplayHarness.NamesNumber(verify.Stdout, lastIcount),
            $"rr verify should count {spans.Count} events up to icount {lastIcount}: {verify.Stdout}");

        var dump = RecordReplayHarness.Run(recording.Directory, ["rr", "dump", RecordReplayHarness.LogName, "--json"], null, RecordReplayHarness.ErrorTimeout);
        Assert.True(dump.ExitCode == 0, $"rr dump --json: exit {dump.ExitCode}; {dump.Stderr}");
        using var json = JsonDocument.Parse(dump.Stdout);
        var root = json.RootElement;
        Assert.Equal(RecordReplayHarness.Shift, root.GetProperty("header").GetProperty("shift").GetInt32());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(spans.Select(e => (long)e.Offset), events.Select(e => e.GetProperty("offset").GetInt64()));
        long previous = 0;
        foreach (var e in events)
        {
            long icount = e.GetProperty("icount").GetInt64();
            Assert.True(icount >= previous, $"rr dump: icount {icount} after {previous}");
            previous = icount;
        }
        Assert.Equal(lastIcount, previous);

        string Type(JsonElement e) => e.GetProperty("type").GetString()!;
        // Every byte typed was recorded, in order, on port 0, and nothing else came in.
        var inputs = events.Where(e => Type(e) == "serial-input").ToList();
        Assert.All(inputs, e => Assert.Equal(0, e.GetProperty("port").GetInt32()));
        Assert.Equal(Convert.ToHexStringLower(recording.Input), string.Concat(inputs.Select(e => e.GetProperty("data").GetString())));
        // The RTC's wall-clock time came from the host, at power-on.
        var clocks = events.Where(e => Type(e) == "host-clock").ToList();
        Assert.True(clocks.Count >= 1, "no host-clock event: the RTC's time was not recorded");
        Assert.True(Math.Abs(clocks[0].GetProperty("unixSeconds").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 3600,
            $"the recorded host clock {clocks[0].GetProperty("unixSeconds")} is not now");
        Assert.True(events.Any(e => Type(e) == "idle-warp"), "no idle-warp event, although the guest sleeps in HLT between the bytes");
        Assert.True(events.Any(e => Type(e) == "checkpoint"),
            "no checkpoint in a recording of about a second: a damaged byte near its end could not be detected");
        // The guest's isa-debug-exit ended the recording: a shutdown the replay ends with too.
        var shutdown = events.Single(e => Type(e) == "shutdown");
        Assert.Equal("guest-shutdown", shutdown.GetProperty("cause").GetString());
        Assert.Equal(recording.ExitCode, shutdown.GetProperty("exitCode").GetInt32());
    }

    /// <summary>
    /// The recording did what the guest's contract says for the input sent: every byte arrived, in
    /// order, spread over several timer ticks, the summary counts and checksums them, and the exit
    /// status is the one the guest derives from their sum.
    /// </summary>
    private static void AssertGuestSawTheInput(RecordReplayHarness.Recording recording)
    {
        string serial = recording.SerialText;
        byte[] counted = RrGuest.Counted(recording.Input);
        RecordReplayHarness.AssertNoStackTrace(recording.Stderr);
        var arrivals = RrGuest.Arrivals(serial);
        Assert.True(counted.AsSpan().SequenceEqual(arrivals.Select(a => a.Byte).ToArray()),
            $"the guest received {arrivals.Count} bytes, the test sent {counted.Length}; stderr: {recording.Stderr}; output:\n{serial}");
        Assert.Equal(Enumerable.Range(1, counted.Length), arrivals.Select(a => a.Number));
        for (int i = 1; i < arrivals.Count; i++)
            Assert.True(arrivals[i].Tick >= arrivals[i - 1].Tick, $"tick went back at byte {i + 1}: {serial}");
        int distinctTicks = arrivals.Select(a => a.Tick).Distinct().Count();
        Assert.True(distinctTicks >= 3, $"the input arrived at only {distinctTicks} distinct timer ticks: the pauses did not reach the guest\n{serial}");

        var summary = RrGuest.ParseSummary(serial);
        Assert.True(summary is not null, $"no summary line; output:\n{serial}");
        Assert.Equal(counted.Length, summary.Bytes);
        Assert.Equal(RrGuest.Crc32(counted), summary.Crc);
        Assert.Equal(counted.Count(b => b is (byte)'\r' or (byte)'\n'), summary.Lines);
        Assert.True(summary.Halts > 0, "the guest never slept in HLT");

        var rtc = RrGuest.StartTime(serial);
        Assert.True(rtc is not null, $"no rtc line:\n{serial}");
        Assert.True(Math.Abs((rtc.Value - DateTime.UtcNow).TotalDays) < 1, $"the RTC said {rtc}, the host clock {DateTime.UtcNow:u}");

        Assert.Equal(RrGuest.ExpectedExitStatus(counted), recording.ExitCode);
    }
}
