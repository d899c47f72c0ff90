namespace HexEmu.Domain.Cpu;

/// <summary>Segment register loads in real and virtual-8086 mode; protected mode is in Cpu.Descriptors.cs.</summary>
public sealed partial class Cpu
{
    /// <summary>Loads a data or stack segment register as MOV/POP/LDS… do, with the current mode's rules.</summary>
    public void LoadSegment(int seg, ushort selector)
    {
        if (!ProtectedMode || V86Mode) LoadSegmentReal(seg, selector);
        else LoadSegmentProtected(seg, selector);
    }

    /// <summary>
    /// Real mode changes only selector and base (limit and rights stay as they were, which is what
    /// "unreal mode" relies on); virtual-8086 mode also forces a 64 KiB writable segment at DPL 3
    /// (SDM vol. 3, 20.1.1).
    /// </summary>
    public void LoadSegmentReal(int seg, ushort selector)
    {
        ref SegmentCache s = ref Segs[seg];
        s.Selector = selector;
        s.Base = (uint)selector << 4;
        if (V86Mode)
        {
            s.Limit = 0xFFFF;
            s.Attributes = (ushort)(seg == Seg.CS ? 0x00FB : 0x00F3);
        }
        s.Refresh(protectedMode: false);
        if (seg == Seg.CS) SetCpl(V86Mode ? 3 : 0);
    }
}
