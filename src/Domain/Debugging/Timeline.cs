namespace HexEmu.Domain.Debugging;

/// <summary>
/// Reverse debugging over a replaying machine: positions (icounts), automatic checkpoints, and
/// stepping, continuing and seeking in both directions. Going back means restoring the latest
/// checkpoint before the target and replaying forward to it; reverse-continue scans back segment
/// by segment for the last breakpoint or watchpoint hit before the current position. The
/// <see cref="SnapshotPolicy"/> places and thins the checkpoints so that a reverse step replays
/// at most about one interval. Not thread-safe: the machine's thread drives it; an interrupt is
/// requested through the engine, whose run then ends with <see cref="TimelineStop.Interrupted"/>.
/// </summary>
public sealed partial class Timeline : IDisposable
{
    private readonly IReplayEngine engine;
    private readonly SnapshotPolicy policy;
    private readonly TimelineCheckpoints checkpoints = new();
    private bool disposed;

    /// <summary>Starts a timeline where <paramref name="engine"/> stands: that is the start of history, checkpointed at once and never thinned.</summary>
    public Timeline(IReplayEngine engine, SnapshotPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(policy);
        this.engine = engine;
        this.policy = policy;
        Start = engine.Now;
        TakeCheckpointHere(Start);
    }

    /// <summary>The start of history: going back never passes it.</summary>
    public long Start { get; }

    /// <summary>The current position.</summary>
    public long Now => engine.Now;

    public SnapshotPolicy Policy => policy;

    public int CheckpointCount => checkpoints.Count;

    /// <summary>Memory the checkpoints hold, as the engine measures it.</summary>
    public long CheckpointBytes => engine.CheckpointBytes;

    /// <summary>The checkpoints, ascending by position, with the bytes each added when taken.</summary>
    public IReadOnlyList<CheckpointInfo> Checkpoints => checkpoints.Infos();

    /// <summary>Discards every checkpoint, the start's too, so the engine can reclaim their memory; the timeline is unusable afterwards.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        while (checkpoints.Count > 0)
        {
            var last = checkpoints[checkpoints.Count - 1];
            checkpoints.Remove(last.Icount);
            engine.Discard(last.Id);
        }
    }

    /// <summary>
    /// gdb's stepi: one instruction forward; at the end of the recording
    /// <see cref="TimelineStop.HistoryEnd"/>. An instruction that hits a watchpoint says so
    /// (<see cref="TimelineStop.WatchHit"/>), as a CPU's debug registers would after a step.
    /// </summary>
    public TimelineStop StepForward()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long target = SaturatingIncrement(Now);
        return Forward(RunWithCheckpoints(target, Triggers.AfterStart, target));
    }

    /// <summary>
    /// gdb's continue: forward until a breakpoint (not one at the current position), a watchpoint
    /// hit (stopping just after the accessing instruction), the end of the recording, or
    /// <paramref name="limit"/> (<see cref="TimelineStop.Stepped"/> there). A limit at or before
    /// the current position does nothing.
    /// </summary>
    public TimelineStop Continue(long? limit = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (limit is long l && l <= Now) return new TimelineStop.Stepped(Now);
        return Forward(RunWithCheckpoints(limit ?? long.MaxValue, Triggers.AfterStart, focus: null));
    }

    /// <summary>gdb's reverse-stepi: one instruction back; at the start of history <see cref="TimelineStop.HistoryBegin"/> without moving.</summary>
    public TimelineStop StepBack()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Now <= Start) return new TimelineStop.HistoryBegin(Start);
        return SeekTo(Now - 1);
    }

    /// <summary>
    /// Goes to <paramref name="icount"/> in either direction, ignoring breakpoints. Before the start
    /// of history it goes to the start (<see cref="TimelineStop.HistoryBegin"/>); past the end of
    /// the recording it stops at the end (<see cref="TimelineStop.HistoryEnd"/>).
    /// </summary>
    public TimelineStop SeekTo(long icount)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (icount < Start) return GoToStart();
        var stop = MoveTo(icount);
        return stop is null ? new TimelineStop.Stepped(Now) : Forward(stop);
    }

    private TimelineStop GoToStart()
    {
        if (Now != Start) engine.Restore(checkpoints[0].Id);
        return new TimelineStop.HistoryBegin(Start);
    }

    /// <summary>What a forward run's stop means to the debugger.</summary>
    private TimelineStop Forward(ForwardStop stop) => stop switch
    {
        ForwardStop.LimitReached => new TimelineStop.Stepped(Now),
        ForwardStop.Breakpoint hit => new TimelineStop.Breakpoint(hit.Icount, hit.Address),
        ForwardStop.WatchHit hit => new TimelineStop.WatchHit(hit.TriggerIcount + 1, hit.Watch, hit.AccessAddress, hit.Write),
        ForwardStop.EndOfHistory end => new TimelineStop.HistoryEnd(end.Icount),
        ForwardStop.Interrupted => new TimelineStop.Interrupted(Now),
        _ => throw new InvalidOperationException($"Unknown forward stop {stop}."),
    };

    private static long SaturatingIncrement(long value) => value == long.MaxValue ? value : value + 1;
}
