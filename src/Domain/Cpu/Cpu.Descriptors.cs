namespace HexEmu.Domain.Cpu;

/// <summary>
/// Descriptor tables and protected-mode segment register loads (SDM vol. 3, 3.4 and 5; vol. 2,
/// MOV/POP/LDS "Protected Mode Exceptions"). Every check raises the exact fault and error code
/// the manual gives, and nothing changes until all checks passed.
/// </summary>
public sealed partial class Cpu
{
    private const uint DescriptorAccessedBit = 0x100;

    /// <summary>
    /// Reads the descriptor a selector names from the GDT or LDT, or returns false when it lies
    /// beyond the table's limit (the caller decides which fault that is).
    /// </summary>
    public bool TryReadDescriptor(ushort selector, out Descriptor descriptor, out uint address)
    {
        uint index = (uint)selector & 0xFFF8;
        uint tableBase, tableLimit;
        if ((selector & 4) != 0)
        {
            tableBase = Ldtr.Base;
            tableLimit = Ldtr.Selector == 0 ? 0 : Ldtr.Limit;
            if (Ldtr.Selector == 0 || !Ldtr.Present) { descriptor = default; address = 0; return false; }
        }
        else
        {
            tableBase = GdtBase;
            tableLimit = GdtLimit;
        }
        if (index + 7 > tableLimit) { descriptor = default; address = 0; return false; }
        address = tableBase + index;
        descriptor = new Descriptor(ReadSystem(address, 4), ReadSystem(address + 4, 4));
        return true;
    }

    /// <summary>Writes back the high dword of a descriptor (accessed bit, busy bit).</summary>
    public void WriteDescriptorHigh(uint address, uint high) => WriteSystem(address + 4, 4, high);

    /// <summary>
    /// Reads the descriptor of a non-null selector, raising <paramref name="vector"/>(selector)
    /// when it lies outside its table (or names the LDT while none is loaded).
    /// </summary>
    public Descriptor ReadDescriptorOrFault(ushort selector, int vector, out uint address)
    {
        if (!TryReadDescriptor(selector, out var descriptor, out address)) FaultSelector(vector, selector);
        return descriptor;
    }

    /// <summary>
    /// Sets the accessed bit of a code or data descriptor in memory (the processor does so on
    /// every segment register load, SDM vol. 3, 3.4.5.1) and returns the descriptor as updated.
    /// </summary>
    public Descriptor SetAccessedBit(Descriptor descriptor, uint address)
    {
        if ((descriptor.High & DescriptorAccessedBit) != 0) return descriptor;
        uint high = descriptor.High | DescriptorAccessedBit;
        WriteDescriptorHigh(address, high);
        return new Descriptor(descriptor.Low, high);
    }

    /// <summary>
    /// MOV/POP/LDS… to DS, ES, FS, GS or SS in protected mode (SDM vol. 2, MOV, operation):
    /// <list type="bullet">
    /// <item>SS: null → #GP(0); outside the table, RPL ≠ CPL, not a writable data segment or
    /// DPL ≠ CPL → #GP(selector); not present → #SS(selector).</item>
    /// <item>DS–GS: null loads an unusable segment; outside the table, a system segment, an
    /// execute-only code segment, or (data or non-conforming code with max(CPL, RPL) > DPL)
    /// → #GP(selector); not present → #NP(selector).</item>
    /// </list>
    /// </summary>
    public void LoadSegmentProtected(int seg, ushort selector)
    {
        if (seg == Seg.CS) Fault(Vector.UD); // CS is loaded only by far transfers
        if (seg == Seg.SS)
        {
            if ((selector & 0xFFFC) == 0) Fault(Vector.GP, 0);
            var ss = ReadDescriptorOrFault(selector, Vector.GP, out uint ssAddress);
            CheckStackSegment(selector, ss, Cpl, Vector.GP);
            LoadStackSegment(selector, ss, ssAddress, Cpl);
            return;
        }

        if ((selector & 0xFFFC) == 0)
        {
            LoadNullSegment(seg, selector);
            return;
        }
        var d = ReadDescriptorOrFault(selector, Vector.GP, out uint address);
        if (!d.IsCodeOrData || !d.IsReadable) FaultSelector(Vector.GP, selector);
        if (!d.IsConforming)
        {
            int rpl = selector & 3;
            if (rpl > d.Dpl || Cpl > d.Dpl) FaultSelector(Vector.GP, selector);
        }
        if (!d.Present) FaultSelector(Vector.NP, selector);
        d = SetAccessedBit(d, address);
        Segs[seg] = d.ToCache(selector);
    }

    /// <summary>
    /// A null selector in DS–GS: the register holds it, and any access through it raises #GP(0)
    /// (SDM vol. 3, 3.4.2). The cache is marked not present, which makes it unusable.
    /// </summary>
    public void LoadNullSegment(int seg, ushort selector)
    {
        var s = new SegmentCache { Selector = selector, Base = 0, Limit = 0, Attributes = 0 };
        s.Refresh(protectedMode: true);
        Segs[seg] = s;
    }

    /// <summary>
    /// The checks every stack segment load makes, whether by MOV/POP/LSS (vector #GP), a call
    /// gate or interrupt to an inner level (vector #TS), or a return to an outer level (#GP):
    /// RPL and DPL must equal the new CPL and the segment must be writable data, else
    /// vector(selector); a segment not present is #SS(selector). The selector must be non-null.
    /// </summary>
    public void CheckStackSegment(ushort selector, Descriptor d, int cpl, int vector)
    {
        if ((selector & 3) != cpl) FaultSelector(vector, selector);
        if (!d.IsWritableData) FaultSelector(vector, selector);
        if (d.Dpl != cpl) FaultSelector(vector, selector);
        if (!d.Present) FaultSelector(Vector.SS, selector);
    }

    /// <summary>Loads SS from a checked descriptor, its RPL set to <paramref name="cpl"/>; sets the accessed bit.</summary>
    public void LoadStackSegment(ushort selector, Descriptor d, uint descriptorAddress, int cpl)
    {
        d = SetAccessedBit(d, descriptorAddress);
        Segs[Seg.SS] = d.ToCache((ushort)((selector & 0xFFFC) | cpl));
    }

    /// <summary>
    /// Loads CS from a checked code descriptor and makes <paramref name="cpl"/> the current
    /// privilege level: the selector's RPL becomes the CPL (SDM vol. 3, 5.8.4). Used by far
    /// JMP/CALL/RET, interrupts and IRET; the caller checks the new EIP against the limit first.
    /// </summary>
    public void LoadCodeSegment(ushort selector, Descriptor d, uint descriptorAddress, int cpl)
    {
        d = SetAccessedBit(d, descriptorAddress);
        Segs[Seg.CS] = d.ToCache((ushort)((selector & 0xFFFC) | cpl));
        SetCpl(cpl);
        EndBlock();
    }

    /// <summary>
    /// After a return to an outer privilege level (RET, IRET): ES, DS, FS and GS holding a data
    /// or non-conforming code segment whose DPL is below the new CPL become null, so the outer
    /// level cannot keep using inner-level segments (SDM vol. 2, RET and IRET operation).
    /// </summary>
    public void NullSegmentsAboveCpl()
    {
        ReadOnlySpan<int> segs = [Seg.ES, Seg.DS, Seg.FS, Seg.GS];
        foreach (int seg in segs)
        {
            ref SegmentCache s = ref Segs[seg];
            if (s.Dpl >= Cpl) continue;
            if (s.IsConformingCode && !s.IsSystem && s.Present) continue;
            LoadNullSegment(seg, 0);
        }
    }

    // ---- the task state segment's inner stacks ----

    /// <summary>The current TSS (TR) is a 32-bit TSS (else a 16-bit one).</summary>
    public bool Tss32 => Tr.Type is SystemType.Tss32Available or SystemType.Tss32Busy;

    /// <summary>
    /// Reads the stack for privilege level <paramref name="dpl"/> from the current TSS: SS and
    /// ESP at 8 + 8·dpl and 4 + 8·dpl in a 32-bit TSS, SS and SP at 4 + 4·dpl and 2 + 4·dpl in a
    /// 16-bit one (SDM vol. 3, 7.2.1 and 7.6). Beyond the TSS limit is #TS(TR selector).
    /// </summary>
    public void ReadTssStack(int dpl, out ushort ss, out uint esp)
    {
        if (Tss32)
        {
            uint at = 4 + 8 * (uint)dpl;
            if (at + 7 > Tr.Limit) FaultSelector(Vector.TS, Tr.Selector);
            esp = ReadSystem(Tr.Base + at, 4);
            ss = (ushort)ReadSystem(Tr.Base + at + 4, 2);
        }
        else
        {
            uint at = 2 + 4 * (uint)dpl;
            if (at + 3 > Tr.Limit) FaultSelector(Vector.TS, Tr.Selector);
            esp = ReadSystem(Tr.Base + at, 2);
            ss = (ushort)ReadSystem(Tr.Base + at + 2, 2);
        }
    }

    /// <summary>
    /// Reads and checks the inner stack a privilege change to <paramref name="dpl"/> switches to:
    /// a null SS is #TS(0), one outside its table or failing the stack checks #TS(SS), one not
    /// present #SS(SS) (SDM vol. 2, CALL; vol. 3, 6.12.1).
    /// </summary>
    public Descriptor ReadInnerStackSegment(int dpl, out ushort ss, out uint esp, out uint ssDescriptorAddress)
    {
        ReadTssStack(dpl, out ss, out esp);
        if ((ss & 0xFFFC) == 0) Fault(Vector.TS, 0);
        var d = ReadDescriptorOrFault(ss, Vector.TS, out ssDescriptorAddress);
        CheckStackSegment(ss, d, dpl, Vector.TS);
        return d;
    }
}
