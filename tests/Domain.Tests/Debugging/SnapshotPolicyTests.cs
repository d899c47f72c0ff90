using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

public sealed class SnapshotPolicyTests
{
    private static SnapshotPolicy Policy(long interval, long budget = long.MaxValue) =>
        new(new SnapshotPolicyOptions(interval, budget));

    [Fact]
    public void Defaults_are_half_a_million_instructions_and_256_MiB()
    {
        var options = new SnapshotPolicy().Options;

        Assert.Equal(500_000, options.Interval);
        Assert.Equal(256L * 1024 * 1024, options.MemoryBudgetBytes);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(10, -1)]
    public void Nonsense_options_are_refused(long interval, long budget)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnapshotPolicy(new SnapshotPolicyOptions(interval, budget)));
    }

    [Fact]
    public void At_the_focus_the_next_checkpoint_is_one_interval_after_the_latest()
    {
        Assert.Equal(1_000, Policy(1_000).NextCheckpointAt(0, [0], focus: 0));
        Assert.Equal(1_000, Policy(1_000).NextCheckpointAt(999, [0], focus: 999));
        Assert.Equal(1_500, Policy(1_000).NextCheckpointAt(700, [0, 500], focus: 700));
    }

    [Fact]
    public void Existing_checkpoints_ahead_count_as_taken()
    {
        // 0 wants one at 10, which exists; 10 wants 20, which exists; 20 wants 30.
        Assert.Equal(30, Policy(10).NextCheckpointAt(5, [0, 10, 20], focus: 5));
        // 0 wants 10; the next existing one (40) lies beyond, so 10 it is.
        Assert.Equal(10, Policy(10).NextCheckpointAt(5, [0, 40], focus: 5));
    }

    [Fact]
    public void A_checkpoint_overdue_is_taken_where_the_run_stands()
    {
        Assert.Equal(5_000, Policy(1_000).NextCheckpointAt(5_000, [0], focus: 5_000));
    }

    [Fact]
    public void Towards_a_far_focus_the_spacing_shrinks_geometrically_down_to_the_interval()
    {
        var policy = Policy(1_000);
        const long focus = 1_000_000;
        var taken = new List<long> { 0 };
        while (true)
        {
            long next = policy.NextCheckpointAt(taken[^1], taken, focus);
            if (next > focus) break;
            taken.Add(next);
        }

        // A quarter of the distance each time: 1e6/4, then 750_000/4 = 187_500, ...
        Assert.Equal(250_000, taken[1]);
        Assert.Equal(437_500, taken[2]);
        Assert.InRange(taken.Count, 10, 40);
        var gaps = taken.Zip(taken.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(gaps.OrderDescending(), gaps);
        Assert.All(gaps.TakeLast(3), gap => Assert.Equal(1_000, gap));
        Assert.InRange(focus - taken[^1], 0, 1_000);
    }

    [Fact]
    public void Within_budget_nothing_is_discarded()
    {
        CheckpointInfo[] checkpoints = [new(0, 100), new(10, 100), new(20, 100)];

        Assert.Empty(Policy(10, budget: 300).SelectDiscards(checkpoints, 300, focus: 20));
    }

    [Fact]
    public void Thinning_ten_thousand_checkpoints_fits_the_budget_keeps_the_start_and_the_interval_near_the_focus()
    {
        const long interval = 1_000, size = 1_024, budget = 100 * size;
        var checkpoints = Enumerable.Range(0, 10_000).Select(k => new CheckpointInfo(k * interval, size)).ToList();
        long focus = checkpoints[^1].Icount;
        var policy = Policy(interval, budget);

        var discards = policy.SelectDiscards(checkpoints, checkpoints.Count * size, focus);
        var kept = checkpoints.Select(c => c.Icount).Except(discards).ToList();

        Assert.InRange(kept.Count * size, 0, budget);
        Assert.Equal(0, kept[0]);
        Assert.Equal(focus, kept[^1]);
        // The last few before the focus are still one interval apart.
        Assert.Equal([focus - 3 * interval, focus - 2 * interval, focus - interval, focus], kept.TakeLast(4));
        // Away from the focus the gaps grow: far ones are many intervals wide.
        var gaps = kept.Zip(kept.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps[1] >= 100 * interval, $"far gap {gaps[1]}");
        Assert.Equal(gaps.OrderDescending(), gaps);
        Assert.Equal(discards, policy.SelectDiscards(checkpoints, checkpoints.Count * size, focus));
    }

    [Fact]
    public void With_the_focus_in_the_middle_both_sides_are_thinned_and_both_keep_checkpoints()
    {
        const long interval = 100, size = 10;
        var checkpoints = Enumerable.Range(0, 1_000).Select(k => new CheckpointInfo(k * interval, size)).ToList();
        const long focus = 50_050;
        var policy = Policy(interval, budget: 40 * size);

        var kept = checkpoints.Select(c => c.Icount).Except(policy.SelectDiscards(checkpoints, 1_000 * size, focus)).ToList();

        Assert.InRange(kept.Count, 1, 40);
        Assert.Contains(0, kept);
        Assert.Contains(50_000, kept); // the latest at or before the focus
        Assert.Contains(50_100, kept);
        Assert.Contains(99_900, kept); // the far end of the later side still covered
        Assert.True(kept.Count(p => p > focus) >= 5, "later side kept");
        Assert.True(kept.Count(p => p < focus) >= 5, "earlier side kept");
    }

    [Fact]
    public void Start_and_the_checkpoint_at_the_focus_are_kept_even_over_budget()
    {
        CheckpointInfo[] checkpoints = [new(0, 100), new(1_000, 100), new(2_000, 100)];

        var discards = Policy(10, budget: 10).SelectDiscards(checkpoints, 300, focus: 2_500);

        Assert.Equal([1_000L], discards);
    }

    [Fact]
    public void Sizes_decide_how_many_go()
    {
        // 400 bytes over a budget of 250: discarding the 20-byte and then others until it fits.
        CheckpointInfo[] checkpoints = [new(0, 100), new(10, 20), new(20, 100), new(30, 80), new(40, 100)];

        var discards = Policy(10, budget: 250).SelectDiscards(checkpoints, 400, focus: 40);

        Assert.InRange(400 - checkpoints.Where(c => discards.Contains(c.Icount)).Sum(c => c.Bytes), 0, 250);
        Assert.DoesNotContain(0L, discards);
        Assert.DoesNotContain(40L, discards);
    }

    [Fact]
    public void Checkpoints_out_of_order_are_refused()
    {
        CheckpointInfo[] checkpoints = [new(0, 1), new(20, 1), new(10, 1)];

        Assert.Throws<ArgumentException>(() => Policy(10, budget: 0).SelectDiscards(checkpoints, 3, focus: 0));
    }
}
