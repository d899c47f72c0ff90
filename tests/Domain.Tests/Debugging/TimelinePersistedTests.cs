using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// States persisted by an earlier session (<see cref="IReplayEngine.JumpNear"/>): a seek far from
/// every in-memory checkpoint jumps to the nearest one instead of replaying the whole way, leaves a
/// checkpoint where it landed so the next reverse steps are cheap, and never jumps past its target
/// or to a state no nearer than where it would start anyway.
/// </summary>
public sealed class TimelinePersistedTests
{
    private const long Interval = 2_000_000;
    private const long Billion = 1_000_000_000;

    private static Timeline NewTimeline(FakeTape tape) =>
        new(tape, new SnapshotPolicy(new SnapshotPolicyOptions(Interval, 64L << 20)));

    [Fact]
    public void A_far_seek_starts_from_the_nearest_persisted_state_at_or_before_the_target()
    {
        var tape = new FakeTape();
        tape.Persisted.UnionWith([300_000_000, 600_000_000, 900_000_000]);
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.Stepped(700_000_000), timeline.SeekTo(700_000_000));
        Assert.Equal(1, tape.Jumps);
        Assert.InRange(tape.InstructionsRun, 0, 100_000_000);
        Assert.Contains(600_000_000, tape.LivePositions);

        tape.ResetCounters();
        Assert.Equal(new TimelineStop.Stepped(700_000_000 - 1), timeline.StepBack());
        Assert.Equal(0, tape.Jumps);
        Assert.InRange(tape.InstructionsRun, 0, Interval);
    }

    [Fact]
    public void A_persisted_state_exactly_at_the_target_is_used_and_checkpointed_there()
    {
        var tape = new FakeTape();
        tape.Persisted.Add(600_000_000);
        var timeline = NewTimeline(tape);

        Assert.Equal(new TimelineStop.Stepped(600_000_000), timeline.SeekTo(600_000_000));
        Assert.Equal(0, tape.InstructionsRun);
        Assert.Contains(600_000_000, tape.LivePositions);
    }

    [Fact]
    public void No_jump_when_the_persisted_states_lie_after_the_target_or_before_where_the_replay_would_start()
    {
        var tape = new FakeTape();
        tape.Persisted.UnionWith([100_000_000, 900_000_000]);
        var timeline = NewTimeline(tape);
        Assert.Equal(new TimelineStop.Stepped(500_000_000), timeline.Continue(limit: 500_000_000));
        tape.ResetCounters();

        // Forward from 500 M to 800 M: the state at 100 M is behind the start, the one at 900 M past the target.
        Assert.Equal(new TimelineStop.Stepped(800_000_000), timeline.SeekTo(800_000_000));
        Assert.Equal(0, tape.Jumps);
        Assert.Equal(300_000_000, tape.InstructionsRun);
    }

    [Fact]
    public void Going_back_uses_a_persisted_state_when_the_in_memory_checkpoints_were_thinned_far_from_it()
    {
        var tape = new FakeTape();
        var timeline = NewTimeline(tape);
        Assert.Equal(new TimelineStop.Stepped(Billion), timeline.Continue(limit: Billion));
        // The budget kept few checkpoints far from the front; put a persisted state where none is kept.
        var kept = tape.LivePositions;
        long gapStart = kept.Zip(kept.Skip(1)).MaxBy(pair => pair.Second - pair.First).First;
        long persisted = gapStart + 4 * Interval;
        tape.Persisted.Add(persisted);
        tape.ResetCounters();

        Assert.Equal(new TimelineStop.Stepped(persisted + 10), timeline.SeekTo(persisted + 10));
        Assert.Equal(1, tape.Jumps);
        Assert.Equal(10, tape.InstructionsRun);
    }
}
