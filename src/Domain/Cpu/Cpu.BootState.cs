namespace HexEmu.Domain.Cpu;

/// <summary>Putting the processor straight into the state a boot loader hands to a 32-bit kernel.</summary>
public sealed partial class Cpu
{
    /// <summary>A flat 4 GiB 32-bit execute/read code segment at DPL 0, accessed (high dword of its descriptor).</summary>
    public const uint FlatCode32DescriptorHigh = 0x00CF_9B00;
    /// <summary>A flat 4 GiB 32-bit read/write data segment at DPL 0, accessed (high dword of its descriptor).</summary>
    public const uint FlatData32DescriptorHigh = 0x00CF_9300;
    /// <summary>The low dword both flat descriptors share: base 0, limit 0xFFFFF pages.</summary>
    public const uint FlatDescriptorLow = 0x0000_FFFF;

    /// <summary>
    /// Enters 32-bit flat protected mode at CPL 0, as the Multiboot specification (3.2, "Machine
    /// state") requires at a kernel's entry: CR0 = PE only (paging, caching bits and the rest
    /// cleared), CS a flat 4 GiB 32-bit execute/read code segment with <paramref name="codeSelector"/>,
    /// SS/DS/ES/FS/GS flat 4 GiB read/write data segments with <paramref name="dataSelector"/>,
    /// EFLAGS with only its always-one bit (so IF = VM = 0), execution at <paramref name="eip"/>.
    /// The segment caches are filled as if loaded from flat descriptors with those selectors; making
    /// GDTR point at a table that holds them, and the general registers, are the caller's business.
    /// Between runs only: whatever decoded block was current is left.
    /// </summary>
    public void EnterFlatProtectedMode(uint eip, ushort codeSelector, ushort dataSelector)
    {
        Cr0 = CR0.PE | (Model.ResetCr0 & CR0.ET);
        Eflags = Flags.Reserved1;
        var data = new Descriptor(FlatDescriptorLow, FlatData32DescriptorHigh);
        for (int s = 0; s < Seg.Count; s++)
            Segs[s] = data.ToCache(dataSelector);
        Segs[Seg.CS] = new Descriptor(FlatDescriptorLow, FlatCode32DescriptorHigh).ToCache(codeSelector);
        SetCpl(0);
        Eip = NextEip = eip;
        Halted = ShutdownRequested = InterruptShadow = TaskSwitchTrapPending = false;
        FlushTlb();
        EndBlock();
    }
}
