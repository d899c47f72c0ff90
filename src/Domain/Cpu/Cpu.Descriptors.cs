namespace HexEmu.Domain.Cpu;

/// <summary>
/// Reading descriptors from the GDT and LDT (SDM vol. 3, 3.4 and 3.5): the one place that finds a
/// selector's descriptor, raises the fault a selector outside its table gets, and sets the
/// accessed bit. Segment register loads are in Cpu.SegmentLoads.cs.
/// </summary>
public sealed partial class Cpu
{
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
    /// when it lies outside its table (or names the LDT while none is loaded). During interrupt
    /// delivery <paramref name="ext"/> is the EXT bit the error code carries.
    /// </summary>
    public Descriptor ReadDescriptorOrFault(ushort selector, int vector, out uint address, uint ext = 0)
    {
        if (!TryReadDescriptor(selector, out var descriptor, out address)) FaultSelector(vector, selector, ext);
        return descriptor;
    }

    /// <summary>
    /// Sets the accessed bit of a code or data descriptor in memory when it is clear (the
    /// processor does so on every segment register load, SDM vol. 3, 3.4.5.1) and returns the
    /// descriptor as updated. Callers that must not change anything before a later check call it
    /// only once every check has passed.
    /// </summary>
    public Descriptor SetAccessedBit(Descriptor descriptor, uint address)
    {
        if (!descriptor.IsCodeOrData || descriptor.Accessed) return descriptor;
        var updated = descriptor.WithAccessed();
        WriteDescriptorHigh(address, updated.High);
        return updated;
    }

    /// <summary>
    /// The LDT descriptor LLDT or a task switch loads: the selector must name the GDT, lie within
    /// it and name an LDT, else <paramref name="vector"/>(selector) (SDM vol. 2, LLDT; vol. 3,
    /// table 7-1). Presence is the caller's check: #NP for LLDT, #TS for a task switch.
    /// </summary>
    public Descriptor ReadLdtDescriptor(ushort selector, int vector)
    {
        if ((selector & 4) != 0) FaultSelector(vector, selector);
        var d = ReadDescriptorOrFault(selector, vector, out _);
        if (d.IsCodeOrData || d.Type != SystemType.Ldt) FaultSelector(vector, selector);
        return d;
    }

    /// <summary>
    /// The TSS descriptor LTR or a task switch uses: the selector must name the GDT, lie within it
    /// and name a 16- or 32-bit TSS that is busy exactly when <paramref name="busy"/> (IRET
    /// returns to a busy task, everything else needs an available one), else
    /// <paramref name="vector"/>(selector); not present is #NP(selector) (SDM vol. 2, LTR, JMP,
    /// CALL, IRET; vol. 3, 7.3).
    /// </summary>
    public Descriptor ReadTssDescriptor(ushort selector, int vector, bool busy, out uint address)
    {
        if ((selector & 4) != 0) FaultSelector(vector, selector);
        var d = ReadDescriptorOrFault(selector, vector, out address);
        bool isTss = !d.IsCodeOrData && d.Type is SystemType.Tss16Available or SystemType.Tss16Busy
            or SystemType.Tss32Available or SystemType.Tss32Busy;
        bool isBusy = (d.Type & 2) != 0;
        if (!isTss || isBusy != busy) FaultSelector(vector, selector);
        if (!d.Present) FaultSelector(Vector.NP, selector);
        return d;
    }
}
