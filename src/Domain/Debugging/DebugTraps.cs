using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Debugging;

/// <summary>
/// The debugger's traps on one CPU: breakpoints (linear addresses of instructions), watchpoints
/// (linear ranges of data) and a stop before a given icount. They only decide where
/// <see cref="X86Cpu.Run"/> returns <see cref="HexEmu.Domain.Cpu.RunExit.DebugStop"/>; arming them never
/// changes what the guest computes.
///
/// Every stop is just before an instruction executes, after the interrupts and task-switch
/// traps due at that boundary were delivered (see <see cref="DebugHit"/>):
/// <list type="bullet">
/// <item>a breakpoint at A stops whenever the instruction about to execute is at linear address
/// CS.base + EIP = A — for a REP string instruction before each of its iterations, since each
/// iteration is an instruction of its own on the icount clock (what QEMU's TCG and gdb do);</item>
/// <item>a watchpoint stops after the instruction (or REP iteration) whose data access touched
/// its range; if that instruction faulted, after the fault was delivered (the stop is then at
/// <see cref="DebugHit.WatchHit.TriggerIcount"/> itself, since a faulting instruction does not
/// retire). Accesses made by the CPU itself count (stack pushes of interrupt and exception
/// delivery, descriptor table and TSS reads and the accessed-bit writes to descriptors),
/// instruction fetches, page-table walks, device DMA and debugger peeks and pokes do not;</item>
/// <item><see cref="StopBeforeIcount"/> stops when <see cref="X86Cpu.Icount"/> equals it.</item>
/// </list>
/// When several apply at one position the order is: a watch hit (it belongs to the instruction
/// before), then the icount, then a breakpoint. A stop that was not reported stays due: the
/// icount target stays set and a breakpoint is reported by the next run (unless
/// <see cref="IgnoreBreakpointsAt"/> says otherwise).
///
/// Breakpoints and watchpoints are counted: adding the same one twice needs two removals (gdb may
/// insert a software and a hardware breakpoint at one address).
///
/// Meant to be changed between runs. With nothing armed the CPU runs a loop that does not look
/// at the traps; arming the first one while a run is in progress (from a device callback, say)
/// ends that run with <see cref="HexEmu.Domain.Cpu.RunExit.StopRequested"/> so the next one checks them.
/// </summary>
public sealed class DebugTraps
{
    private readonly X86Cpu _cpu;

    // Breakpoints: sorted distinct addresses with how many times each was added.
    private uint[] _breakpoints = new uint[8];
    private int[] _breakpointCounts = new int[8];
    private int _breakpointCount;

    private readonly List<Watchpoint> _watchpoints = [];
    private bool _breakpointsEnabled = true, _watchpointsEnabled = true;
    // Icounts, or None: plain longs, since the run loop reads them at every block while armed.
    private const long None = long.MinValue;
    private long _stopBeforeIcount = None;
    private long _ignoreBreakpointsAt = None;

    // The first watch hit since the last stop, reported at the next instruction boundary.
    private bool _watchHitPending;
    private Watchpoint _pendingWatch;
    private uint _pendingAddress;
    private bool _pendingWrite;
    private long _pendingTrigger;

    internal DebugTraps(X86Cpu cpu) => _cpu = cpu;

    /// <summary>Why the last <see cref="HexEmu.Domain.Cpu.RunExit.DebugStop"/> happened; null after <see cref="ClearHit"/> (or before any).</summary>
    public DebugHit? Hit { get; private set; }

    /// <summary>Forgets <see cref="Hit"/>.</summary>
    public void ClearHit() => Hit = null;

    /// <summary>
    /// A watch hit happened but was not reported yet: the run ended (budget, stop request) right
    /// after the accessing instruction. The next run reports it before executing anything.
    /// </summary>
    public bool WatchHitPending => _watchHitPending;

    /// <summary>The breakpoint addresses (each once, however many times it was added), ascending.</summary>
    public IReadOnlyList<uint> Breakpoints => _breakpoints.AsSpan(0, _breakpointCount).ToArray();

    /// <summary>The watchpoints, in the order they were added (a watchpoint added twice appears twice).</summary>
    public IReadOnlyList<Watchpoint> Watchpoints => _watchpoints.ToArray();

    /// <summary>Whether breakpoints stop the CPU (they stay set while disarmed). Default true.</summary>
    public bool BreakpointsEnabled
    {
        get => _breakpointsEnabled;
        set
        {
            if (value == _breakpointsEnabled) return;
            _breakpointsEnabled = value;
            Changed(watchesChanged: false);
        }
    }

    /// <summary>
    /// Whether watchpoints stop the CPU (they stay set while disarmed). Default true. Disarming
    /// drops a hit not reported yet (<see cref="WatchHitPending"/>).
    /// </summary>
    public bool WatchpointsEnabled
    {
        get => _watchpointsEnabled;
        set
        {
            if (value == _watchpointsEnabled) return;
            _watchpointsEnabled = value;
            if (!value) _watchHitPending = false;
            Changed(watchesChanged: true);
        }
    }

    /// <summary>
    /// Stop before executing the instruction with this index, i.e. when Icount equals it at an
    /// instruction boundary (after that boundary's interrupts). One-shot: cleared when reported.
    /// A value not above the current icount never stops the CPU. The run is sliced so that
    /// Icount reaches it exactly, even inside a block or a REP instruction. Use a run budget
    /// that goes beyond it: a run whose budget ends exactly there returns BudgetReached before
    /// the boundary's interrupts are taken, and the stop comes with the next run.
    /// </summary>
    public long? StopBeforeIcount
    {
        get => _stopBeforeIcount == None ? null : _stopBeforeIcount;
        set
        {
            _stopBeforeIcount = value ?? None;
            Changed(watchesChanged: false);
        }
    }

    /// <summary>
    /// Resuming from a breakpoint stop (gdb's continue or step while standing on a breakpoint):
    /// a breakpoint due at exactly <paramref name="icount"/> is not reported; the instruction
    /// there executes. Forgotten once the CPU gets past that icount.
    /// </summary>
    public void IgnoreBreakpointsAt(long icount) => _ignoreBreakpointsAt = icount;

    public void AddBreakpoint(uint linear)
    {
        int at = Array.BinarySearch(_breakpoints, 0, _breakpointCount, linear);
        if (at >= 0)
        {
            _breakpointCounts[at]++;
            return;
        }
        at = ~at;
        if (_breakpointCount == _breakpoints.Length)
        {
            Array.Resize(ref _breakpoints, _breakpoints.Length * 2);
            Array.Resize(ref _breakpointCounts, _breakpointCounts.Length * 2);
        }
        Array.Copy(_breakpoints, at, _breakpoints, at + 1, _breakpointCount - at);
        Array.Copy(_breakpointCounts, at, _breakpointCounts, at + 1, _breakpointCount - at);
        _breakpoints[at] = linear;
        _breakpointCounts[at] = 1;
        _breakpointCount++;
        Changed(watchesChanged: false);
    }

    /// <summary>Removes one addition of a breakpoint; false if none is set there.</summary>
    public bool RemoveBreakpoint(uint linear)
    {
        int at = Array.BinarySearch(_breakpoints, 0, _breakpointCount, linear);
        if (at < 0) return false;
        if (--_breakpointCounts[at] > 0) return true;
        Array.Copy(_breakpoints, at + 1, _breakpoints, at, _breakpointCount - at - 1);
        Array.Copy(_breakpointCounts, at + 1, _breakpointCounts, at, _breakpointCount - at - 1);
        _breakpointCount--;
        Changed(watchesChanged: false);
        return true;
    }

    /// <summary>Adds a watchpoint; a zero length is taken as one byte.</summary>
    public void AddWatchpoint(Watchpoint watch)
    {
        if (watch.Length == 0) watch = watch with { Length = 1 };
        _watchpoints.Add(watch);
        Changed(watchesChanged: true);
    }

    /// <summary>Removes one addition of an equal watchpoint; false if there is none.</summary>
    public bool RemoveWatchpoint(Watchpoint watch)
    {
        if (watch.Length == 0) watch = watch with { Length = 1 };
        if (!_watchpoints.Remove(watch)) return false;
        if (_watchHitPending && _pendingWatch == watch && !_watchpoints.Contains(watch)) _watchHitPending = false;
        Changed(watchesChanged: true);
        return true;
    }

    /// <summary>Removes every breakpoint and watchpoint, the icount target, the ignored icount and a pending hit (not <see cref="Hit"/>).</summary>
    public void ClearAll()
    {
        _breakpointCount = 0;
        _watchpoints.Clear();
        _stopBeforeIcount = None;
        _ignoreBreakpointsAt = None;
        _watchHitPending = false;
        Changed(watchesChanged: true);
    }

    // ---- what the CPU asks ----

    /// <summary>Anything can stop the CPU: the run loop then checks each instruction boundary.</summary>
    internal bool Active => BreakpointsArmed || WatchesArmed || _stopBeforeIcount != None || _watchHitPending;

    /// <summary>The icount target, or a value below any icount when there is none.</summary>
    internal long StopTarget => _stopBeforeIcount;

    /// <summary>How many breakpoints stop the CPU (0 while disarmed).</summary>
    internal int ArmedBreakpointCount => _breakpointsEnabled ? _breakpointCount : 0;

    /// <summary>The breakpoint with this index in ascending order (below <see cref="ArmedBreakpointCount"/>).</summary>
    internal uint BreakpointAt(int index) => _breakpoints[index];

    /// <summary>The index of the first armed breakpoint at or above <paramref name="linear"/> (<see cref="ArmedBreakpointCount"/> if none).</summary>
    internal int FirstBreakpointFrom(uint linear)
    {
        uint[] breakpoints = _breakpoints;
        int low = 0, high = ArmedBreakpointCount;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (breakpoints[middle] < linear) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    internal bool BreakpointsArmed => _breakpointsEnabled && _breakpointCount > 0;

    internal bool WatchesArmed => _watchpointsEnabled && _watchpoints.Count > 0;

    /// <summary>
    /// Which accesses to the linear page <paramref name="page"/> must leave the TLB's fast path
    /// so that they are checked: reads (a read or access watch touches the page) and writes (a
    /// write or access watch does).
    /// </summary>
    internal void WatchedAccesses(uint page, out bool reads, out bool writes)
    {
        reads = writes = false;
        foreach (var w in _watchpoints)
        {
            if (!w.Overlaps(page << 12, 0x1000)) continue;
            if (w.Kind != WatchKind.Write) reads = true;
            if (w.Kind != WatchKind.Read) writes = true;
        }
    }

    /// <summary>
    /// A data access of <paramref name="size"/> bytes at <paramref name="linear"/> by the
    /// instruction with index <paramref name="icount"/> (or at that boundary); true when it is the
    /// first to hit a watchpoint since the last stop, so the CPU must stop after it.
    /// </summary>
    internal bool RecordAccess(uint linear, uint size, bool write, long icount)
    {
        if (_watchHitPending) return false;
        foreach (var w in _watchpoints)
        {
            if (!w.Reports(write) || !w.Overlaps(linear, size)) continue;
            _watchHitPending = true;
            _pendingWatch = w;
            _pendingAddress = linear;
            _pendingWrite = write;
            _pendingTrigger = icount;
            return true;
        }
        return false;
    }

    /// <summary>
    /// The check at an instruction boundary, after its interrupts: reports a stop due here
    /// (setting <see cref="Hit"/>) and returns true, or returns false with
    /// <paramref name="resumingOverBreakpoint"/> telling whether the instruction about to run
    /// sits on a breakpoint being resumed over (so it must run alone and the next boundary be
    /// checked), and <paramref name="nextBreakpoint"/> the index of the first armed breakpoint
    /// above <paramref name="linear"/>.
    /// </summary>
    internal bool StopsAt(long icount, uint linear, out bool resumingOverBreakpoint, out int nextBreakpoint)
    {
        resumingOverBreakpoint = false;
        nextBreakpoint = 0;
        if (_watchHitPending)
        {
            _watchHitPending = false;
            Hit = new DebugHit.WatchHit(_pendingWatch, _pendingAddress, _pendingWrite, _pendingTrigger);
            Changed(watchesChanged: false);
            return true;
        }
        if (_stopBeforeIcount == icount)
        {
            _stopBeforeIcount = None;
            Hit = new DebugHit.IcountReached();
            Changed(watchesChanged: false);
            return true;
        }
        if (_ignoreBreakpointsAt != None && _ignoreBreakpointsAt < icount) _ignoreBreakpointsAt = None;
        int next = FirstBreakpointFrom(linear);
        if (next < ArmedBreakpointCount && _breakpoints[next] == linear)
        {
            if (_ignoreBreakpointsAt != icount)
            {
                Hit = new DebugHit.Breakpoint(linear);
                return true;
            }
            resumingOverBreakpoint = true;
            next++;
        }
        nextBreakpoint = next;
        return false;
    }

    /// <summary>A state was loaded or the CPU reset: a hit pending from the old state means nothing now.</summary>
    internal void ForgetPending()
    {
        if (!_watchHitPending) return;
        _watchHitPending = false;
        Changed(watchesChanged: false);
    }

    private void Changed(bool watchesChanged) => _cpu.OnDebugTrapsChanged(watchesChanged);
}
