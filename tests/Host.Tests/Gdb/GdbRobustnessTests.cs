using System.Diagnostics;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// What hexemu's gdb stub must survive (issue 6, robustness): protocol noise on a live
/// connection, a debugger vanishing while the machine runs, many sessions one after another,
/// and writes a replay must refuse. Each test then proves the stub still serves a real gdb.
/// Expected PCs come from objdump's reading of the guest (<see cref="GuestCode"/>), values
/// from the guest's source (<see cref="GdbGuest"/>).
/// </summary>
[Collection(GdbCollection.Name)]
public sealed class GdbRobustnessTests(GdbRecordingFixture fixture) : IClassFixture<GdbRecordingFixture>
{
    private static GuestCode Code => GuestCode.Guest;

    private static uint StepBodyStart => Code.OfLine(GdbGuest.Line("step-call"))[0].Address;

    private const string Supported = "qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+";

    /// <summary>Pieces of noise per fuzz run.</summary>
    private const int FuzzPieces = 2000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void After_protocol_noise_the_stub_answers_and_a_real_gdb_steps_both_ways(int seed)
    {
        using var target = fixture.Runs.StartReplay(fixture.Short);
        using (var rsp = RawRspClient.Connect(target.SocketPath))
        {
            WithEmulatorLog(target, $"seed {seed}", () => FuzzThenAsk(rsp, target, seed));
        }

        // The raw connection is gone; a real gdb connects and goes both ways.
        var script = new GdbScript().Run("break step", "reverse-continue").ProbePc("start");
        for (int n = 0; n < 3; n++) script.Run("stepi").ProbePc("forward");
        for (int n = 0; n < 3; n++) script.Run("reverse-stepi").ProbePc("back");
        var gdb = target.CleanGdb(script);

        var path = Code.StraightLinePath(StepBodyStart, 3);
        Assert.Equal(StepBodyStart, gdb.HexValue("start"));
        Assert.Equal(path, gdb.HexValues("forward"));
        Assert.Equal([path[1], path[0], StepBodyStart], gdb.HexValues("back"));
        Assert.False(target.Process.HasExited, $"hexemu exited:\n{target.Process.Stderr}");
        Assert.DoesNotContain("session failed", target.Process.Stderr);
    }

    /// <summary>Throws the noise of <paramref name="seed"/> at the stub, then checks that '?', 'g' and qRcmd answer.</summary>
    private static void FuzzThenAsk(RawRspClient rsp, GdbTarget target, int seed)
    {
        Assert.Contains("ReverseContinue+", rsp.Request(Supported));
        var fuzz = new RspFuzz(seed);
        int markers = 0;
        for (int n = 0; n < FuzzPieces; n++)
        {
            rsp.SendRaw(fuzz.Next(out bool motion));
            rsp.Drain(); // replies nobody reads would make the stub stop reading too
            if (!motion) continue;
            // A little noise while the machine moves, then wait for the stop: noise sent
            // while it runs is mostly held back or dropped, as gdb sends nothing then.
            for (int extra = n % 4; extra > 0; extra--) rsp.SendRaw(fuzz.NextStill());
            AwaitSync(rsp, target, seed, ref markers);
        }
        rsp.SendRaw("$#00"); // ends whatever frame the noise left open, from any state
        AwaitSync(rsp, target, seed, ref markers);

        string stop = rsp.Request("?");
        Assert.Matches("^T0[25]thread:01;", stop);
        string registers = rsp.Request("g");
        Assert.Matches("^[0-9a-f]{128,}$", registers);
        Assert.Equal(GdbInterruptTests.Register(rsp.Monitor("info registers"), "EIP"), RawRspClient.EipOf(registers));
    }

    /// <summary>
    /// Reads through the replies to the noise until the reply to a marker: an unknown monitor
    /// command, whose error names it. Sent again with a new name while unanswered (a stub may
    /// drop packets that arrive while the machine runs, and a frame the noise left open
    /// swallows the first one).
    /// </summary>
    private static void AwaitSync(RawRspClient rsp, GdbTarget target, int seed, ref int markers)
    {
        for (int attempt = 0; ; attempt++)
        {
            string marker = $"sync{markers++}";
            rsp.SendRaw("$#00");
            rsp.Send("qRcmd," + RawRspClient.HexOf(marker));
            string named = RawRspClient.HexOf($"'{marker}'");
            if (rsp.ReadUntil(text => text.IndexOf(named, StringComparison.Ordinal) is int at and >= 0
                                      && text.IndexOf("$OK#9a", at, StringComparison.Ordinal) >= 0, TimeSpan.FromSeconds(5)))
                return;
            Assert.True(attempt < 10, $"seed {seed}: the stub stopped answering after the noise\n{target.Process.Stderr}");
        }
    }

    [Fact]
    public void Malformed_vCont_with_an_empty_action_gets_an_error_or_empty_reply_and_the_session_goes_on()
    {
        using var target = fixture.Runs.StartReplay(fixture.Short);
        using var rsp = RawRspClient.Connect(target.SocketPath);
        Assert.Contains("vContSupported", rsp.Request(Supported), StringComparison.Ordinal);

        // "vCont;:1": an action with a thread id but no action letter (GDB manual, vCont). The
        // protocol's answers to a bad packet are an error or the empty reply (QEMU 7.2 sends
        // the empty one here).
        WithEmulatorLog(target, "vCont;:1", () =>
        {
            Assert.Matches("^(E[0-9a-f]{2}.*)?$", rsp.Request("vCont;:1"));
            Assert.Matches("^(E[0-9a-f]{2}.*)?$", rsp.Request("vCont;:"));
            Assert.Matches("^T05thread:01;", rsp.Request("?"));
        });
    }

    /// <summary>Runs <paramref name="test"/>; a failure (the stub hanging up included) carries hexemu's log.</summary>
    private static void WithEmulatorLog(GdbTarget target, string what, Action test)
    {
        try
        {
            test();
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException or Xunit.Sdk.XunitException)
        {
            // hexemu's log arrives through a pipe: give the line about the end of the session a moment.
            Poll.Until(() => target.Process.Stderr.Contains("session failed", StringComparison.Ordinal)
                             || target.Process.Stderr.Contains("disconnected", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name}: {e.Message}\n--- hexemu stderr:\n{target.Process.Stderr}", e);
        }
    }

    [Fact]
    public void A_debugger_vanishing_during_a_continue_leaves_hexemu_up_and_the_next_gdb_reads_registers()
    {
        using var target = fixture.Runs.StartReplay(fixture.Long);
        using (var rsp = RawRspClient.Connect(target.SocketPath))
        {
            rsp.Request(Supported);
            rsp.Send("c");
            rsp.ExpectAck();
            Poll.UntilBusy(target.Process.Id, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30), "continue");
            Assert.False(rsp.HasInput(TimeSpan.Zero), "the continue ended before the disconnect: the test would prove nothing");
        }
        Assert.True(Poll.Until(() => target.Process.Stderr.Contains("debugger disconnected", StringComparison.Ordinal), TimeSpan.FromSeconds(30)),
            $"hexemu did not notice the disconnect:\n{target.Process.Stderr}");
        // Without a debugger the replay runs on by itself (issue 6: a disconnect does not stop
        // the machine), to the end of the recording, where hexemu waits for the next debugger.
        Assert.True(Poll.Until(() => target.Process.Stderr.Contains("the machine is paused", StringComparison.Ordinal) || target.Process.HasExited,
            TimeSpan.FromSeconds(120)), $"the replay did not run on to its end after the disconnect:\n{target.Process.Stderr}");
        Assert.False(target.Process.HasExited, $"hexemu exited after the disconnect:\n{target.Process.Stderr}");

        var gdb = target.CleanGdb(new GdbScript().ProbePc("pc").ProbeInt("counter", "counter").Monitor("replay", "info replay"));

        Code.At(gdb.HexValue("pc")); // an instruction of the guest, as objdump reads it
        Assert.Equal(GdbRecordingFixture.LongIterations, gdb.IntValue("counter")); // the loop ran to its end
        Assert.Equal(fixture.Long.LastIcount, GdbInterruptTests.ReplayIcount(gdb.Section("replay")));
        Assert.False(target.Process.HasExited, $"hexemu exited:\n{target.Process.Stderr}");
    }

    /// <summary>Consecutive gdb sessions against one hexemu: each connects, moves both ways and disconnects.</summary>
    private const int Sessions = 50;

    [Fact]
    public void Fifty_consecutive_short_gdb_sessions_against_one_hexemu_finish_without_a_hang()
    {
        using var target = fixture.Runs.StartReplay(fixture.Short);
        var clock = Stopwatch.StartNew();
        var first = target.CleanGdb(new GdbScript().Run("break step", "ignore 1 100", "continue").ProbeInt("x", "x"));
        Assert.Equal(100, first.IntValue("x"));

        for (int session = 0; session < Sessions; session++)
        {
            // Each disconnect lets the replay run on, so a session starts wherever it went: the
            // relations between its stops are fixed, their place is not.
            var script = new GdbScript().Run("break step")
                .Run("reverse-continue").ProbeInt("x", "x").ProbeInt("counter", "counter")
                .Run("reverse-continue").ProbeInt("x", "x").ProbeInt("counter", "counter")
                .Run("continue").ProbeInt("x", "x").ProbeInt("counter", "counter");
            var gdb = target.CleanGdb(script, TimeSpan.FromSeconds(30));
            var x = gdb.IntValues("x");
            Assert.True(x.Count == 3 && x[0] >= 100 && x[1] == x[0] - 1 && x[2] == x[0], $"session {session}: x = {string.Join(", ", x)}\n{gdb.Transcript}");
            Assert.Equal(x.Select(GdbGuest.CounterOnEntryToStep), gdb.IntValues("counter"));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{Sessions + 1} sessions took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.False(target.Process.HasExited, $"hexemu exited:\n{target.Process.Stderr}");
    }

    /// <summary>Stops in step(5), then tries to change counter and EAX, and reads them back.</summary>
    private static GdbScript WriteAttempts() => new GdbScript().Run("break step", "ignore 1 5", "continue", "delete")
        .ProbeInt("counter", "counter").Probe("eax", "%d", "$eax")
        .Section("write-memory").Run("set var counter = 7").ProbeInt("counter", "counter")
        .Section("write-register").Run("set var $eax = 4660").Probe("eax", "%d", "$eax")
        .Run("stepi").ProbeInt("counter", "counter").Probe("eax", "%d", "$eax");

    [Fact]
    public void A_replay_refuses_memory_and_register_writes_and_keeps_the_recorded_values()
    {
        using var target = fixture.Runs.StartReplay(fixture.Short);

        var gdb = target.Gdb(WriteAttempts());

        Assert.False(gdb.TimedOut, gdb.Transcript);
        Assert.Equal(["True"], gdb.Values("connected"));
        string counter = GdbScript.Hex(Code.Symbol("counter"));
        Assert.Contains($"Cannot access memory at address {counter}", gdb.Stderr);
        Assert.Contains("Could not write register \"eax\"", gdb.Stderr);
        Assert.Equal([5, 5, 5], gdb.IntValues("counter"));
        var eax = gdb.IntValues("eax");
        Assert.Equal(eax[0], eax[1]);
        Assert.NotEqual(4660, eax[1]);
        Assert.False(target.Process.HasExited);
    }

    [Fact]
    public void A_live_run_takes_memory_and_register_writes()
    {
        using var target = GdbTarget.Start(GdbEmulator.HexEmu, fixture.Runs.NewRunDirectory(),
            GdbGuestRuns.MachineArgs(GdbGuest.ShortIterations, "file:serial.txt", "shift=0"));

        var gdb = target.CleanGdb(WriteAttempts());

        // The stepi after the writes runs step's first instruction, which touches neither.
        Assert.Equal([5, 7, 7], gdb.IntValues("counter"));
        var eax = gdb.IntValues("eax");
        Assert.Equal(4660, eax[1]);
        Assert.Equal(4660, eax[2]);
    }
}
