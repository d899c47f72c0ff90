namespace HexEmu.Domain.Cpu;

/// <summary>
/// A segment or gate descriptor as read from the GDT or LDT (SDM vol. 3, 3.4.5 and 5.8.3).
/// The raw 8 bytes are kept so that every field is decoded in exactly one place.
/// </summary>
public readonly struct Descriptor(uint low, uint high)
{
    public uint Low { get; } = low;
    public uint High { get; } = high;

    public uint Base => (Low >> 16) | ((High & 0xFF) << 16) | (High & 0xFF00_0000);
    public uint RawLimit => (Low & 0xFFFF) | (High & 0x000F_0000);
    public bool Granularity => (High & 0x0080_0000) != 0;
    /// <summary>The limit in bytes, with 4 KiB granularity applied.</summary>
    public uint Limit => Granularity ? (RawLimit << 12) | 0xFFF : RawLimit;
    /// <summary>Attribute bits as <see cref="SegmentCache.Attributes"/> holds them.</summary>
    public ushort Attributes => (ushort)((High >> 8) & 0xF0FF);
    public int Type => (int)((High >> 8) & 0xF);
    /// <summary>S bit: code or data (else a system descriptor: TSS, LDT, gate).</summary>
    public bool IsCodeOrData => (High & 0x1000) != 0;
    public int Dpl => (int)((High >> 13) & 3);
    public bool Present => (High & 0x8000) != 0;
    public bool Big => (High & 0x0040_0000) != 0;
    public bool IsCode => IsCodeOrData && (Type & 8) != 0;
    public bool IsData => IsCodeOrData && (Type & 8) == 0;
    public bool IsConforming => IsCode && (Type & 4) != 0;
    public bool IsReadable => IsData || (Type & 2) != 0;
    public bool IsWritableData => IsData && (Type & 2) != 0;
    /// <summary>The accessed bit of a code or data descriptor (type bit 0, SDM vol. 3, 3.4.5.1).</summary>
    public bool Accessed => (High & AccessedBit) != 0;

    private const uint AccessedBit = 0x100;

    /// <summary>A code or data descriptor with its accessed bit set, as a segment register holds it once loaded.</summary>
    public Descriptor WithAccessed() => IsCodeOrData ? new Descriptor(Low, High | AccessedBit) : this;

    // Gates (call, interrupt, trap, task)
    public ushort GateSelector => (ushort)(Low >> 16);
    /// <summary>Gate offset; 16-bit gates use only the low word (the 386 ignores the upper one).</summary>
    public uint GateOffset => (Type & 8) != 0 ? (Low & 0xFFFF) | (High & 0xFFFF_0000) : Low & 0xFFFF;
    /// <summary>A 32-bit gate (call, interrupt or trap gate of type 12, 14 or 15), else a 16-bit one.</summary>
    public bool Gate32 => (Type & 8) != 0;
    public int GateParameterCount => (int)(High & 0x1F);

    /// <summary>The hidden segment register contents this descriptor loads.</summary>
    public SegmentCache ToCache(ushort selector, bool protectedMode = true)
    {
        var s = new SegmentCache { Selector = selector, Base = Base, Limit = Limit, Attributes = Attributes };
        s.Refresh(protectedMode);
        return s;
    }
}

/// <summary>System descriptor types (S = 0), SDM vol. 3, table 3-2.</summary>
public static class SystemType
{
    public const int Tss16Available = 1, Ldt = 2, Tss16Busy = 3, CallGate16 = 4, TaskGate = 5,
        InterruptGate16 = 6, TrapGate16 = 7, Tss32Available = 9, Tss32Busy = 11, CallGate32 = 12,
        InterruptGate32 = 14, TrapGate32 = 15;
}
