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
        if (ProtectedMode && !V86Mode) { FarTransferProtected(selector, offset, op32, call: false); return; }
        if (!op32) offset &= 0xFFFF;
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        LoadSegmentReal(Seg.CS, selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>CALL ptr16:16/32 or CALL m16:16/32: pushes CS and the return offset.</summary>
    public void FarCall(ushort selector, uint offset, bool op32)
    {
        if (ProtectedMode && !V86Mode) { FarTransferProtected(selector, offset, op32, call: true); return; }
        if (!op32) offset &= 0xFFFF;
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        PushReturnAddress(op32);
        LoadSegmentReal(Seg.CS, selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>RETF [imm16]: pops the return address, then releases <paramref name="releaseBytes"/> of parameters.</summary>
    public void FarReturn(bool op32, ushort releaseBytes)
    {
        if (ProtectedMode && !V86Mode) { FarReturnProtected(op32, releaseBytes); return; }
        PeekFarPointer(op32, 0, out uint offset, out ushort selector);
        if (offset > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        SetStackPointer(Gpr[ESP] + (op32 ? 8u : 4u) + releaseBytes);
        LoadSegmentReal(Seg.CS, selector);
        NextEip = offset;
        EndBlock();
    }

    /// <summary>
    /// Reads a far pointer from the stack, <paramref name="above"/> bytes above ESP, without
    /// popping it: the offset, then the selector, each a word or (with <paramref name="op32"/>) a
    /// dword whose upper half is discarded.
    /// </summary>
    private void PeekFarPointer(bool op32, uint above, out uint offset, out ushort selector)
    {
        if (op32)
        {
            offset = Peek32(above);
            selector = (ushort)Peek32(above + 4);
        }
        else
        {
            offset = Peek16(above);
            selector = Peek16(above + 2);
        }
    }

    /// <summary>
    /// Protected-mode far JMP and CALL (SDM vol. 2, JMP and CALL, "far jumps/calls in protected
    /// mode"): to a code segment at the same privilege, through a call gate (a CALL may go to a
    /// more privileged level with a stack switch, a JMP never changes privilege), or to a TSS or
    /// task gate (a task switch, nested for CALL).
    /// </summary>
    private void FarTransferProtected(ushort selector, uint offset, bool op32, bool call)
    {
        if (!op32) offset &= 0xFFFF;
        if (call) _tracer?.FarCall(this, selector, offset, op32);
        if ((selector & 0xFFFC) == 0) Fault(Vector.GP, 0);
        var d = ReadDescriptorOrFault(selector, Vector.GP, out uint address);
        if (d.IsCodeOrData)
        {
            CheckDirectCodeTarget(selector, d);
            TransferAtSameLevel(selector, d, address, offset, call, op32);
            return;
        }
        CheckSystemTargetVisible(selector, d);
        if (d.Type is SystemType.CallGate16 or SystemType.CallGate32)
        {
            if (call) CallThroughCallGate(selector, d);
            else JumpThroughCallGate(selector, d);
            return;
        }
        TaskTransfer(selector, d, call ? TaskSwitchSource.Call : TaskSwitchSource.Jump);
    }

    /// <summary>
    /// Completes a far JMP or CALL to a checked code segment at the current privilege level: the
    /// offset must lie within its limit (#GP(0)); a CALL pushes CS and the return offset, as words
    /// or dwords, after setting the accessed bit, which changes memory only, so that a fault in
    /// the pushes leaves the registers intact.
    /// </summary>
    private void TransferAtSameLevel(ushort selector, Descriptor code, uint address, uint offset, bool call, bool size32)
    {
        if (offset > code.Limit) Fault(Vector.GP, 0);
        if (call)
        {
            code = SetAccessedBit(code, address);
            PushReturnAddress(size32);
        }
        LoadCodeSegment(selector, code, address, Cpl);
        NextEip = offset;
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
        uint word = op32 ? 4u : 2u;
        PeekFarPointer(op32, 0, out uint offset, out ushort selector);
        _tracer?.FarReturn(this, selector, offset, op32, releaseBytes);
        var cs = ReadCodeSegmentForRpl(selector, Vector.GP, Cpl, out uint csAddress);
        int rpl = selector & 3;
        if (rpl == Cpl)
        {
            if (offset > cs.Limit) Fault(Vector.GP, 0);
            LoadCodeSegment(selector, cs, csAddress, Cpl);
            SetStackPointer(Gpr[ESP] + 2 * word + releaseBytes);
            NextEip = offset;
            return;
        }

        // Return to an outer level: the caller's SS:ESP lies above the parameters.
        PeekFarPointer(op32, 2 * word + releaseBytes, out uint newEsp, out ushort ssSelector);
        var ss = ReadStackSegment(ssSelector, rpl, Vector.GP, out uint ssAddress);
        if (offset > cs.Limit) Fault(Vector.GP, 0);

        LoadOuterLevelSegments(selector, cs, csAddress, ssSelector, ss, ssAddress);
        // The new stack's B bit decides whether ESP or only SP is loaded; the parameters are
        // released from the caller's stack too.
        if (Segs[Seg.SS].Big) Gpr[ESP] = newEsp + releaseBytes;
        else SetReg16(ESP, (ushort)(newEsp + releaseBytes));
        NextEip = offset;
    }

    /// <summary>
    /// The segment loads of a return to an outer privilege level (RET, IRET), once every check
    /// has passed: CS and SS at the return CS's RPL, which becomes the CPL, then the data
    /// segment registers the outer level may not use become null. Both accessed bits are set
    /// before either register changes, since their writes may fault.
    /// </summary>
    private void LoadOuterLevelSegments(ushort csSelector, Descriptor cs, uint csAddress, ushort ssSelector, Descriptor ss, uint ssAddress)
    {
        int rpl = csSelector & 3;
        cs = SetAccessedBit(cs, csAddress);
        ss = SetAccessedBit(ss, ssAddress);
        LoadCodeSegment(csSelector, cs, csAddress, rpl);
        LoadStackSegment(ssSelector, ss, ssAddress, rpl);
        NullSegmentsAboveCpl();
    }
}
