using HexEmu.Domain.Cpu.Decode;

namespace HexEmu.Domain.Cpu;

/// <summary>Why <see cref="Cpu.Run"/> returned.</summary>
public enum RunExit
{
    /// <summary>The instruction budget is used up: Icount is exactly at the requested stop.</summary>
    BudgetReached,
    /// <summary>HLT with nothing to wake the CPU; time may be advanced to the next device event.</summary>
    Halted,
    /// <summary>Something asked the CPU to stop early (a device, the debugger, a shutdown).</summary>
    StopRequested,
    /// <summary>A triple fault: the machine must reset or stop.</summary>
    Shutdown,
    /// <summary>
    /// Many exceptions were delivered without one instruction retiring (a guest whose handlers
    /// fault again, forever). Nothing is wrong with the state: the caller gets its turn to look at
    /// host requests and simply runs again.
    /// </summary>
    Yielded,
    /// <summary>
    /// The debugger's traps stopped the CPU just before an instruction, after the interrupts due
    /// at that boundary were taken; <see cref="Debugging.DebugTraps.Hit"/> says why.
    /// </summary>
    DebugStop,
}

/// <summary>
/// The run loop: blocks are looked up by the physical address of CS:EIP and executed one
/// instruction at a time, each counted as it retires. Interrupts are taken only between
/// blocks; every instruction that can make one deliverable (I/O, STI, POPF, IRET, …) ends its
/// block, and the budget stops exactly at the requested icount, so where interrupts land never
/// depends on how a run is sliced.
/// </summary>
public sealed unsafe partial class Cpu
{
    private const long MaxFaultsWithoutProgress = 100_000;

    private readonly BlockCache _blocks;
    private long _stopAt;
    private bool _stopRequested;
    /// <summary>Set by a handler when the block must end after the current instruction (code written, mode changed).</summary>
    private bool _exitBlock;

    /// <summary>Instructions still allowed in the current run (REP string handlers use it to batch iterations).</summary>
    public long BudgetLeft => _runLimit - Icount;

    /// <summary>Makes <see cref="Run"/> return after the current instruction.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _exitBlock = true;
    }

    /// <summary>Ends the current block after the current instruction (state that decoding depends on changed).</summary>
    public void EndBlock() => _exitBlock = true;

    /// <summary>Runs until <paramref name="maxInstructions"/> more have retired, or an earlier stop.</summary>
    public RunExit Run(long maxInstructions)
    {
        _stopAt = Icount + maxInstructions;
        _runLimit = _stopAt;
        _stopRequested = false;
        _exitBlock = false; // a write to cached code between runs may have left it set
        SetCpl(Cpl);        // in case Cpl was assigned directly: the TLB must use its tags
        // Two compilations of one loop: without traps it does not even test for them.
        return _debugActive ? RunLoop<WithTraps>() : RunLoop<WithoutTraps>();
    }

    /// <summary>Whether the run loop checks the debugger's traps; a type parameter, so each variant is compiled on its own.</summary>
    private interface ITrapMode
    {
        static abstract bool Armed { get; }
    }

    private struct WithTraps : ITrapMode
    {
        public static bool Armed => true;
    }

    private struct WithoutTraps : ITrapMode
    {
        public static bool Armed => false;
    }

    private RunExit RunLoop<TMode>() where TMode : struct, ITrapMode
    {
        long faultsWithoutProgress = 0, icountAtLastFault = -1;
        while (true)
        {
            try
            {
                while (true)
                {
                    if (ShutdownRequested) return RunExit.Shutdown;
                    if (_stopRequested) return RunExit.StopRequested;
                    if (Icount >= _stopAt) return RunExit.BudgetReached;
                    if (TaskSwitchTrapPending)
                    {
                        TaskSwitchTrap(); // a debug trap comes before external interrupts
                        continue;
                    }
                    if (!InterruptShadow && (Eflags & Flags.IF) != 0 && InterruptSource is { HasPendingInterrupt: true } source)
                    {
                        Halted = false;
                        DeliverExternalInterrupt(source.AcknowledgeInterrupt());
                        continue;
                    }
                    if (Halted) return RunExit.Halted;

                    if (TMode.Armed)
                    {
                        // Breakpoints, watch hits and the icount target stop here, before the next instruction.
                        if (!ExecuteWithTraps()) return RunExit.DebugStop;
                        continue;
                    }
                    if (InterruptShadow || (Eflags & Flags.TF) != 0)
                    {
                        ExecuteOneAlone();
                        continue;
                    }
                    ExecuteBlock(LookupBlock(), _stopAt - Icount);
                }
            }
            catch (CpuFault fault)
            {
                _exitBlock = false;
                DeliverFault(fault.Vector, fault.ErrorCode, fault.HasErrorCode);
                // Faults do not retire instructions, so a fault loop would never reach the budget.
                faultsWithoutProgress = Icount == icountAtLastFault ? faultsWithoutProgress + 1 : 0;
                icountAtLastFault = Icount;
                if (faultsWithoutProgress >= MaxFaultsWithoutProgress) return RunExit.Yielded;
            }
        }
    }

    /// <summary>
    /// One instruction alone: after MOV SS / POP SS / STI the interrupt shadow lasts exactly one,
    /// and with TF set a single-step trap follows each instruction.
    /// </summary>
    private void ExecuteOneAlone()
    {
        InterruptShadow = false;
        bool trap = (Eflags & Flags.TF) != 0;
        ExecuteBlock(LookupBlock(), 1);
        if (trap && !ShutdownRequested) SingleStepTrap();
    }

    private Block LookupBlock()
    {
        ref SegmentCache cs = ref Segs[Seg.CS];
        uint linear = cs.Base + Eip;
        uint phys = TranslateFetch(linear);
        bool code32 = cs.Big && (Cr0 & CR0.PE) != 0 && (Eflags & Flags.VM) == 0; // = Code32, without reloading CS
        return _blocks.Get(phys, linear, Eip, code32);
    }

    private void ExecuteBlock(Block block, long budget)
    {
        Insn[] insns = block.Insns;
        int count = insns.Length;
        if (count > budget) count = (int)budget;
        if (_blockTracer is not null) _blockTracer.BlockExecuting(this, block.PhysicalStart, count);
        uint eip = Eip;
        uint csLimit = Segs[Seg.CS].MaxOffset;
        if (eip + block.ByteLength - 1 > csLimit || eip + block.ByteLength < eip)
            count = InstructionsWithinLimit(insns, count, eip, csLimit);
        for (int k = 0; k < count; k++)
        {
            ref Insn insn = ref insns[k];
            uint next = eip + insn.Length;
            Eip = eip;
            NextEip = next;
            insn.Handler(this, ref insn);
            Icount++;
            // A taken branch, or a handler asking to leave (code written, mode changed, interrupt possible).
            if (NextEip != next || _exitBlock)
            {
                Eip = NextEip;
                _exitBlock = false;
                return;
            }
            eip = next;
        }
        Eip = eip;
    }

    /// <summary>
    /// How many of the block's instructions end within the code segment limit; when the first one
    /// does not, fetching it is a #GP(0) (SDM vol. 3, 5.3).
    /// </summary>
    private int InstructionsWithinLimit(Insn[] insns, int count, uint eip, uint csLimit)
    {
        int ok = 0;
        ulong at = eip;
        for (; ok < count; ok++)
        {
            ulong end = at + insns[ok].Length - 1;
            if (end > csLimit) break;
            at = end + 1;
        }
        if (ok == 0) Fault(Vector.GP, 0);
        return ok;
    }

    /// <summary>Called when a physical page gets its first cached block: direct writes to it must stop.</summary>
    internal void OnCodePageCached(uint page)
    {
        Memory.MarkCodePage(page);
        for (uint idx = 0; idx < TlbEntries; idx++)
            if (_tlbPhysPage[idx] == page)
            {
                _supWriteTag[idx] = _userWriteTag[idx] = InvalidTag;
                if (_watchesArmed) _maskedSupWrite[idx] = _maskedUserWrite[idx] = InvalidTag;
            }
    }

    /// <summary>
    /// The guest wrote to a page holding cached code: drop the blocks decoded from the bytes
    /// written, and leave the current block if any was dropped (it may be the current one, whose
    /// later instructions must run as now written: SDM vol. 3, 11.6).
    /// </summary>
    private void OnCodePageWritten(uint phys, uint length)
    {
        if (_blocks.InvalidateRange(phys, length)) _exitBlock = true;
    }

    /// <summary>How many decoded blocks the cache holds (for diagnostics and the benchmark).</summary>
    public int CachedBlockCount => _blocks.Count;

    /// <summary>How many blocks were decoded so far (a diagnostic: a steady loop stops decoding).</summary>
    public long DecodedBlockCount => _blocks.Decoded;

    /// <summary>Drops all decoded code (after loading a state, for instance).</summary>
    public void FlushCodeCache() => _blocks.Clear();
}
