using System.Buffers.Binary;
using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>A cylinder/head/sector translation of a disk's sectors.</summary>
public readonly record struct DiskGeometry(int Cylinders, int Heads, int SectorsPerTrack)
{
    /// <summary>The largest CHS geometry a BIOS can use (about 8.4 GB): 16383 cylinders, 16 heads, 63 sectors.</summary>
    public const int MaxCylinders = 16383;
    public const int MaxHeads = 16;
    public const int MaxSectorsPerTrack = 63;

    /// <summary>Sectors this geometry can address (C × H × S).</summary>
    public long Capacity => (long)Cylinders * Heads * SectorsPerTrack;

    /// <summary>
    /// The default geometry of a disk, derived as QEMU derives it when none is given:
    /// <list type="number">
    /// <item>If sector 0 holds an MBR (0x55AA) whose first usable partition entry ends on a head/sector
    /// (end head ≥ 1, end sector ≥ 1), the disk was partitioned with that translation: its heads
    /// and sectors per track, with as many whole cylinders as fit (1–16383), are kept — unless it
    /// has more than 16 heads, which means a BIOS translation, and the size rule applies.</item>
    /// <item>Otherwise 16 heads, 63 sectors per track and size / (16 × 63) cylinders, within 2–16383.</item>
    /// </list>
    /// </summary>
    public static DiskGeometry Guess(IBlockDevice disk)
    {
        if (GuessFromPartitionTable(disk) is { Heads: <= MaxHeads } fromTable)
            return fromTable;
        return ForSize(disk.SectorCount);
    }

    /// <summary>The size rule alone: 16 heads, 63 sectors, and 2–16383 cylinders.</summary>
    public static DiskGeometry ForSize(long sectorCount) =>
        new((int)Math.Clamp(sectorCount / (MaxHeads * MaxSectorsPerTrack), 2, MaxCylinders), MaxHeads, MaxSectorsPerTrack);

    private static DiskGeometry? GuessFromPartitionTable(IBlockDevice disk)
    {
        if (disk.SectorCount < 1) return null;
        Span<byte> mbr = stackalloc byte[IBlockDevice.SectorSize];
        if (!disk.TryRead(0, mbr) || mbr[510] != 0x55 || mbr[511] != 0xAA) return null;
        for (int entry = 0; entry < 4; entry++)
        {
            var e = mbr.Slice(0x1BE + 16 * entry, 16);
            uint sectors = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            int endHead = e[5];
            int endSector = e[6] & 0x3F;
            if (sectors == 0 || endHead == 0 || endSector == 0) continue;
            int heads = endHead + 1;
            long cylinders = disk.SectorCount / (heads * endSector);
            if (cylinders is < 1 or > MaxCylinders) continue;
            return new DiskGeometry((int)cylinders, heads, endSector);
        }
        return null;
    }
}
