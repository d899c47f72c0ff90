namespace HexEmu.Domain.Cpu;

/// <summary>
/// IRET in protected and virtual-8086 mode (SDM vol. 2, IRET pseudo-code; vol. 3, 20.2.7): a
/// return from a nested task, into or within virtual-8086 mode, or to the same or an outer
/// privilege level. Every check is made before anything changes.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>
    /// IRET in protected mode: a return from a nested task when NT is set, into virtual-8086
    /// mode when the popped EFLAGS has VM (CPL 0, 32-bit only), to the same or an outer
    /// privilege level otherwise; in virtual-8086 mode itself, IOPL 3 makes it a real-mode style
    /// return and anything less a #GP(0) to the monitor.
    /// </summary>
    private void InterruptReturnProtected(bool op32)
    {
        if (V86Mode) { InterruptReturnFromV86(op32); return; }
        if ((Eflags & Flags.NT) != 0)
        {
            ushort backLink = (ushort)ReadSystem(Tr.Base, 2);
            TaskSwitch(backLink, TaskSwitchSource.Iret);
            EndBlock();
            return;
        }
        PeekInterruptFrame(op32, out uint eip, out ushort cs, out uint flags);
        _tracer?.FarReturn(this, cs, eip, op32, 0);
        if (op32 && (flags & Flags.VM) != 0 && Cpl == 0)
        {
            ReturnToV86(eip, cs, flags);
            return;
        }
        ReturnToProtected(op32, eip, cs, flags);
        EndBlock();
    }

    /// <summary>IRET executed in virtual-8086 mode: IOPL-sensitive; VM and IOPL keep their values (SDM vol. 3, 20.2.7).</summary>
    private void InterruptReturnFromV86(bool op32)
    {
        if (Iopl < 3) Fault(Vector.GP, 0);
        PeekInterruptFrame(op32, out uint eip, out ushort cs, out uint flags);
        if (eip > 0xFFFF) Fault(Vector.GP, 0);
        SetStackPointer(Gpr[ESP] + (op32 ? 12u : 6u));
        LoadSegmentReal(Seg.CS, cs);
        uint writable = Flags.Implemented & ~(Flags.VM | Flags.IOPL) & (op32 ? 0xFFFF_FFFFu : 0xFFFFu);
        Eflags = (Eflags & ~writable) | (flags & writable) | Flags.Reserved1;
        NextEip = eip;
        EndBlock();
    }

    /// <summary>
    /// RETURN-TO-VIRTUAL-8086-MODE: the 32-bit frame continues with ESP, SS, ES, DS, FS and GS;
    /// every EFLAGS bit is taken from the image and CPL becomes 3.
    /// </summary>
    private void ReturnToV86(uint eip, ushort cs, uint flags)
    {
        uint esp = Peek32(12);
        ushort ss = (ushort)Peek32(16);
        ushort es = (ushort)Peek32(20);
        ushort ds = (ushort)Peek32(24);
        ushort fs = (ushort)Peek32(28);
        ushort gs = (ushort)Peek32(32);
        if ((eip & 0xFFFF_0000) != 0) Fault(Vector.GP, 0);
        Eflags = (flags & Flags.Implemented) | Flags.Reserved1;
        LoadSegmentReal(Seg.ES, es);
        LoadSegmentReal(Seg.DS, ds);
        LoadSegmentReal(Seg.FS, fs);
        LoadSegmentReal(Seg.GS, gs);
        LoadSegmentReal(Seg.SS, ss);
        LoadSegmentReal(Seg.CS, cs); // sets CPL 3
        Gpr[ESP] = esp;
        NextEip = eip;
        EndBlock();
    }

    /// <summary>Protected-mode return to the same or an outer privilege level (SDM vol. 2, IRET: PROTECTED-MODE-RETURN).</summary>
    private void ReturnToProtected(bool op32, uint eip, ushort cs, uint flags)
    {
        var code = ReadCodeSegmentForRpl(cs, Vector.GP, Cpl, out uint codeAddress);
        int rpl = cs & 3;
        if (!op32) eip &= 0xFFFF;
        uint newFlags = ReturnedFlags(op32, flags);
        if (rpl == Cpl)
        {
            if (eip > code.Limit) Fault(Vector.GP, 0);
            LoadCodeSegment(cs, code, codeAddress, Cpl);
            SetStackPointer(Gpr[ESP] + (op32 ? 12u : 6u));
            Eflags = newFlags;
            NextEip = eip;
            return;
        }

        // RETURN-TO-OUTER-PRIVILEGE-LEVEL: SS:ESP follow in the frame. IRET compares the SS
        // selector's RPL with the return CS's before reading the SS descriptor (SDM vol. 2, IRET).
        PeekFarPointer(op32, op32 ? 12u : 6u, out uint esp, out ushort ss);
        if ((ss & 0xFFFC) != 0 && (ss & 3) != rpl) FaultSelector(Vector.GP, ss);
        var stack = ReadStackSegment(ss, rpl, Vector.GP, out uint stackAddress);
        if (eip > code.Limit) Fault(Vector.GP, 0);

        LoadOuterLevelSegments(cs, code, codeAddress, ss, stack, stackAddress);
        SetStackPointer(op32 ? esp : esp & 0xFFFF);
        Eflags = newFlags;
        NextEip = eip;
    }

    /// <summary>
    /// EFLAGS after a protected-mode IRET that stays out of V86 mode: IOPL changes only at CPL 0,
    /// IF only when CPL ≤ IOPL, VM never (the 16-bit form changes only the low word).
    /// Evaluated with the CPL before the return.
    /// </summary>
    private uint ReturnedFlags(bool op32, uint image)
    {
        uint writable = Flags.Implemented & ~Flags.VM;
        if (!op32) writable &= 0xFFFF;
        if (Cpl != 0) writable &= ~Flags.IOPL;
        if (Cpl > Iopl) writable &= ~Flags.IF;
        return (Eflags & ~writable) | (image & writable) | Flags.Reserved1;
    }
}
