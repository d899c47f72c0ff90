using System.Globalization;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Interrupting long motions of hexemu replaying the long recording (issue 6, robustness): a
/// Ctrl-C at gdb during a forward continue, 0x03 bytes during a reverse-continue, and SIGTERM
/// to the emulator during a reverse-continue. A run counts as interrupted only if it stopped
/// strictly between where it started and where it would have ended on its own, so a test
/// cannot pass by an interrupt that came too early or too late. Expectations: the GDB manual
/// (a Ctrl-C stops the target with SIGINT, stop reply T02; '?' repeats the last stop) and
/// hexemu's documented exit on a signal ("hexemu: terminating on signal SIGTERM").
/// </summary>
[Collection(GdbCollection.Name)]
public sealed partial class GdbInterruptTests(GdbRecordingFixture fixture) : IClassFixture<GdbRecordingFixture>
{
    /// <summary>Bounds a resume over the whole long recording (a few seconds of work) on a busy machine.</summary>
    private static readonly TimeSpan LongMotion = TimeSpan.FromSeconds(120);

    /// <summary>CPU time the emulator must burn after a resume before the test believes it is running.</summary>
    private static readonly TimeSpan Busy = TimeSpan.FromMilliseconds(300);

    /// <summary>How often the raw client repeats its Ctrl-C byte until the stop arrives.</summary>
    private static readonly TimeSpan InterruptEvery = TimeSpan.FromMilliseconds(75);

    [Fact]
    public void Ctrl_c_at_gdb_during_a_long_continue_stops_with_SIGINT_between_start_and_end_and_stepping_goes_on()
    {
        var recording = fixture.Long;
        using var target = fixture.Runs.StartReplay(recording);
        // milestone() is only called at the iterations given as mark1..3, and none are: never hit.
        var script = new GdbScript().Run("break milestone").Monitor("start", "info replay")
            .Section("continue").Run("continue")
            .Monitor("stopped", "info replay").ProbePc("stopped-pc")
            .Run("stepi").Monitor("stepped", "info replay").ProbePc("stepped-pc")
            .Run("reverse-stepi").Monitor("back", "info replay").ProbePc("back-pc")
            .Run("stepi").ProbePc("again-pc");
        using var gdb = new RunningGdb(target, script);

        Assert.True(gdb.WaitForStdout(GdbScript.MarkerPrefix + ">continue", TimeSpan.FromSeconds(60)), $"gdb never reached the continue:\n{gdb.StdoutSoFar}");
        Poll.UntilBusy(target.Process.Id, Busy, TimeSpan.FromSeconds(30), "continue");
        // One SIGINT only: a second one while gdb waits for the stop makes gdb offer to give up the target.
        Poll.Signal(gdb.Id, "INT");
        var result = gdb.Finish(LongMotion);
        AssertClean(result, target);

        Assert.Contains("Program received signal SIGINT, Interrupt.", result.Section("continue"));
        long start = ReplayIcount(result.Section("start")), stopped = ReplayIcount(result.Section("stopped"));
        Assert.True(start < stopped && stopped < recording.LastIcount,
            $"the interrupt stopped at icount {stopped}, not strictly between the start {start} and the end {recording.LastIcount}");
        Assert.Equal(stopped + 1, ReplayIcount(result.Section("stepped")));
        Assert.Equal(stopped, ReplayIcount(result.Section("back")));
        Assert.Equal(result.Value("stopped-pc"), result.Value("back-pc"));
        Assert.Equal(result.Value("stepped-pc"), result.Value("again-pc"));
        Assert.NotEqual(result.Value("stopped-pc"), result.Value("stepped-pc"));
    }

    [Fact]
    public void Ctrl_c_during_a_long_reverse_continue_stops_with_T02_and_the_stub_goes_on_answering()
    {
        var recording = fixture.Long;
        using var target = fixture.Runs.StartReplay(recording);
        using var rsp = ConnectAndGoToTheEnd(target, recording);

        rsp.Send("bc");
        rsp.ExpectAck(); // from here on, any byte is the stop reply
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!rsp.HasInput(InterruptEvery))
        {
            Assert.True(waited.Elapsed < LongMotion, "no stop within the bound although Ctrl-C was sent every 75 ms");
            rsp.SendRaw([0x03]);
        }
        Assert.Equal("T02thread:01;", rsp.Receive());

        long stopped = ReplayIcount(rsp.Monitor("info replay"));
        Assert.True(0 < stopped && stopped < recording.LastIcount,
            $"the interrupt stopped at icount {stopped}, not strictly between the start of history 0 and the end {recording.LastIcount}");
        Assert.Equal("T02thread:01;", rsp.Request("?"));
        string registers = rsp.Request("g");
        Assert.Matches("^[0-9a-f]{128,}$", registers); // eax … gs: 16 registers of 4 bytes at least
        Assert.Equal(Register(rsp.Monitor("info registers"), "EIP"), RawRspClient.EipOf(registers)); // the monitor reads the same machine

        Assert.StartsWith("T05", rsp.Request("bs", LongMotion));
        Assert.Equal(stopped - 1, ReplayIcount(rsp.Monitor("info replay")));
        Assert.False(target.Process.HasExited);
    }

    [Fact]
    public void Sigterm_during_a_long_reverse_continue_ends_hexemu_promptly()
    {
        var recording = fixture.Long;
        using var target = fixture.Runs.StartReplay(recording);
        using var rsp = ConnectAndGoToTheEnd(target, recording);

        rsp.Send("bc");
        rsp.ExpectAck();
        Poll.UntilBusy(target.Process.Id, Busy, TimeSpan.FromSeconds(30), "reverse-continue");
        Assert.False(rsp.HasInput(TimeSpan.Zero), "the reverse-continue ended before the signal: the test would prove nothing");
        Poll.Signal(target.Process.Id, "TERM");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        int exit = target.Process.WaitForExit(TimeSpan.FromSeconds(10)); // fails with hexemu's output if it hangs
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains("hexemu: terminating on signal SIGTERM\n", target.Process.Stderr);
        Assert.Equal(0, exit);
    }

    /// <summary>Connects a raw client (as gdb announces itself) and continues to the end of the recording.</summary>
    private static RawRspClient ConnectAndGoToTheEnd(GdbTarget target, GdbRecording recording)
    {
        var rsp = RawRspClient.Connect(target.SocketPath);
        try
        {
            Assert.Contains("ReverseContinue+", rsp.Request("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+"));
            Assert.Contains("replaylog:end;", rsp.Request("c", LongMotion));
            Assert.Equal(recording.LastIcount, ReplayIcount(rsp.Monitor("info replay")));
            return rsp;
        }
        catch
        {
            rsp.Dispose();
            throw;
        }
    }

    private static void AssertClean(GdbResult result, GdbTarget target)
    {
        try
        {
            result.AssertClean();
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- hexemu stderr:\n{target.Process.Stderr}");
        }
    }

    /// <summary>The icount in `info replay` output ("… instruction count = N").</summary>
    internal static long ReplayIcount(string infoReplay)
    {
        var m = InstructionCount().Match(infoReplay);
        Assert.True(m.Success, $"no instruction count in: {infoReplay}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>One register in `info registers` output, e.g. "EIP=0020083a" → "0020083a".</summary>
    internal static string Register(string infoRegisters, string name)
    {
        var m = Regex.Match(infoRegisters, $@"\b{name}=([0-9a-f]{{8}})\b");
        Assert.True(m.Success, $"no {name}= in:\n{infoRegisters}");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"instruction count = (\d+)")]
    private static partial Regex InstructionCount();
}
