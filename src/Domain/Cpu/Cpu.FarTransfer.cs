namespace HexEmu.Domain.Cpu;

/// <summary>
/// Far control transfers: JMP, CALL and RET across segments (SDM vol. 2 JMP/CALL/RET; vol. 3,
/// 5.8). Real and virtual-8086 mode just load CS; protected mode goes through descriptors,
/// conforming-code and call-gate rules, and task switches.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>JMP ptr16:16/32 or JMP m16:16/32.</summary>
    public void FarJump(ushort selector, uint offset, bool op32)
    {
        if (ProtectedMode && !V86Mode) { FarJumpProtected(selector, offset, op32); return; }
        if (!op32) offset &= 0xFFFF;
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        LoadSegmentReal(Seg.CS, selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>CALL ptr16:16/32 or CALL m16:16/32: pushes CS and the return offset.</summary>
    public void FarCall(ushort selector, uint offset, bool op32)
    {
        if (ProtectedMode && !V86Mode) { FarCallProtected(selector, offset, op32); return; }
        if (!op32) offset &= 0xFFFF;
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        uint sp = Gpr[ESP];
        if (op32)
        {
            sp = PushAt32(sp, Segs[Seg.CS].Selector);
            sp = PushAt32(sp, NextEip);
        }
        else
        {
            sp = PushAt16(sp, Segs[Seg.CS].Selector);
            sp = PushAt16(sp, (ushort)NextEip);
        }
        SetStackPointer(sp);
        LoadSegmentReal(Seg.CS, selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>RETF [imm16]: pops the return address, then releases <paramref name="releaseBytes"/> of parameters.</summary>
    public void FarReturn(bool op32, ushort releaseBytes)
    {
        if (ProtectedMode && !V86Mode) { FarReturnProtected(op32, releaseBytes); return; }
        uint offset, selector;
        if (op32)
        {
            offset = Peek32();
            selector = Peek32(4) & 0xFFFF;
        }
        else
        {
            offset = Peek16();
            selector = Peek16(2);
        }
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        SetStackPointer(Gpr[ESP] + (op32 ? 8u : 4u) + releaseBytes);
        LoadSegmentReal(Seg.CS, (ushort)selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>
    /// Protected-mode far JMP (SDM vol. 2, JMP, "far jumps in protected mode"): to a code segment
    /// at the same privilege, through a call gate (never changing privilege), or to a TSS or task
    /// gate (a task switch).
    /// </summary>
    private void FarJumpProtected(ushort selector, uint offset, bool op32)
    {
        if (!op32) offset &= 0xFFFF;
        if ((selector & 0xFFFC) == 0) Fault(Vector.GP, 0);
        var d = ReadDescriptorOrFault(selector, Vector.GP, out uint address);
        if (d.IsCodeOrData)
        {
            CheckDirectCodeTarget(selector, d);
            if (offset > d.Limit) Fault(Vector.GP, 0);
            LoadCodeSegment(selector, d, address, Cpl);
            NextEip = offset;
            return;
        }
        CheckSystemTargetVisible(selector, d);
        switch (d.Type)
        {
            case SystemType.CallGate16:
            case SystemType.CallGate32:
                JumpThroughCallGate(selector, d);
                return;
            default:
                TaskTransfer(selector, d, TaskSwitchSource.Jump);
                return;
        }
    }

    /// <summary>
    /// Protected-mode far CALL (SDM vol. 2, CALL): to a code segment at the same privilege,
    /// through a call gate (possibly to a more privileged level, with a stack switch), or to a
    /// TSS or task gate (a nested task switch).
    /// </summary>
    private void FarCallProtected(ushort selector, uint offset, bool op32)
    {
        if (!op32) offset &= 0xFFFF;
        if ((selector & 0xFFFC) == 0) Fault(Vector.GP, 0);
        var d = ReadDescriptorOrFault(selector, Vector.GP, out uint address);
        if (d.IsCodeOrData)
        {
            CheckDirectCodeTarget(selector, d);
            if (offset > d.Limit) Fault(Vector.GP, 0);
            d = SetAccessedBit(d, address); // memory only: a fault in the pushes leaves registers intact
            PushReturnAddress(op32);
            LoadCodeSegment(selector, d, address, Cpl);
            NextEip = offset;
            return;
        }
        CheckSystemTargetVisible(selector, d);
        switch (d.Type)
        {
            case SystemType.CallGate16:
            case SystemType.CallGate32:
                CallThroughCallGate(selector, d);
                return;
            default:
                TaskTransfer(selector, d, TaskSwitchSource.Call);
                return;
        }
    }

    /// <summary>Pushes CS and the return offset on the current stack, as words or dwords.</summary>
    private void PushReturnAddress(bool size32)
    {
        uint sp = Gpr[ESP];
        if (size32)
        {
            sp = PushAt32(sp, Segs[Seg.CS].Selector);
            sp = PushAt32(sp, NextEip);
        }
        else
        {
            sp = PushAt16(sp, Segs[Seg.CS].Selector);
            sp = PushAt16(sp, (ushort)NextEip);
        }
        SetStackPointer(sp);
    }

    /// <summary>
    /// A far JMP or CALL straight to a code segment: conforming needs DPL ≤ CPL, non-conforming
    /// needs RPL ≤ CPL and DPL = CPL, else #GP(selector); not present is #NP(selector). A data
    /// segment is #GP(selector). The CPL never changes this way.
    /// </summary>
    private void CheckDirectCodeTarget(ushort selector, Descriptor d)
    {
        if (!d.IsCode) FaultSelector(Vector.GP, selector);
        if (d.IsConforming)
        {
            if (d.Dpl > Cpl) FaultSelector(Vector.GP, selector);
        }
        else if ((selector & 3) > Cpl || d.Dpl != Cpl)
            FaultSelector(Vector.GP, selector);
        if (!d.Present) FaultSelector(Vector.NP, selector);
    }

    /// <summary>A gate or TSS named by JMP/CALL must have DPL ≥ CPL and DPL ≥ RPL, else #GP(selector).</summary>
    private void CheckSystemTargetVisible(ushort selector, Descriptor d)
    {
        if (d.Dpl < Cpl || d.Dpl < (selector & 3)) FaultSelector(Vector.GP, selector);
    }

    /// <summary>
    /// RETF [imm16] in protected mode (SDM vol. 2, RET): the return CS must be a code segment
    /// with RPL ≥ CPL; RPL = CPL returns at the same level, RPL > CPL to an outer level, which
    /// also pops SS:ESP (checked like a stack load at the new CPL) and nulls the data segment
    /// registers the outer level may not use.
    /// </summary>
    private void FarReturnProtected(bool op32, ushort releaseBytes)
    {
        uint offset, word = op32 ? 4u : 2u;
        ushort selector;
        if (op32)
        {
            offset = Peek32();
            selector = (ushort)Peek32(4);
        }
        else
        {
            offset = Peek16();
            selector = Peek16(2);
        }
        if ((selector & 0xFFFC) == 0) Fault(Vector.GP, 0);
        var cs = ReadDescriptorOrFault(selector, Vector.GP, out uint csAddress);
        int rpl = selector & 3;
        if (!cs.IsCode || rpl < Cpl) FaultSelector(Vector.GP, selector);
        if (cs.IsConforming ? cs.Dpl > rpl : cs.Dpl != rpl) FaultSelector(Vector.GP, selector);
        if (!cs.Present) FaultSelector(Vector.NP, selector);

        if (rpl == Cpl)
        {
            if (offset > cs.Limit) Fault(Vector.GP, 0);
            LoadCodeSegment(selector, cs, csAddress, Cpl);
            SetStackPointer(Gpr[ESP] + 2 * word + releaseBytes);
            NextEip = offset;
            return;
        }

        // Return to an outer level: the caller's SS:ESP lies above the parameters.
        uint newEsp;
        ushort ssSelector;
        uint above = 2 * word + releaseBytes;
        if (op32)
        {
            newEsp = Peek32(above);
            ssSelector = (ushort)Peek32(above + 4);
        }
        else
        {
            newEsp = Peek16(above);
            ssSelector = Peek16(above + 2);
        }
        if ((ssSelector & 0xFFFC) == 0) Fault(Vector.GP, 0);
        var ss = ReadDescriptorOrFault(ssSelector, Vector.GP, out uint ssAddress);
        CheckStackSegment(ssSelector, ss, rpl, Vector.GP);
        if (offset > cs.Limit) Fault(Vector.GP, 0);

        // Accessed bits first: their writes may fault, and nothing may have changed by then.
        cs = SetAccessedBit(cs, csAddress);
        ss = SetAccessedBit(ss, ssAddress);
        LoadCodeSegment(selector, cs, csAddress, rpl);
        LoadStackSegment(ssSelector, ss, ssAddress, rpl);
        // The new stack's B bit decides whether ESP or only SP is loaded; the parameters are
        // released from the caller's stack too.
        if (Segs[Seg.SS].Big) Gpr[ESP] = newEsp + releaseBytes;
        else SetReg16(ESP, (ushort)(newEsp + releaseBytes));
        NextEip = offset;
        NullSegmentsAboveCpl();
    }
}
