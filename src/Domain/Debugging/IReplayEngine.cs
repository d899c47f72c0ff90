namespace HexEmu.Domain.Debugging;

/// <summary>
/// What the <see cref="Timeline"/> needs from a replaying machine: where it is, taking and
/// restoring checkpoints, and running forward with the debugger's breakpoints and watchpoints
/// armed. Positions are icounts: the state just before the instruction with that index
/// executes (see <see cref="DebugHit"/>). Implemented over the real machine in Application;
/// a fake tape implements it for the timeline's unit tests.
/// </summary>
public interface IReplayEngine
{
    /// <summary>The current position.</summary>
    long Now { get; }

    /// <summary>Saves the current state; the id is only ever passed back to this engine.</summary>
    CheckpointId TakeCheckpoint();

    /// <summary>Puts the machine back to a checkpoint's state and position.</summary>
    void Restore(CheckpointId checkpoint);

    /// <summary>Forgets a checkpoint (thinned by the policy); its memory may be reclaimed.</summary>
    void Discard(CheckpointId checkpoint);

    /// <summary>Memory the checkpoints hold now, in bytes (what the policy's budget is measured against).</summary>
    long CheckpointBytes { get; }

    /// <summary>
    /// Moves to a state kept outside the timeline (persisted by an earlier session of the same
    /// recording) at a position in (<paramref name="after"/>, <paramref name="atOrBefore"/>], if
    /// the engine has one that saves enough replay to be worth loading; false (nothing changed)
    /// otherwise. <see cref="Now"/> is then that position.
    /// </summary>
    bool JumpNear(long atOrBefore, long after);

    /// <summary>
    /// Runs forward from <see cref="Now"/> until the position <paramref name="limit"/> (> Now), the
    /// first breakpoint or watchpoint hit (as <paramref name="triggers"/> says), the end of the
    /// recording, or an interrupt request. Returns what stopped it; <see cref="Now"/> is then
    /// where it stopped.
    /// </summary>
    ForwardStop RunForward(long limit, Triggers triggers);
}

/// <summary>Which breakpoints and watchpoints stop <see cref="IReplayEngine.RunForward"/>.</summary>
public enum Triggers
{
    /// <summary>None: run to the limit (seeking, stepping).</summary>
    None,
    /// <summary>All, except a breakpoint at the starting position (gdb's continue from a breakpoint it stands on).</summary>
    AfterStart,
    /// <summary>All, a breakpoint at the starting position included (scanning a segment from a checkpoint).</summary>
    IncludingStart,
}

/// <summary>An engine's handle on one of its checkpoints.</summary>
public readonly record struct CheckpointId(int Value);

/// <summary>What ended <see cref="IReplayEngine.RunForward"/>.</summary>
public abstract record ForwardStop
{
    /// <summary>The limit was reached with nothing on the way.</summary>
    public sealed record LimitReached : ForwardStop;

    /// <summary>A breakpoint at <paramref name="Address"/>: the position is the one just before that instruction.</summary>
    public sealed record Breakpoint(long Icount, uint Address) : ForwardStop;

    /// <summary>
    /// The instruction with index <paramref name="TriggerIcount"/> hit <paramref name="Watch"/>;
    /// the engine stands after it, at TriggerIcount + 1.
    /// </summary>
    public sealed record WatchHit(long TriggerIcount, Watchpoint Watch, uint AccessAddress, bool Write) : ForwardStop;

    /// <summary>The recording has nothing after <paramref name="Icount"/> (the engine stands there).</summary>
    public sealed record EndOfHistory(long Icount) : ForwardStop;

    /// <summary>Someone asked the run to stop (gdb's Ctrl-C); the engine stands wherever it got to.</summary>
    public sealed record Interrupted : ForwardStop;
}
