using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

public sealed class TimelineSteppingTests
{
    private static readonly Watchpoint Counter = new(0x5000, 4, WatchKind.Write);

    private static Timeline NewTimeline(FakeTape tape, long interval = 10) =>
        new(tape, new SnapshotPolicy(new SnapshotPolicyOptions(interval, long.MaxValue)));

    [Fact]
    public void Construction_checkpoints_the_start_of_history()
    {
        var tape = new FakeTape(start: 100);
        var timeline = NewTimeline(tape);

        Assert.Equal(100, timeline.Start);
        Assert.Equal(100, timeline.Now);
        Assert.Equal([100L], tape.LivePositions);
        Assert.Equal(1, timeline.CheckpointCount);
        Assert.Equal(1 << 20, timeline.CheckpointBytes);
    }

    [Fact]
    public void A_stepi_over_a_watched_write_reports_the_watchpoint_and_one_onto_a_breakpoint_just_steps()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        tape.WatchTriggers.Add(5, (Counter, 0x5002, true));
        tape.Breakpoints.Add(3, 0x1234);

        Assert.Equal(new TimelineStop.Stepped(1), timeline.StepForward());
        Assert.Equal(new TimelineStop.Stepped(2), timeline.StepForward());
        Assert.Equal(new TimelineStop.Stepped(3), timeline.StepForward()); // landing on it is the step's end
        Assert.Equal(new TimelineStop.Stepped(4), timeline.StepForward()); // leaving it is not a hit
        Assert.Equal(new TimelineStop.Stepped(5), timeline.StepForward());
        Assert.Equal(new TimelineStop.WatchHit(6, Counter, 0x5002, true), timeline.StepForward());
        Assert.Equal(6, tape.Now);
    }

    [Fact]
    public void Stepi_then_reverse_stepi_visits_the_same_positions_backwards()
    {
        var tape = new FakeTape(start: 100);
        var timeline = NewTimeline(tape, interval: 4);

        for (long expected = 101; expected <= 110; expected++)
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepForward());
        for (long expected = 109; expected >= 100; expected--)
        {
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepBack());
            Assert.Equal(expected, tape.Now);
        }
        Assert.Equal(new TimelineStop.HistoryBegin(100), timeline.StepBack());
        for (long expected = 101; expected <= 110; expected++)
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepForward());
    }

    [Fact]
    public void Reverse_stepi_at_the_start_reports_the_beginning_without_moving_or_running()
    {
        var tape = new FakeTape(start: 7);
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.HistoryBegin(7), timeline.StepBack());
        Assert.Equal(7, timeline.Now);
        Assert.Equal(0, tape.RunCalls);
    }

    [Fact]
    public void Forward_motion_at_the_end_of_the_recording_reports_the_end()
    {
        var tape = new FakeTape(start: 0, end: 20);
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.HistoryEnd(20), timeline.Continue());
        Assert.Equal(20, timeline.Now);
        Assert.Equal(new TimelineStop.HistoryEnd(20), timeline.StepForward());
        Assert.Equal(new TimelineStop.HistoryEnd(20), timeline.Continue());
        Assert.Equal(new TimelineStop.HistoryEnd(20), timeline.SeekTo(50));
        Assert.Equal(new TimelineStop.Stepped(19), timeline.StepBack());
        Assert.Equal(new TimelineStop.Stepped(20), timeline.StepForward());
        Assert.Equal(new TimelineStop.HistoryEnd(20), timeline.StepForward());
    }

    [Fact]
    public void Seek_goes_to_exact_positions_in_both_directions()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.Stepped(537), timeline.SeekTo(537));
        Assert.Equal(new TimelineStop.Stepped(12), timeline.SeekTo(12));
        Assert.Equal(12, tape.Now);
        Assert.Equal(new TimelineStop.Stepped(12), timeline.SeekTo(12));
        Assert.Equal(new TimelineStop.Stepped(530), timeline.SeekTo(530));
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.SeekTo(-5));
        Assert.Equal(0, tape.Now);
    }

    [Fact]
    public void Seek_forward_past_a_checkpoint_restores_it_instead_of_replaying_from_here()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape, interval: 100);
        timeline.Continue(limit: 10_000);
        timeline.SeekTo(50);
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.Stepped(9_950), timeline.SeekTo(9_950));
        // The checkpoint at 9_900 (every 100 on the way up) is 50 instructions away.
        Assert.Equal(50, tape.InstructionsRun);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Continue_stops_at_each_breakpoint_after_the_start(bool reportsBreakpointAtLimit)
    {
        var tape = new FakeTape(start: 0, end: 200) { ReportsBreakpointAtLimit = reportsBreakpointAtLimit };
        tape.Breakpoints.Add(0, 0x1000);
        tape.Breakpoints.Add(30, 0x1030); // where the timeline splits its run for a checkpoint
        tape.Breakpoints.Add(75, 0x1075);
        var timeline = NewTimeline(tape, interval: 10);

        Assert.Equal(new TimelineStop.Breakpoint(30, 0x1030), timeline.Continue());
        Assert.Equal(new TimelineStop.Breakpoint(75, 0x1075), timeline.Continue());
        Assert.Equal(new TimelineStop.Stepped(90), timeline.Continue(limit: 90));
        Assert.Equal(new TimelineStop.HistoryEnd(200), timeline.Continue());
    }

    [Fact]
    public void Continue_with_a_limit_not_ahead_does_nothing()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        timeline.SeekTo(40);
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.Stepped(40), timeline.Continue(limit: 40));
        Assert.Equal(new TimelineStop.Stepped(40), timeline.Continue(limit: 3));
        Assert.Equal(0, tape.RunCalls);
    }

    [Fact]
    public void A_watch_hit_going_forward_stops_just_after_the_accessing_instruction()
    {
        var tape = new FakeTape();
        tape.WatchTriggers.Add(40, (Counter, 0x5002, true));
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.WatchHit(41, Counter, 0x5002, true), timeline.Continue());
        Assert.Equal(41, tape.Now);
    }

    [Fact]
    public void A_continue_interrupted_stands_where_the_interrupt_caught_it()
    {
        var tape = new FakeTape { InterruptAfterInstructions = 12_345 };
        var timeline = NewTimeline(tape, interval: 1000);

        Assert.Equal(new TimelineStop.Interrupted(12_345), timeline.Continue());
        Assert.Equal(new TimelineStop.Stepped(12_344), timeline.StepBack());
    }

    [Fact]
    public void The_timelines_checkpoints_are_exactly_those_alive_in_the_engine()
    {
        var tape = new FakeTape { CheckpointSize = position => 1000 + position % 7 };
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 10, MemoryBudgetBytes: 20_000)));

        timeline.Continue(limit: 5_000);
        timeline.SeekTo(1_234);
        timeline.ContinueBack();

        Assert.Equal(tape.LivePositions, timeline.Checkpoints.Select(c => c.Icount));
        Assert.Equal(tape.LivePositions.Sum(p => 1000 + p % 7), timeline.Checkpoints.Sum(c => c.Bytes));
        Assert.Equal(0, timeline.Checkpoints[0].Icount);
    }

    [Fact]
    public void Disposing_discards_every_checkpoint_and_ends_the_timeline()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        timeline.Continue(limit: 100);
        Assert.NotEmpty(tape.LivePositions);

        timeline.Dispose();
        timeline.Dispose();

        Assert.Empty(tape.LivePositions);
        Assert.Equal(0, tape.CheckpointBytes);
        Assert.Throws<ObjectDisposedException>(() => timeline.StepBack());
        Assert.Throws<ObjectDisposedException>(() => timeline.ContinueBack());
    }
}
