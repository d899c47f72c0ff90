namespace HexEmu.Domain.Cpu;

/// <summary>
/// Protected-mode segment register loads, shared by MOV/POP/LDS…, far transfers, interrupts,
/// IRET and task switches (SDM vol. 2, MOV, RET, IRET "Operation"; vol. 3, 5.8 and table 7-1).
/// Each reader makes the checks in the manual's order and raises the caller's vector (#GP for
/// instructions, #TS for stack switches and task switches); the loaders change state and are
/// called only once every check has passed.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>
    /// MOV/POP/LDS… to DS, ES, FS, GS or SS in protected mode. CS is loaded only by far
    /// transfers (#UD here). SS needs a writable data segment at the CPL (see
    /// <see cref="ReadStackSegment"/>); the others see <see cref="LoadDataSegment"/>.
    /// </summary>
    public void LoadSegmentProtected(int seg, ushort selector)
    {
        if (seg == Seg.CS) Fault(Vector.UD);
        if (seg == Seg.SS)
        {
            var ss = ReadStackSegment(selector, Cpl, Vector.GP, out uint ssAddress);
            LoadStackSegment(selector, ss, ssAddress, Cpl);
            return;
        }
        LoadDataSegment(seg, selector, Vector.GP);
    }

    /// <summary>
    /// Loads DS, ES, FS or GS (MOV/POP/LDS… with <paramref name="vector"/> #GP, a task switch with
    /// #TS): a null selector leaves the register unusable; outside its table, a system segment,
    /// an execute-only code segment, or data or non-conforming code with max(CPL, RPL) > DPL is
    /// vector(selector); not present is #NP(selector).
    /// </summary>
    private void LoadDataSegment(int seg, ushort selector, int vector)
    {
        if ((selector & 0xFFFC) == 0)
        {
            LoadNullSegment(seg, selector);
            return;
        }
        var d = ReadDescriptorOrFault(selector, vector, out uint address);
        if (!d.IsCodeOrData || !d.IsReadable) FaultSelector(vector, selector);
        if (!d.IsConforming && ((selector & 3) > d.Dpl || Cpl > d.Dpl)) FaultSelector(vector, selector);
        if (!d.Present) FaultSelector(Vector.NP, selector);
        d = SetAccessedBit(d, address);
        Segs[seg] = d.ToCache(selector);
    }

    /// <summary>
    /// A null selector in DS–GS: the register holds it, and any access through it raises #GP(0)
    /// (SDM vol. 3, 3.4.2).
    /// </summary>
    public void LoadNullSegment(int seg, ushort selector) => Segs[seg] = SegmentCache.Null(selector);

    /// <summary>
    /// Reads and checks a new stack segment for privilege level <paramref name="cpl"/>, whether
    /// for MOV/POP/LSS or a return to an outer level (<paramref name="vector"/> #GP), or for a
    /// stack switch from the TSS or a task switch (#TS): a null selector is vector(EXT);
    /// outside its table, RPL or DPL ≠ cpl, or not a writable data segment is vector(selector);
    /// not present is #SS(selector) (SDM vol. 2, MOV, RET, CALL; vol. 3, 6.12.1 and table 7-1).
    /// </summary>
    public Descriptor ReadStackSegment(ushort selector, int cpl, int vector, out uint address, uint ext = 0)
    {
        if ((selector & 0xFFFC) == 0) Fault(vector, ext);
        var d = ReadDescriptorOrFault(selector, vector, out address, ext);
        if ((selector & 3) != cpl || !d.IsWritableData || d.Dpl != cpl) FaultSelector(vector, selector, ext);
        if (!d.Present) FaultSelector(Vector.SS, selector, ext);
        return d;
    }

    /// <summary>Loads SS from a checked descriptor, its RPL set to <paramref name="cpl"/>; sets the accessed bit.</summary>
    public void LoadStackSegment(ushort selector, Descriptor d, uint descriptorAddress, int cpl)
    {
        d = SetAccessedBit(d, descriptorAddress);
        Segs[Seg.SS] = d.ToCache((ushort)((selector & 0xFFFC) | cpl));
    }

    /// <summary>
    /// Reads the code segment a far return, IRET or task switch loads, where the selector's RPL
    /// becomes the CPL: a null selector is vector(0); outside its table, not a code segment, an
    /// RPL below <paramref name="lowestRpl"/> (a return may not go inwards), or a DPL that does
    /// not fit the RPL (conforming: DPL ≤ RPL; non-conforming: DPL = RPL) is vector(selector);
    /// not present is #NP(selector) (SDM vol. 2, RET and IRET; vol. 3, table 7-1).
    /// </summary>
    private Descriptor ReadCodeSegmentForRpl(ushort selector, int vector, int lowestRpl, out uint address)
    {
        if ((selector & 0xFFFC) == 0) Fault(vector, 0);
        var d = ReadDescriptorOrFault(selector, vector, out address);
        int rpl = selector & 3;
        if (!d.IsCode || rpl < lowestRpl) FaultSelector(vector, selector);
        if (d.IsConforming ? d.Dpl > rpl : d.Dpl != rpl) FaultSelector(vector, selector);
        if (!d.Present) FaultSelector(Vector.NP, selector);
        return d;
    }

    /// <summary>
    /// Loads CS from a checked code descriptor and makes <paramref name="cpl"/> the current
    /// privilege level: the selector's RPL becomes the CPL (SDM vol. 3, 5.8.4). Used by far
    /// JMP/CALL/RET, interrupts, IRET and task switches; the caller checks the new EIP against
    /// the limit first.
    /// </summary>
    public void LoadCodeSegment(ushort selector, Descriptor d, uint descriptorAddress, int cpl)
    {
        d = SetAccessedBit(d, descriptorAddress);
        Segs[Seg.CS] = d.ToCache((ushort)((selector & 0xFFFC) | cpl));
        SetCpl(cpl);
        EndBlock();
    }

    /// <summary>
    /// After a return to an outer privilege level (RET, IRET): ES, DS, FS and GS that point to a
    /// data or non-conforming code segment whose DPL (in the hidden part) is below the new CPL
    /// get a null selector, so the outer level cannot keep using inner-level segments (SDM
    /// vol. 2, RET and IRET operation, "FOR each SegReg"). Registers pointing to neither (null
    /// selectors, whose cache is a system type) are left as the manual says.
    /// </summary>
    public void NullSegmentsAboveCpl()
    {
        ReadOnlySpan<int> segs = [Seg.ES, Seg.DS, Seg.FS, Seg.GS];
        foreach (int seg in segs)
        {
            ref SegmentCache s = ref Segs[seg];
            if ((s.Selector & 0xFFFC) == 0 && !s.Present) continue; // already unusable
            bool dataOrNonConforming = !s.IsSystem && !s.IsConformingCode;
            if (dataOrNonConforming && s.Dpl < Cpl) LoadNullSegment(seg, 0);
        }
    }
}
