using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>An engine that breaks its contract makes the timeline fail loudly, never loop forever.</summary>
public sealed class TimelineEngineMisuseTests
{
    private sealed class BrokenEngine(Func<long, Triggers, ForwardStop> run) : IReplayEngine
    {
        public long Now => 0;
        public long CheckpointBytes => 0;
        public CheckpointId TakeCheckpoint() => new(1);
        public void Restore(CheckpointId checkpoint) { }
        public void Discard(CheckpointId checkpoint) { }
        public ForwardStop RunForward(long limit, Triggers triggers) => run(limit, triggers);
        public bool JumpNear(long atOrBefore, long after) => false;
    }

    [Fact]
    public void An_engine_claiming_to_reach_its_limit_without_moving_is_reported()
    {
        var timeline = new Timeline(new BrokenEngine((_, _) => new ForwardStop.LimitReached()), new SnapshotPolicy());

        Assert.Throws<InvalidOperationException>(() => timeline.StepForward());
        Assert.Throws<InvalidOperationException>(() => timeline.Continue());
    }

    [Fact]
    public void An_engine_reporting_the_breakpoint_it_was_told_to_run_past_is_reported()
    {
        var timeline = new Timeline(new BrokenEngine((_, _) => new ForwardStop.Breakpoint(0, 0x10)), new SnapshotPolicy());

        Assert.Throws<InvalidOperationException>(() => timeline.Continue());
    }
}
