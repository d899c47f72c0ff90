using System.Runtime.CompilerServices;
using HexEmu.Domain.Cpu.Decode;
using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// The debugger's traps in the run loop (see <see cref="DebugTraps"/> for what they mean). With
/// nothing armed the run loop does not look at them at all (it is compiled twice, with and
/// without traps, see Cpu.Run.cs). Armed, the loop takes its own step
/// (<see cref="ExecuteWithTraps"/>): each block boundary is checked, a stop due there is
/// reported, otherwise the block is cut short so that the next breakpoint, or the icount asked
/// for, falls on a boundary that is checked again. Watch hits
/// are noticed by the memory slow paths (Cpu.DebugTlb.cs keeps watched pages off the fast path)
/// and end the block after the accessing instruction.
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>Breakpoints, watchpoints and the icount stop; always present, inert until something is armed.</summary>
    public DebugTraps Debug { get; }

    /// <summary>Something in <see cref="Debug"/> can stop the CPU: instruction boundaries are checked.</summary>
    private bool _debugActive;

    /// <summary>
    /// The icount the current block may not pass: the run's budget, lowered by the debugger's
    /// icount target and to one instruction when resuming over a breakpoint. REP string
    /// instructions batch their iterations up to it (<see cref="BudgetLeft"/>).
    /// </summary>
    private long _runLimit;

    /// <summary>
    /// Iterations a REP string instruction completed so far in its current handler call: they
    /// have not been added to Icount yet, and a watch hit must name the iteration that accessed.
    /// </summary>
    internal uint RepIterationsDone;

    /// <summary>A watch hit waits to be reported: a REP instruction stops after the current iteration.</summary>
    internal bool WatchHitPending => Debug.WatchHitPending;

    /// <summary>Called by <see cref="DebugTraps"/> whenever what is armed changes.</summary>
    internal void OnDebugTrapsChanged(bool watchesChanged)
    {
        bool wasActive = _debugActive;
        _debugActive = Debug.Active;
        // Armed from inside a run (a device callback, say): the loop without traps is running,
        // so it ends after the current instruction and the caller's next run checks them.
        if (_debugActive && !wasActive) RequestStop();
        bool watches = Debug.WatchesArmed;
        if (watchesChanged || watches != _watchesArmed) RemaskTlb(watches);
        if (!_debugActive) _runLimit = _stopAt;
    }

    /// <summary>
    /// The run loop's step while traps are armed, at an instruction boundary after the
    /// boundary's interrupts: false when the CPU must stop here (<see cref="DebugTraps.Hit"/>
    /// says why); otherwise executes the next block, cut short so that it stops before the next
    /// breakpoint inside it and at the icount target.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ExecuteWithTraps()
    {
        DebugTraps traps = Debug;
        long icount = Icount;
        uint linear = Segs[Seg.CS].Base + Eip;
        if (traps.StopsAt(icount, linear, out bool resumingOverBreakpoint, out int nextBreakpoint)) return false;
        long limit = _stopAt;
        long target = traps.StopTarget;
        if (target > icount && target < limit) limit = target;
        // The instruction under a breakpoint being resumed over runs alone (one iteration if it
        // is a REP string instruction): the next boundary is checked again.
        if (resumingOverBreakpoint) limit = icount + 1;
        _runLimit = limit; // what REP string instructions may batch up to (BudgetLeft)
        if (InterruptShadow || (Eflags & Flags.TF) != 0)
        {
            ExecuteOneAlone();
            return true;
        }
        Block block = LookupBlock();
        long budget = limit - icount;
        if (budget > 1 && nextBreakpoint < traps.ArmedBreakpointCount &&
            traps.BreakpointAt(nextBreakpoint) < (ulong)linear + block.ByteLength)
            budget = Math.Min(budget, InstructionsBeforeBreakpoint(block, linear));
        ExecuteBlock(block, budget);
        return true;
    }

    /// <summary>
    /// How many instructions of <paramref name="block"/>, at <paramref name="linear"/>, come
    /// before the first one (after the first) that sits on a breakpoint; a large number when
    /// none does (a breakpoint inside an instruction).
    /// </summary>
    private long InstructionsBeforeBreakpoint(Block block, uint linear)
    {
        Insn[] insns = block.Insns;
        uint at = linear;
        for (int k = 1; k < insns.Length; k++)
        {
            at += insns[k - 1].Length;
            int index = Debug.FirstBreakpointFrom(at);
            if (index < Debug.ArmedBreakpointCount && Debug.BreakpointAt(index) == at) return k;
        }
        return long.MaxValue;
    }

    /// <summary>A data access that may touch a watchpoint (called only while watchpoints are armed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckWatch(uint linear, int size, bool write)
    {
        // The instruction completes; the block ends after it, and the run loop reports the hit.
        if (Debug.RecordAccess(linear, (uint)size, write, Icount + RepIterationsDone)) _exitBlock = true;
    }
}
