namespace HexEmu.Domain.Debugging;

/// <summary>
/// Where a <see cref="Timeline"/> operation left the machine and why. <see cref="Icount"/> is the
/// position it stands at (the state just before the instruction with that index executes).
/// </summary>
public abstract record TimelineStop(long Icount)
{
    /// <summary>A step, a seek or a continue with a limit arrived where it was asked to.</summary>
    public sealed record Stepped(long Icount) : TimelineStop(Icount);

    /// <summary>A breakpoint at <paramref name="Address"/>: the instruction there is about to execute.</summary>
    public sealed record Breakpoint(long Icount, uint Address) : TimelineStop(Icount);

    /// <summary>
    /// A watchpoint hit. Going forward the machine stands just after the accessing instruction
    /// (Icount = that instruction + 1, gdb shows the new value); found backwards it stands just
    /// before it (Icount = that instruction, gdb shows the old value and steps to see the new one).
    /// </summary>
    public sealed record WatchHit(long Icount, Watchpoint Watch, uint AccessAddress, bool Write) : TimelineStop(Icount);

    /// <summary>Going backwards reached the start of the recorded history (gdb's "replaylog:begin").</summary>
    public sealed record HistoryBegin(long Icount) : TimelineStop(Icount);

    /// <summary>Going forward reached the end of the recording (gdb's "replaylog:end").</summary>
    public sealed record HistoryEnd(long Icount) : TimelineStop(Icount);

    /// <summary>An interrupt request ended the operation; the machine stands at a valid position.</summary>
    public sealed record Interrupted(long Icount) : TimelineStop(Icount);
}
