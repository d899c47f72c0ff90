using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The reverse gdb tests against hexemu replaying a recording of the guest: the stub goes back.
/// History reaches back to the recording's first instruction and on to its last, which these
/// tests check besides.
/// </summary>
[Collection(GdbCollection.Name)]
public sealed partial class GdbReverseReplayTests(GdbRecordingFixture fixture) : GdbReverseTests, IClassFixture<GdbRecordingFixture>
{
    protected override GdbTarget StartReplay() => fixture.Runs.StartReplay(fixture.Short);

    protected override GdbScript StopAt(string location, int hitsToSkip)
    {
        var script = new GdbScript().Run($"break {location}");
        if (hitsToSkip > 0) script.Run($"ignore 1 {hitsToSkip}");
        return script.Run("continue");
    }

    [Fact]
    public void The_start_of_history_is_the_first_instruction_of_the_recording()
    {
        using var target = StartReplay();
        var script = StopAt("step", 5).Run("delete", "break loop_ended")
            .Section("back").Run("reverse-continue").Monitor("replay", "info replay")
            .Run("delete", "break step").Section("forward").Run("continue").ProbeInt("x", "x").ProbeInt("counter", "counter");

        var gdb = target.CleanGdb(script);

        Assert.Contains(NoMoreHistory, gdb.Section("back"));
        Assert.Contains("instruction count = 0\n", gdb.Section("replay") + "\n");
        // From the start, the first call of step is step(0), with counter not yet written.
        Assert.Equal(0, gdb.IntValue("x"));
        Assert.Equal(0, gdb.IntValue("counter"));
    }

    [Fact]
    public void Continue_to_the_end_of_the_recording_reports_the_end_of_history_and_can_go_back()
    {
        var recording = fixture.Short;
        using var target = StartReplay();
        var script = new GdbScript().Section("end").Run("continue").ProbeInt("counter", "counter")
            .Monitor("at-end", "info replay")
            .Run("reverse-stepi").Monitor("back", "info replay");

        var gdb = target.CleanGdb(script);

        Assert.Contains(NoMoreHistory, gdb.Section("end"));
        Assert.Equal(GdbGuest.ShortIterations, gdb.IntValue("counter")); // the loop ran to its end
        Assert.Equal(recording.LastIcount, ReplayIcount(gdb.Section("at-end")));
        Assert.Equal(recording.LastIcount - 1, ReplayIcount(gdb.Section("back")));
    }

    [Fact]
    public void The_monitors_replay_seek_goes_back_through_the_checkpoints_and_info_replay_shows_them()
    {
        var recording = fixture.Short;
        long back = recording.LastIcount / 3;
        using var target = StartReplay();
        var script = new GdbScript().Run("continue")
            .Monitor("seek", $"replay_seek {back}")
            .Monitor("after", "info replay")
            .Run("stepi").Monitor("stepped", "info replay");

        var gdb = target.CleanGdb(script);

        Assert.Equal(back, ReplayIcount(gdb.Section("after")));
        Assert.Matches(@"Reverse debugging: history from instruction count 0, \d+ checkpoints holding \d+\.\d MiB", gdb.Section("after"));
        Assert.Equal(back + 1, ReplayIcount(gdb.Section("stepped")));
    }

    /// <summary>The icount in `info replay` output ("… instruction count = N").</summary>
    private static long ReplayIcount(string infoReplay)
    {
        var m = InstructionCount().Match(infoReplay);
        Assert.True(m.Success, $"no instruction count in: {infoReplay}");
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"instruction count = (\d+)")]
    private static partial Regex InstructionCount();
}
