namespace HexEmu.Domain.Boot;

/// <summary>Address range types of the BIOS INT 15h E820 memory map (ACPI spec, "System Address Map").</summary>
public enum E820Type : uint
{
    Usable = 1,
    Reserved = 2,
}

/// <summary>One range of the E820 memory map.</summary>
public readonly record struct E820Entry(ulong Base, ulong Length, E820Type Type)
{
    public ulong End => Base + Length;
}

/// <summary>
/// The memory map a PC with a given RAM size reports, as qemu-system-i386 7.2's "pc" machine with
/// SeaBIOS reports it (observed with a Multiboot kernel that prints the map, for 2 MiB to 4 GiB):
/// <list type="bullet">
/// <item>conventional memory 0–0x9FC00 usable, the 1 KiB EBDA above it reserved (INT 12h says 639 KiB);</item>
/// <item>0xA0000–0xEFFFF (video memory, option ROMs) absent from the map, 0xF0000–0xFFFFF (BIOS) reserved;</item>
/// <item>RAM from 1 MiB usable, except its top 128 KiB below 4 GiB, which SeaBIOS reserves for itself;</item>
/// <item>the 256 KiB BIOS flash at the top of the 4 GiB space reserved;</item>
/// <item>with 3.5 GiB of RAM or more, only the first 3 GiB sit below 4 GiB (the rest is the PCI hole)
/// and the remainder is usable from 4 GiB up.</item>
/// </list>
/// We report the same map whether or not anything uses those reserved areas, so that a guest sees
/// the same machine under hexemu as under QEMU.
/// </summary>
public static class PcMemoryMap
{
    public const uint ConventionalTop = 0x9_FC00;
    public const uint EbdaSize = 0x400;
    public const uint BiosAreaStart = 0xF_0000;
    public const uint HighMemoryStart = 0x10_0000;
    /// <summary>What SeaBIOS keeps for itself at the top of the RAM below 4 GiB.</summary>
    public const uint FirmwareReservedTop = 0x2_0000;
    public const uint BiosFlashSize = 0x4_0000;
    /// <summary>RAM sizes from here on leave only <see cref="LowRamLimitWithHole"/> bytes below 4 GiB.</summary>
    public const ulong PciHoleThreshold = 0xE000_0000;
    public const uint LowRamLimitWithHole = 0xC000_0000;

    /// <summary>The E820 map for <paramref name="ramBytes"/> of RAM (at least 1 MiB + 128 KiB), in ascending order.</summary>
    public static IReadOnlyList<E820Entry> For(ulong ramBytes)
    {
        if (ramBytes < HighMemoryStart + FirmwareReservedTop)
            throw new ArgumentOutOfRangeException(nameof(ramBytes), "the PC memory map needs at least 1 MiB + 128 KiB of RAM");
        ulong below4G = ramBytes >= PciHoleThreshold ? LowRamLimitWithHole : ramBytes;
        ulong firmwareStart = below4G - FirmwareReservedTop;
        var map = new List<E820Entry>
        {
            new(0, ConventionalTop, E820Type.Usable),
            new(ConventionalTop, EbdaSize, E820Type.Reserved),
            new(BiosAreaStart, HighMemoryStart - BiosAreaStart, E820Type.Reserved),
        };
        if (firmwareStart > HighMemoryStart)
            map.Add(new(HighMemoryStart, firmwareStart - HighMemoryStart, E820Type.Usable));
        map.Add(new(firmwareStart, FirmwareReservedTop, E820Type.Reserved));
        map.Add(new(0x1_0000_0000UL - BiosFlashSize, BiosFlashSize, E820Type.Reserved));
        if (ramBytes > below4G)
            map.Add(new(0x1_0000_0000UL, ramBytes - below4G, E820Type.Usable));
        return map;
    }

    /// <summary>Conventional memory in KiB, as INT 12h answers (the Multiboot mem_lower field).</summary>
    public const uint LowerMemoryKiB = ConventionalTop / 1024;

    /// <summary>
    /// KiB of usable memory contiguous from 1 MiB (the Multiboot mem_upper field): the spec defines it
    /// as "memory from 1 MiB up to the first upper memory hole", derived here from the map.
    /// </summary>
    public static uint UpperMemoryKiB(IReadOnlyList<E820Entry> map)
    {
        ulong top = HighMemoryStart;
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var e in map)
                if (e.Type == E820Type.Usable && e.End <= 0x1_0000_0000UL && e.Base <= top && top < e.End)
                {
                    top = e.End;
                    grew = true;
                }
        }
        return (uint)((top - HighMemoryStart) / 1024);
    }
}
