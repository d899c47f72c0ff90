namespace HexEmu.Domain.Debugging;

public sealed partial class Timeline
{
    /// <summary>
    /// Moves to <paramref name="target"/> without triggers: from the current position when no
    /// checkpoint lies between it and the target, else from the latest checkpoint at or before
    /// the target — or from a persisted one nearer still (<see cref="IReplayEngine.JumpNear"/>). Null when it arrived; otherwise what stopped it (end of history, interrupt).
    /// </summary>
    private ForwardStop? MoveTo(long target)
    {
        var checkpoint = checkpoints[checkpoints.LastAtOrBelow(target)];
        bool fromHere = target >= Now && checkpoint.Icount <= Now;
        // A state an earlier session persisted nearer the target beats replaying all the way.
        if (engine.JumpNear(target, fromHere ? Now : checkpoint.Icount))
        {
            if (!checkpoints.Contains(Now)) TakeCheckpointHere(target);
        }
        else if (!fromHere) engine.Restore(checkpoint.Id);
        if (Now == target) return null;
        // Whoever goes somewhere far from every checkpoint is likely to step back from there next
        // (reverse-stepi after reverse-continue, gdb's reverse-next): one checkpoint a little short
        // of the target makes those steps cost a little replay instead of the whole way again.
        long near = target - NearTargetDistance;
        if (near > Now && !checkpoints.Contains(near))
        {
            var early = RunWithCheckpoints(near, Triggers.None, target);
            if (early is not ForwardStop.LimitReached) return early;
            if (!checkpoints.Contains(Now)) TakeCheckpointHere(target);
        }
        var stop = RunWithCheckpoints(target, Triggers.None, target);
        return stop is ForwardStop.LimitReached ? null : stop;
    }

    /// <summary>How far short of a far target <see cref="MoveTo"/> leaves a checkpoint: a sixteenth of the interval.</summary>
    private long NearTargetDistance => Math.Max(1, policy.Options.Interval / 16);

    /// <summary>
    /// Runs forward to <paramref name="limit"/> like <see cref="IReplayEngine.RunForward"/>, split at
    /// the positions where the policy wants checkpoints, which it takes there. A run split at a
    /// checkpoint resumes with the breakpoint at its new start armed, so splitting never hides a
    /// hit. <paramref name="focus"/> is where the motion is going; null for the moving front (a
    /// continue or a scan, whose end is not known).
    /// </summary>
    private ForwardStop RunWithCheckpoints(long limit, Triggers triggers, long? focus)
    {
        var armed = triggers;
        while (true)
        {
            long from = Now;
            if (from >= limit) return new ForwardStop.LimitReached();
            long checkpointAt = policy.NextCheckpointAt(from, checkpoints.Positions, focus ?? from);
            if (checkpointAt <= from)
            {
                if (!checkpoints.Contains(from))
                {
                    TakeCheckpointHere(focus ?? from);
                    continue;
                }
                checkpointAt = from + policy.Options.Interval;
            }
            var stop = engine.RunForward(Math.Min(limit, checkpointAt), armed);
            if (stop is ForwardStop.Breakpoint hit && hit.Icount == from && armed == Triggers.AfterStart)
                throw new InvalidOperationException($"The replay engine reported the breakpoint at the start position {from} although asked to run past it.");
            if (stop is not ForwardStop.LimitReached) return stop;
            long now = Now;
            if (now <= from) throw new InvalidOperationException($"The replay engine reported reaching its limit but stayed at {now}.");
            if (now == checkpointAt && !checkpoints.Contains(now)) TakeCheckpointHere(focus ?? now);
            if (now >= limit) return stop;
            if (armed != Triggers.None) armed = Triggers.IncludingStart;
        }
    }

    /// <summary>Takes a checkpoint where the engine stands, then thins the checkpoints to the budget around <paramref name="focus"/>.</summary>
    private void TakeCheckpointHere(long focus)
    {
        long before = engine.CheckpointBytes;
        var id = engine.TakeCheckpoint();
        long bytes = Math.Max(0, engine.CheckpointBytes - before);
        checkpoints.Add(new TimelineCheckpoints.Entry(Now, id, bytes));
        Thin(focus);
    }

    /// <summary>
    /// Discards what the policy chooses until the engine's measured total fits the budget. The
    /// measure is taken again after each round because discarding one incremental checkpoint may
    /// free less (or more) than it added.
    /// </summary>
    private void Thin(long focus)
    {
        while (true)
        {
            var discards = policy.SelectDiscards(checkpoints.Infos(), engine.CheckpointBytes, focus);
            bool discarded = false;
            foreach (long icount in discards)
            {
                if (icount == Start) continue;
                if (checkpoints.Remove(icount) is { } entry)
                {
                    engine.Discard(entry.Id);
                    discarded = true;
                }
            }
            if (!discarded) return;
        }
    }
}
