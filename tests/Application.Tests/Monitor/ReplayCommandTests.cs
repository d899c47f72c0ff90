using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>`info replay`, replay_break, replay_delete_break and replay_seek, in QEMU's words.</summary>
public class ReplayCommandTests
{
    private sealed class FakeReplay(bool replaying) : IReplayMonitor
    {
        public bool Replaying => replaying;
        public string File => "run.rr";
        public long Icount { get; set; } = 1000;
        public long? Break { get; private set; }
        public void SetBreak(long icount) => Break = icount;
        public void DeleteBreak() => Break = null;
        /// <summary>The icount of the one snapshot this fake replay can go back to, if any.</summary>
        public long? SnapshotAt { get; set; }
        public long GoBackTo(long icount)
        {
            if (SnapshotAt is not { } at || at > icount) throw new InvalidOperationException($"no snapshot at or before icount {icount}");
            Icount = at;
            return at;
        }
        public string? ReverseDebugging { get; set; }
        /// <summary>Set: the fake has reverse debugging and seeks straight to any icount.</summary>
        public bool SeeksDirectly { get; set; }
        public bool TrySeekDirectly(long icount)
        {
            if (!SeeksDirectly) return false;
            Icount = icount;
            return true;
        }
    }

    private static (MonitorInterpreter Monitor, FakeMonitorTarget Target, FakeReplay? Replay) Make(bool? replaying)
    {
        var replay = replaying is { } r ? new FakeReplay(r) : null;
        var target = new FakeMonitorTarget { Replay = replay };
        return (new MonitorInterpreter(target), target, replay);
    }

    [Fact]
    public void Info_replay_says_what_is_going_on()
    {
        Assert.Equal("Record/replay is not active\n", Make(null).Monitor.Execute("info replay"));
        Assert.Equal("Recording execution 'run.rr': instruction count = 1000\n", Make(false).Monitor.Execute("info replay"));
        Assert.Equal("Replaying execution 'run.rr': instruction count = 1000\n", Make(true).Monitor.Execute("info replay"));
        var (monitor, _, replay) = Make(true);
        replay!.ReverseDebugging = "Reverse debugging: 3 checkpoints";
        Assert.Equal("Replaying execution 'run.rr': instruction count = 1000\nReverse debugging: 3 checkpoints\n", monitor.Execute("info replay"));
    }

    [Fact]
    public void Replay_break_sets_and_deletes_a_breakpoint_ahead()
    {
        var (monitor, _, replay) = Make(true);
        Assert.Equal("", monitor.Execute("replay_break 5000"));
        Assert.Equal(5000, replay!.Break);
        Assert.Equal("", monitor.Execute("replay_delete_break"));
        Assert.Null(replay.Break);
        Assert.Equal("replay_break: icount 10 is not ahead of the current one (1000)\n", monitor.Execute("replay_break 10"));
        Assert.Null(replay.Break);
    }

    [Fact]
    public void Replay_seek_runs_forward_to_the_icount_and_back_only_through_snapshots()
    {
        var (monitor, target, replay) = Make(true);
        target.RunState = MonitorRunState.Paused;
        Assert.Equal("", monitor.Execute("replay_seek 0x2000"));
        Assert.Equal(0x2000, replay!.Break);
        Assert.Contains("cont", target.Calls);
        Assert.Equal("Error: no snapshot at or before icount 5\n", monitor.Execute("replay_seek 5"));
    }

    [Fact]
    public void Replay_seek_backwards_goes_through_the_latest_snapshot_then_runs_on()
    {
        var (monitor, target, replay) = Make(true);
        replay!.SnapshotAt = 400;
        target.RunState = MonitorRunState.Paused;
        Assert.Equal("", monitor.Execute("replay_seek 700"));
        Assert.Equal(400, replay.Icount);   // back to the snapshot…
        Assert.Equal(700, replay.Break);    // …then on to the target, where the replay pauses
        Assert.Contains("cont", target.Calls);
        Assert.Equal("", monitor.Execute("replay_seek 400"));
        Assert.Equal(400, replay.Icount);
    }

    [Fact]
    public void Replay_seek_under_reverse_debugging_goes_straight_there_in_either_direction()
    {
        var (monitor, target, replay) = Make(true);
        replay!.SeeksDirectly = true;
        target.RunState = MonitorRunState.Paused;
        Assert.Equal("", monitor.Execute("replay_seek 0x2000"));
        Assert.Equal(0x2000, replay.Icount);
        Assert.Equal("", monitor.Execute("replay_seek 5"));
        Assert.Equal(5, replay.Icount);
        Assert.Null(replay.Break);
        Assert.DoesNotContain("cont", target.Calls);
    }

    [Fact]
    public void Replay_commands_need_a_replay()
    {
        Assert.Equal("replay_break: not replaying a recording\n", Make(false).Monitor.Execute("replay_break 5000"));
        Assert.Equal("replay_seek: not replaying a recording\n", Make(null).Monitor.Execute("replay_seek 5000"));
    }
}
