using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

public sealed class TimelineReverseContinueTests
{
    private static readonly Watchpoint Counter = new(0x5000, 4, WatchKind.Write);

    /// <summary>A timeline with a checkpoint every 10 instructions, moved forward to 1000 with nothing armed on the way.</summary>
    private static Timeline At1000(FakeTape tape)
    {
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 10, MemoryBudgetBytes: long.MaxValue)));
        Assert.Equal(new TimelineStop.Stepped(1000), timeline.Continue(limit: 1000));
        return timeline;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Successive_reverse_continues_hit_the_breakpoints_in_reverse_order_then_the_beginning(bool reportsBreakpointAtLimit)
    {
        var tape = new FakeTape { ReportsBreakpointAtLimit = reportsBreakpointAtLimit };
        var timeline = At1000(tape);
        tape.Breakpoints.Add(123, 0x123);
        tape.Breakpoints.Add(456, 0x456);

        Assert.Equal(new TimelineStop.Breakpoint(456, 0x456), timeline.ContinueBack());
        Assert.Equal(456, tape.Now);
        Assert.Equal(new TimelineStop.Breakpoint(123, 0x123), timeline.ContinueBack());
        Assert.Equal(123, tape.Now);
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
        Assert.Equal(0, tape.Now);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_breakpoint_exactly_at_a_checkpoint_is_found(bool reportsBreakpointAtLimit)
    {
        var tape = new FakeTape { ReportsBreakpointAtLimit = reportsBreakpointAtLimit };
        var timeline = At1000(tape);
        Assert.Contains(500, tape.LivePositions);
        tape.Breakpoints.Add(500, 0x500);

        Assert.Equal(new TimelineStop.Breakpoint(500, 0x500), timeline.ContinueBack());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_breakpoint_just_before_now_is_found_and_the_one_at_now_is_not(bool reportsBreakpointAtLimit)
    {
        var tape = new FakeTape { ReportsBreakpointAtLimit = reportsBreakpointAtLimit };
        var timeline = At1000(tape);
        tape.Breakpoints.Add(999, 0x999);
        tape.Breakpoints.Add(1000, 0x1000);

        Assert.Equal(new TimelineStop.Breakpoint(999, 0x999), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }

    [Fact]
    public void A_breakpoint_at_now_alone_is_not_a_hit()
    {
        var tape = new FakeTape { ReportsBreakpointAtLimit = true };
        var timeline = At1000(tape);
        tape.Breakpoints.Add(1000, 0x1000);

        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }

    [Fact]
    public void With_no_hit_it_goes_to_the_start_of_history()
    {
        var tape = new FakeTape(start: 40);
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 10)));
        timeline.Continue(limit: 1000);
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.HistoryBegin(40), timeline.ContinueBack());
        Assert.Equal(40, tape.Now);
        Assert.Equal(960, tape.InstructionsRun); // every instruction scanned once, the start restored
    }

    [Fact]
    public void Reverse_continue_at_the_start_reports_the_beginning()
    {
        var tape = new FakeTape(start: 40);
        var timeline = new Timeline(tape, new SnapshotPolicy());

        Assert.Equal(new TimelineStop.HistoryBegin(40), timeline.ContinueBack());
        Assert.Equal(0, tape.RunCalls);
    }

    [Fact]
    public void A_watch_hit_found_backwards_stops_before_the_accessing_instruction_and_forward_after_it()
    {
        var tape = new FakeTape();
        var timeline = At1000(tape);
        tape.WatchTriggers.Add(700, (Counter, 0x5000, true));

        Assert.Equal(new TimelineStop.WatchHit(700, Counter, 0x5000, true), timeline.ContinueBack());
        Assert.Equal(700, tape.Now);
        Assert.Equal(new TimelineStop.WatchHit(701, Counter, 0x5000, true), timeline.Continue());
        Assert.Equal(701, tape.Now);
        // Standing just after the access, going back finds that same access.
        Assert.Equal(new TimelineStop.WatchHit(700, Counter, 0x5000, true), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }

    [Fact]
    public void A_watch_hit_by_the_last_instruction_of_a_segment_is_found()
    {
        var tape = new FakeTape();
        var timeline = At1000(tape);
        // Instruction 999 ends the first segment scanned, [990, 1000); 509 ends [500, 510).
        tape.WatchTriggers.Add(999, (Counter, 0x5001, false));
        tape.WatchTriggers.Add(509, (Counter, 0x5003, true));

        Assert.Equal(new TimelineStop.WatchHit(999, Counter, 0x5001, false), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.WatchHit(509, Counter, 0x5003, true), timeline.ContinueBack());
    }

    [Fact]
    public void Breakpoints_and_watch_hits_are_found_in_reverse_order_of_time()
    {
        var tape = new FakeTape();
        var timeline = At1000(tape);
        tape.Breakpoints.Add(300, 0x300);
        tape.Breakpoints.Add(305, 0x305);
        tape.WatchTriggers.Add(302, (Counter, 0x5000, true));
        tape.WatchTriggers.Add(600, (Counter, 0x5000, true));

        Assert.Equal(new TimelineStop.WatchHit(600, Counter, 0x5000, true), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(305, 0x305), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.WatchHit(302, Counter, 0x5000, true), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(300, 0x300), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }

    [Fact]
    public void Several_hits_in_one_segment_stop_at_the_last()
    {
        var tape = new FakeTape();
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 1000)));
        timeline.Continue(limit: 1000);
        foreach (long p in new long[] { 0, 10, 11, 12, 500 }) tape.Breakpoints.Add(p, (uint)p);

        Assert.Equal(new TimelineStop.Breakpoint(500, 500), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(12, 12), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(11, 11), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(10, 10), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.Breakpoint(0, 0), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }

    [Fact]
    public void An_interrupt_mid_scan_ends_it_where_the_engine_stands()
    {
        var tape = new FakeTape();
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 1000)));
        timeline.Continue(limit: 100_000);
        tape.Breakpoints.Add(50, 0x50);
        tape.ResetCounters();
        // The scan replays [99000, 100000) and [98000, 99000), then is caught 500 into [97000, 98000).
        tape.InterruptAfterInstructions = 2_500;

        Assert.Equal(new TimelineStop.Interrupted(97_500), timeline.ContinueBack());
        Assert.Equal(97_500, tape.Now);
        Assert.Equal(new TimelineStop.Stepped(97_499), timeline.StepBack());
        Assert.Equal(new TimelineStop.Breakpoint(50, 0x50), timeline.ContinueBack());
    }

    [Fact]
    public void An_interrupt_before_the_scan_runs_stops_at_the_restored_checkpoint()
    {
        var tape = new FakeTape();
        var timeline = new Timeline(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 1000)));
        timeline.Continue(limit: 100_000);
        tape.InterruptRequested = true;

        Assert.Equal(new TimelineStop.Interrupted(99_000), timeline.ContinueBack());
        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
    }
}
