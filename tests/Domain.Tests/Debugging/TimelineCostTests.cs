using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// What going back costs, counted in instructions replayed by the fake tape: a reverse step is
/// bounded by the checkpoint interval at any depth, a reverse-continue over a span by about the
/// span, and the checkpoints stay within the memory budget (plus at most one checkpoint).
/// </summary>
public sealed class TimelineCostTests
{
    private const long Interval = 2_000_000;
    private const long Billion = 1_000_000_000;
    private const long CheckpointSize = 1 << 20;
    private const long Budget = 64 * CheckpointSize;

    private static Timeline NewTimeline(FakeTape tape) =>
        new(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval, Budget)));

    private static void AssertWithinBudget(Timeline timeline, FakeTape tape)
    {
        Assert.InRange(tape.CheckpointBytes, 0, Budget + CheckpointSize);
        Assert.Equal(tape.CheckpointBytes, timeline.CheckpointBytes);
        Assert.Equal(0, timeline.Checkpoints[0].Icount);
    }

    [Fact]
    public void Reverse_stepi_after_a_billion_instructions_replays_at_most_one_interval()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        Assert.Equal(new TimelineStop.Stepped(Billion), timeline.Continue(limit: Billion));
        AssertWithinBudget(timeline, tape);

        for (long expected = Billion - 1; expected >= Billion - 20; expected--)
        {
            tape.ResetCounters();
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepBack());
            Assert.InRange(tape.InstructionsRun, 0, Interval);
        }
        AssertWithinBudget(timeline, tape);
    }

    [Fact]
    public void Reverse_continue_over_a_billion_instructions_with_no_hit_replays_them_about_once()
    {
        var tape = new FakeTape(end: Billion);
        var timeline = NewTimeline(tape);
        Assert.Equal(new TimelineStop.HistoryEnd(Billion), timeline.Continue());
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.HistoryBegin(0), timeline.ContinueBack());
        // Every instruction must be looked at once for a hit; 1.5 times is the target.
        Assert.InRange(tape.InstructionsRun, Billion, Billion * 3 / 2);
        AssertWithinBudget(timeline, tape);
    }

    [Fact]
    public void Reverse_continue_to_a_hit_far_back_costs_about_the_span_and_leaves_cheap_reverse_steps()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        timeline.Continue(limit: Billion);
        tape.Breakpoints.Add(123_456_789, 0xC0DE);
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.Breakpoint(123_456_789, 0xC0DE), timeline.ContinueBack());
        Assert.InRange(tape.InstructionsRun, 0, (Billion - 123_456_789) * 3 / 2);
        AssertWithinBudget(timeline, tape);

        // The seek to the hit left a checkpoint a sixteenth of an interval short of it.
        for (long expected = 123_456_788; expected >= 123_456_780; expected--)
        {
            tape.ResetCounters();
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepBack());
            Assert.InRange(tape.InstructionsRun, 0, Interval / 16);
        }
    }

    [Fact]
    public void Reverse_stepi_after_a_long_seek_back_replays_at_most_one_interval()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        timeline.Continue(limit: Billion);
        Assert.Equal(new TimelineStop.Stepped(300_000_001), timeline.SeekTo(300_000_001));

        for (long expected = 300_000_000; expected > 300_000_000 - 10; expected--)
        {
            tape.ResetCounters();
            Assert.Equal(new TimelineStop.Stepped(expected), timeline.StepBack());
            Assert.InRange(tape.InstructionsRun, 0, Interval / 16); // from the checkpoint the seek left near its target
        }
        AssertWithinBudget(timeline, tape);
    }

    [Fact]
    public void Alternating_far_seeks_stay_within_the_budget()
    {
        var tape = new FakeTape { CheckpointSize = position => CheckpointSize / 2 + position % (CheckpointSize / 2) };
        var timeline = NewTimeline(tape);
        for (int round = 0; round < 10; round++)
        {
            timeline.SeekTo(Billion - round * 7_000_003L);
            AssertWithinBudget(timeline, tape);
            timeline.SeekTo(round * 50_000_017L);
            AssertWithinBudget(timeline, tape);
        }
        Assert.Equal(tape.LivePositions, timeline.Checkpoints.Select(c => c.Icount));
    }
}
