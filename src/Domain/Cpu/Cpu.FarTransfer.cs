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

    private void FarJumpProtected(ushort selector, uint offset, bool op32)
    {
        _ = (selector, offset, op32);
        throw new NotImplementedException("protected-mode far JMP");
    }

    private void FarCallProtected(ushort selector, uint offset, bool op32)
    {
        _ = (selector, offset, op32);
        throw new NotImplementedException("protected-mode far CALL");
    }

    private void FarReturnProtected(bool op32, ushort releaseBytes)
    {
        _ = (op32, releaseBytes);
        throw new NotImplementedException("protected-mode far RET");
    }
}
