namespace HexEmu.Domain.Debugging;

/// <summary>
/// Decides where the <see cref="Timeline"/> takes automatic checkpoints and which it thins, as a
/// pure function of positions, sizes and the focus (where the user stands or the timeline is
/// going). The shape it aims for: checkpoints every <see cref="SnapshotPolicyOptions.Interval"/>
/// near the focus, spacing growing geometrically with the distance from it, the start of history
/// always kept. A reverse step from the focus then replays at most about one interval, a scan
/// back over any span replays that span once, and the memory stays within the budget.
/// </summary>
public sealed class SnapshotPolicy
{
    /// <summary>
    /// Far from the focus the wanted spacing is the distance divided by this: the checkpoints
    /// towards a far focus get closer by a factor 3/4 each, so covering a distance D takes about
    /// 3.5·ln(D / Interval) checkpoints.
    /// </summary>
    public const long SpacingDivisor = 4;

    public SnapshotPolicy() : this(new SnapshotPolicyOptions())
    {
    }

    public SnapshotPolicy(SnapshotPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Interval, 1, nameof(options.Interval));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MemoryBudgetBytes, nameof(options.MemoryBudgetBytes));
        Options = options;
    }

    public SnapshotPolicyOptions Options { get; }

    /// <summary>The spacing wanted between checkpoints at <paramref name="distance"/> instructions from the focus.</summary>
    public long SpacingAt(long distance) => Math.Max(Options.Interval, distance / SpacingDivisor);

    /// <summary>
    /// Where the next checkpoint should be taken when moving forward from <paramref name="from"/>:
    /// a position after <paramref name="from"/>, or <paramref name="from"/> itself when one is due
    /// already (the latest checkpoint lies too far behind). Existing checkpoints ahead count as
    /// taken. <paramref name="checkpoints"/> are the existing positions in ascending order.
    /// </summary>
    public long NextCheckpointAt(long from, IReadOnlyList<long> checkpoints, long focus)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        int index = LastAtOrBelow(checkpoints, from);
        if (index < 0) return from;
        long anchor = checkpoints[index];
        while (true)
        {
            long candidate = SaturatingAdd(anchor, SpacingAt(Distance(anchor, focus)));
            if (index + 1 < checkpoints.Count && checkpoints[index + 1] <= candidate)
            {
                index++;
                anchor = checkpoints[index];
                continue;
            }
            return Math.Max(candidate, from);
        }
    }

    /// <summary>
    /// Which checkpoints (by position) to discard so that <paramref name="totalBytes"/> less their
    /// sizes fits the budget; none when it fits already. The first checkpoint (the start of
    /// history) and the latest one at or before <paramref name="focus"/> are never chosen, so the
    /// budget is exceeded by at most that one checkpoint. Greedily drops the checkpoint whose
    /// removal leaves the smallest gap relative to its distance from the focus, which keeps the
    /// interval spacing near the focus and lets the spacing grow geometrically away from it.
    /// Deterministic: ties go to the farther, then the earlier checkpoint.
    /// </summary>
    public IReadOnlyList<long> SelectDiscards(IReadOnlyList<CheckpointInfo> checkpoints, long totalBytes, long focus)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        for (int i = 1; i < checkpoints.Count; i++)
        {
            if (checkpoints[i].Icount <= checkpoints[i - 1].Icount)
                throw new ArgumentException("Checkpoints must be in strictly ascending order of position.", nameof(checkpoints));
        }
        if (totalBytes <= Options.MemoryBudgetBytes || checkpoints.Count <= 1) return [];
        return new Thinning(this, checkpoints, focus).Select(totalBytes);
    }

    internal static long Distance(long a, long b) => a >= b ? a - b : b - a;

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static int LastAtOrBelow(IReadOnlyList<long> sorted, long position)
    {
        int lo = 0, hi = sorted.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (sorted[mid] <= position) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>The greedy thinning over a doubly linked list of the checkpoints, cheapest removal first.</summary>
    private sealed class Thinning : IComparer<int>
    {
        private readonly SnapshotPolicy policy;
        private readonly IReadOnlyList<CheckpointInfo> checkpoints;
        private readonly long focus;
        private readonly int[] previous;
        private readonly int[] next;
        private readonly double[] score;
        private readonly bool[] queued;
        private readonly SortedSet<int> queue;

        public Thinning(SnapshotPolicy policy, IReadOnlyList<CheckpointInfo> checkpoints, long focus)
        {
            this.policy = policy;
            this.checkpoints = checkpoints;
            this.focus = focus;
            int count = checkpoints.Count;
            previous = new int[count];
            next = new int[count];
            score = new double[count];
            queued = new bool[count];
            queue = new SortedSet<int>(this);
            int keeper = 0;
            for (int i = 0; i < count; i++)
            {
                previous[i] = i - 1;
                next[i] = i + 1 < count ? i + 1 : -1;
                if (checkpoints[i].Icount <= focus) keeper = i;
            }
            for (int i = 1; i < count; i++)
            {
                if (i == keeper) continue;
                score[i] = Score(i);
                queued[i] = queue.Add(i);
            }
        }

        public List<long> Select(long totalBytes)
        {
            var discards = new List<long>();
            long remaining = totalBytes;
            while (remaining > policy.Options.MemoryBudgetBytes && queue.Count > 0)
            {
                int victim = queue.Min;
                queue.Remove(victim);
                queued[victim] = false;
                discards.Add(checkpoints[victim].Icount);
                remaining -= checkpoints[victim].Bytes;
                int before = previous[victim], after = next[victim];
                next[before] = after;
                if (after >= 0) previous[after] = before;
                Rescore(before);
                Rescore(after);
            }
            discards.Sort();
            return discards;
        }

        public int Compare(int x, int y)
        {
            int byScore = score[x].CompareTo(score[y]);
            if (byScore != 0) return byScore;
            int byDistance = Distance(checkpoints[y].Icount, focus).CompareTo(Distance(checkpoints[x].Icount, focus));
            return byDistance != 0 ? byDistance : checkpoints[x].Icount.CompareTo(checkpoints[y].Icount);
        }

        private void Rescore(int i)
        {
            if (i < 0 || !queued[i]) return;
            queue.Remove(i);
            score[i] = Score(i);
            queue.Add(i);
        }

        /// <summary>The gap left by removing checkpoint i, relative to the spacing it may have at its distance from the focus.</summary>
        private double Score(int i)
        {
            long position = checkpoints[i].Icount;
            long left = checkpoints[previous[i]].Icount;
            // The last checkpoint has no right neighbour. Below the focus it covers up to the focus.
            // Past the focus it is all that covers the far side, so it counts as if its right
            // neighbour stood at twice its distance from the focus: otherwise the far side would
            // be peeled from its end instead of thinned to a geometric spacing.
            double gap = next[i] >= 0 ? (double)checkpoints[next[i]].Icount - left
                : position < focus ? (double)focus - left
                : (double)position - left + ((double)position - focus);
            return gap / Math.Max(policy.Options.Interval, Distance(position, focus));
        }
    }
}
