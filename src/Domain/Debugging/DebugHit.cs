namespace HexEmu.Domain.Debugging;

/// <summary>
/// Why the CPU stopped for the debugger (<see cref="Cpu.RunExit.DebugStop"/>). Every debugger stop
/// is just before an instruction executes, after the interrupts due at that boundary were
/// taken, so an icount alone names a stop position and two runs to it see the same state.
/// </summary>
public abstract record DebugHit
{
    /// <summary>The instruction at <paramref name="Address"/> (linear) is about to execute and a breakpoint is set there.</summary>
    public sealed record Breakpoint(uint Address) : DebugHit;

    /// <summary>
    /// The instruction with index <paramref name="TriggerIcount"/> accessed a watched range
    /// (<paramref name="Watch"/>); the CPU stopped after it, before the next instruction.
    /// <paramref name="AccessAddress"/> is the first byte of the access that hit.
    /// </summary>
    public sealed record WatchHit(Watchpoint Watch, uint AccessAddress, bool Write, long TriggerIcount) : DebugHit;

    /// <summary>The instruction with the requested index is about to execute (<see cref="DebugTraps.StopBeforeIcount"/>).</summary>
    public sealed record IcountReached : DebugHit;
}
