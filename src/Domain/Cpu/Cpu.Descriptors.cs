namespace HexEmu.Domain.Cpu;

/// <summary>Descriptor tables and protected-mode segment register loads (SDM vol. 3, 3.4 and 5).</summary>
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

    /// <summary>Protected-mode segment register load with every check. Not yet implemented.</summary>
    public void LoadSegmentProtected(int seg, ushort selector)
    {
        _ = (seg, selector);
        throw new NotImplementedException("protected-mode segment loads");
    }
}
