namespace HexEmu.Domain.Cpu;

/// <summary>Segment register indices, in the encoding order of the ModRM reg field for MOV Sreg.</summary>
public static class Seg
{
    public const int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public const int Count = 6;
}

/// <summary>
/// The hidden part of a segment register (the "descriptor cache"), plus the range of offsets that
/// are valid for reads and writes, precomputed at load time so that every memory access does a
/// single range check (Intel SDM vol. 3, 5.3 "limit checking").
/// </summary>
public struct SegmentCache
{
    public ushort Selector;
    public uint Base;
    /// <summary>Effective limit in bytes (granularity already applied).</summary>
    public uint Limit;
    /// <summary>
    /// Descriptor attribute bits as in the descriptor's high dword bits 8–23 shifted down by 8:
    /// bits 0–3 type, 4 S, 5–6 DPL, 7 P, 12 AVL, 14 D/B, 15 G.
    /// </summary>
    public ushort Attributes;

    /// <summary>Lowest valid offset (0, or limit+1 for expand-down data segments).</summary>
    public uint MinOffset;
    /// <summary>Highest valid offset.</summary>
    public uint MaxOffset;
    /// <summary>Reads are allowed (a usable segment that is readable).</summary>
    public bool CanRead;
    /// <summary>Writes are allowed (a usable writable data segment).</summary>
    public bool CanWrite;

    public readonly int Type => Attributes & 0xF;
    public readonly bool IsSystem => (Attributes & 0x10) == 0;
    public readonly int Dpl => (Attributes >> 5) & 3;
    public readonly bool Present => (Attributes & 0x80) != 0;
    /// <summary>D/B bit: 32-bit code, 32-bit stack pointer, or 4 GiB expand-down bound.</summary>
    public readonly bool Big => (Attributes & 0x4000) != 0;
    public readonly bool Granularity => (Attributes & 0x8000) != 0;
    public readonly bool IsCode => (Attributes & 0x18) == 0x18;
    public readonly bool IsConformingCode => (Attributes & 0x1C) == 0x1C;
    public readonly bool IsExpandDownData => (Attributes & 0x1C) == 0x14;

    /// <summary>Recomputes the offset range and access rights from base, limit and attributes.</summary>
    public void Refresh(bool protectedMode)
    {
        if (IsExpandDownData)
        {
            // Valid offsets run from limit + 1 to 64 KiB or 4 GiB − 1 as the B bit says; a limit
            // at or above that bound leaves no valid offset (SDM vol. 3, 5.3).
            uint upper = Big ? 0xFFFF_FFFFu : 0xFFFFu;
            if (Limit >= upper) { MinOffset = 1; MaxOffset = 0; }
            else { MinOffset = Limit + 1; MaxOffset = upper; }
        }
        else
        {
            MinOffset = 0;
            MaxOffset = Limit;
        }
        if (!protectedMode)
        {
            CanRead = CanWrite = true;
            return;
        }
        bool usable = Present && !IsSystem;
        bool code = IsCode;
        CanRead = usable && (!code || (Type & 2) != 0);
        CanWrite = usable && !code && (Type & 2) != 0;
    }

    /// <summary>
    /// The unusable register a null selector loads in protected mode: any access through it is
    /// #GP(0) (SDM vol. 3, 3.4.2), which a cache with no attributes (not present, system) gives.
    /// </summary>
    public static SegmentCache Null(ushort selector)
    {
        var s = new SegmentCache { Selector = selector };
        s.Refresh(protectedMode: true);
        return s;
    }

    /// <summary>A real-mode segment: base = selector × 16, limit and attributes as left by the last load.</summary>
    public static SegmentCache RealMode(ushort selector, ushort attributes = 0x0093, uint limit = 0xFFFF)
    {
        var s = new SegmentCache { Selector = selector, Base = (uint)selector << 4, Limit = limit, Attributes = attributes };
        s.Refresh(protectedMode: false);
        return s;
    }
}
