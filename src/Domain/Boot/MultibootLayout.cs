namespace HexEmu.Domain.Boot;

/// <summary>
/// Fixed addresses of what the boot loader leaves in low memory. The first two are QEMU's
/// (hw/i386/multiboot.c puts the E820 map at 0x9000 and the information structure 0x500 bytes
/// above it). QEMU's GDT lives in its Multiboot option ROM, somewhere in 0xC0000–0xDFFFF; ours
/// sits in the same area, which the memory map leaves out, so a kernel that respects the map
/// never overwrites it.
/// </summary>
public static class MultibootLayout
{
    /// <summary>The E820 memory map (mmap_addr).</summary>
    public const uint MemoryMapAddress = 0x9000;
    /// <summary>The Multiboot information structure, passed in EBX.</summary>
    public const uint InfoAddress = 0x9500;
    public const int InfoSize = 88;
    /// <summary>The page holding both, which no kernel or module may overlap.</summary>
    public const uint BootInfoAreaStart = 0x9000, BootInfoAreaEnd = 0xA000;

    /// <summary>The GDT: null, 0x08 flat 32-bit code, 0x10 flat 32-bit data, 0x18 16-bit code, 0x20 16-bit data (as QEMU's).</summary>
    public const uint GdtAddress = 0xC_B000;
    public const ushort GdtLimit = 5 * 8 - 1;
    public const ushort CodeSelector = 0x08;
    public const ushort DataSelector = 0x10;

    /// <summary>Where ESP points at entry: where QEMU 7.2 with SeaBIOS leaves it (the spec leaves ESP undefined).</summary>
    public const uint InitialStackPointer = 0x6F08;

    /// <summary>IDTR at entry: SeaBIOS's real-mode vector table (the spec leaves IDTR undefined).</summary>
    public const uint IdtBase = 0;
    public const ushort IdtLimit = 0x3FF;

    /// <summary>Low memory that belongs to the firmware and video (EBDA, VGA, option ROMs, BIOS): nothing loads there.</summary>
    public const uint ReservedLowStart = PcMemoryMap.ConventionalTop, ReservedLowEnd = PcMemoryMap.HighMemoryStart;

    /// <summary>The RAM a Multiboot boot needs at the least: the low memory areas above and the memory map's shape.</summary>
    public const uint MinimumRam = 2 << 20;

    public const uint PageSize = 0x1000;

    /// <summary>
    /// BIOS data area words an OS reads to find the EBDA and the top of base memory (the MP spec's
    /// search starts from them): the EBDA's segment at 0x40E and base memory in KiB at 0x413.
    /// SeaBIOS under QEMU leaves 0x9FC0 and 639 there, so do we.
    /// </summary>
    public const uint BdaEbdaSegment = 0x40E, BdaBaseMemoryKiB = 0x413;

    /// <summary>
    /// The MP floating pointer and the configuration table right after it, in the BIOS area
    /// 0xF0000–0xFFFFF where SeaBIOS puts them (the memory map reports that area reserved, so a
    /// kernel that follows the map never overwrites them; a reset writes them afresh).
    /// </summary>
    public const uint MpFloatingPointerAddress = PcMemoryMap.BiosAreaStart;

    /// <summary>Where the MP structures go instead when a firmware ROM (-bios with -kernel) occupies the BIOS area: the EBDA.</summary>
    public const uint MpFloatingPointerInEbda = PcMemoryMap.ConventionalTop;
}
