namespace HexEmu.Domain.Cpu;

/// <summary>Where an interrupt comes from; decides privilege checks, EXT bits and the return address.</summary>
public enum InterruptKind
{
    /// <summary>A fault or trap raised by the CPU (return address as the fault defines it).</summary>
    Exception,
    /// <summary>A hardware interrupt from the interrupt controller (EXT set in error codes).</summary>
    External,
    /// <summary>INT n, INT3, INTO: the gate's DPL is checked against CPL.</summary>
    Software,
}

/// <summary>
/// Exception and interrupt delivery: real mode through the interrupt vector table, protected and
/// virtual-8086 mode through the IDT (Cpu.ProtectedInterrupts.cs), and the double/triple fault
/// rules for an exception raised while delivering another (SDM vol. 3, 6.15, table 6-5).
/// </summary>
public sealed partial class Cpu
{
    /// <summary>Delivers a fault raised by an instruction, escalating to #DF and then shutdown as the manual says.</summary>
    private void DeliverFault(int vector, uint errorCode, bool hasErrorCode)
    {
        Halted = false;
        _tracer?.ExceptionRaised(-1, vector);
        while (true)
        {
            try
            {
                DeliverInterrupt(vector, errorCode, hasErrorCode, InterruptKind.Exception, Eip);
                return;
            }
            catch (CpuFault second)
            {
                _tracer?.ExceptionRaised(vector, second.Vector);
                if (vector == Vector.DF)
                {
                    ShutdownRequested = true; // triple fault
                    return;
                }
                if (IsDoubleFault(vector, second.Vector))
                {
                    vector = Vector.DF;
                    errorCode = 0;
                    hasErrorCode = true;
                }
                else
                {
                    vector = second.Vector;
                    errorCode = WithExternalBit(second);
                    hasErrorCode = second.HasErrorCode;
                }
            }
        }
    }

    /// <summary>
    /// The error code of a fault raised while delivering an exception or external interrupt, with
    /// EXT (bit 0) set: the event was not caused by the program (SDM vol. 3, 6.13). Page faults
    /// and alignment checks have their own error-code formats.
    /// </summary>
    private static uint WithExternalBit(CpuFault fault) =>
        fault.Vector is Vector.TS or Vector.NP or Vector.SS or Vector.GP ? fault.ErrorCode | 1 : fault.ErrorCode;

    private static bool IsContributory(int v) => v is Vector.DE or Vector.TS or Vector.NP or Vector.SS or Vector.GP;

    /// <summary>Table 6-5: contributory after contributory, or contributory/#PF after #PF, is a double fault.</summary>
    private static bool IsDoubleFault(int first, int second) =>
        (IsContributory(first) && IsContributory(second)) ||
        (first == Vector.PF && (IsContributory(second) || second == Vector.PF));

    /// <summary>A hardware interrupt accepted between instructions.</summary>
    private void DeliverExternalInterrupt(byte vector)
    {
        try
        {
            DeliverInterrupt(vector, 0, false, InterruptKind.External, Eip);
        }
        catch (CpuFault fault)
        {
            DeliverFault(fault.Vector, WithExternalBit(fault), fault.HasErrorCode);
        }
        _exitBlock = false;
    }

    /// <summary>The single-step trap (#DB) taken after an instruction executed with TF set.</summary>
    private void SingleStepTrap() => DebugTrap(1u << 14); // DR6.BS

    /// <summary>The debug trap a task switch into a TSS with its T flag owes.</summary>
    private void TaskSwitchTrap()
    {
        TaskSwitchTrapPending = false;
        DebugTrap(1u << 15); // DR6.BT
    }

    /// <summary>A #DB trap at the current instruction boundary, recording its cause in DR6.</summary>
    private void DebugTrap(uint dr6Cause)
    {
        Dr[6] |= dr6Cause;
        try
        {
            DeliverInterrupt(Vector.DB, 0, false, InterruptKind.Exception, Eip);
        }
        catch (CpuFault fault)
        {
            DeliverFault(fault.Vector, WithExternalBit(fault), fault.HasErrorCode);
        }
        _exitBlock = false;
    }

    /// <summary>
    /// Transfers control to the handler of <paramref name="vector"/>, pushing the return address
    /// <paramref name="returnEip"/>. Used by INT n (with the next instruction's address), by faults
    /// (the faulting instruction's) and by traps (the next one's).
    /// </summary>
    public void DeliverInterrupt(int vector, uint errorCode, bool hasErrorCode, InterruptKind kind, uint returnEip)
    {
        _tracer?.Interrupt(this, vector, errorCode, software: kind == InterruptKind.Software);
        if (ProtectedMode)
            DeliverProtectedMode(vector, errorCode, hasErrorCode, kind, returnEip);
        else
            DeliverRealMode(vector, returnEip);
        Eip = NextEip;
        _exitBlock = true;
    }

    /// <summary>
    /// INT n, INT3 and INTO: a software interrupt, returning to the next instruction. In
    /// protected mode the gate's DPL must be ≥ CPL; in virtual-8086 mode INT n (but not INT3,
    /// opcode CC, nor INTO: pass <paramref name="ioplSensitive"/> false for those) needs IOPL 3,
    /// else #GP(0) (SDM vol. 2, INT n: "IF VM = 1 and IOPL &lt; 3 and INT n").
    /// </summary>
    public void SoftwareInterrupt(int vector, bool ioplSensitive)
    {
        if (ioplSensitive && V86Mode && Iopl < 3) Fault(Vector.GP, 0);
        _tracer?.Interrupt(this, vector, 0, software: true);
        if (ProtectedMode) DeliverProtectedMode(vector, 0, false, InterruptKind.Software, NextEip);
        else DeliverRealMode(vector, NextEip);
        EndBlock();
    }

    /// <summary>IRET / IRETD: return from an interrupt in the current mode.</summary>
    public void InterruptReturn(bool op32)
    {
        if (ProtectedMode) { InterruptReturnProtected(op32); return; }
        PeekInterruptFrame(op32, out uint ip, out ushort cs, out uint flags);
        if (ip > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        SetStackPointer(Gpr[ESP] + (op32 ? 12u : 6u));
        LoadSegmentReal(Seg.CS, cs);
        // Real mode: every flag may change except VM (and the reserved bits).
        uint writable = op32 ? Flags.Implemented & ~Flags.VM : 0xFFFFu & Flags.Implemented;
        Eflags = (Eflags & ~writable) | (flags & writable) | Flags.Reserved1;
        NextEip = ip;
        EndBlock();
    }

    /// <summary>
    /// Reads the frame IRET pops, without popping it: EIP, CS and EFLAGS as words or (with
    /// <paramref name="op32"/>) dwords, the upper half of CS's discarded.
    /// </summary>
    private void PeekInterruptFrame(bool op32, out uint eip, out ushort cs, out uint flags)
    {
        PeekFarPointer(op32, 0, out eip, out cs);
        flags = op32 ? Peek32(8) : Peek16(4);
    }

    /// <summary>
    /// Real mode: FLAGS, CS and IP are pushed, IF, TF and AC cleared, CS:IP loaded from the
    /// vector table at IDTR.base + 4 × vector. A vector beyond the IDT limit is a #GP
    /// (which escalates as usual: the 386 shuts down when it cannot deliver).
    /// </summary>
    private void DeliverRealMode(int vector, uint returnEip)
    {
        uint entry = (uint)vector * 4;
        if (entry + 3 > IdtLimit) Fault(Vector.GP, (uint)vector * 8 + 2);
        uint target = ReadSystem(IdtBase + entry, 4);
        uint sp = Gpr[ESP];
        sp = PushAt16(sp, (ushort)Eflags);
        sp = PushAt16(sp, Segs[Seg.CS].Selector);
        sp = PushAt16(sp, (ushort)returnEip);
        SetStackPointer(sp);
        Eflags &= ~(Flags.IF | Flags.TF | Flags.AC | Flags.RF);
        LoadSegmentReal(Seg.CS, (ushort)(target >> 16));
        NextEip = target & 0xFFFF;
    }
}
