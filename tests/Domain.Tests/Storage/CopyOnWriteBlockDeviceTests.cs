using HexEmu.Domain.Storage;
using HexEmu.Domain.Tests.Devices.Ata;

namespace HexEmu.Domain.Tests.Storage;

/// <summary>The overlay that keeps disk images untouched while recording or replaying.</summary>
public class CopyOnWriteBlockDeviceTests
{
    private const int S = IBlockDevice.SectorSize;

    /// <summary>A read-only base of <paramref name="sectors"/> sectors, each with its own pattern, and a copy of its bytes.</summary>
    private static (MemoryBlockDevice Base, byte[] Original) Image(long sectors = 64)
    {
        var image = new MemoryBlockDevice(sectors);
        AtaRig.Fill(image);
        byte[] original = image.Contents.ToArray();
        return (new MemoryBlockDevice(original.ToArray(), readOnly: true), original);
    }

    private static byte[] Filled(int sectors, byte value) => Enumerable.Repeat(value, sectors * S).ToArray();

    private static byte[] Read(IBlockDevice disk, long lba, int sectors)
    {
        var data = new byte[sectors * S];
        Assert.True(disk.TryRead(lba, data));
        return data;
    }

    [Fact]
    public void Unwritten_sectors_read_from_the_base()
    {
        var (image, _) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.Equal(64, disk.SectorCount);
        Assert.False(disk.IsReadOnly);
        Assert.Equal(AtaRig.Pattern(10, 3), Read(disk, 10, 3));
        Assert.Equal(0, disk.WrittenSectors);
    }

    [Fact]
    public void Written_sectors_read_back_while_the_base_stays_as_it_was()
    {
        var (image, original) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.True(disk.TryWrite(5, Filled(2, 0xAA)));
        Assert.Equal(Filled(2, 0xAA), Read(disk, 5, 2));
        Assert.Equal(2, disk.WrittenSectors);
        Assert.Equal(original, image.Contents.ToArray());
    }

    [Fact]
    public void A_read_across_written_and_unwritten_sectors_mixes_them_sector_by_sector()
    {
        var (image, _) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.True(disk.TryWrite(11, Filled(1, 0x11)));
        Assert.True(disk.TryWrite(14, Filled(2, 0x14)));
        byte[] expected = [.. AtaRig.Pattern(10), .. Filled(1, 0x11), .. AtaRig.Pattern(12, 2), .. Filled(2, 0x14), .. AtaRig.Pattern(16)];
        // Pattern(12, 2) numbers its second sector as 13 would be: check it is the base's sector 13.
        Assert.Equal(image.Contents.Slice(13 * S, S).ToArray(), expected.AsSpan(3 * S, S).ToArray());
        Assert.Equal(expected, Read(disk, 10, 7));
    }

    [Fact]
    public void Overlapping_writes_keep_the_latest_bytes()
    {
        var (image, original) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.True(disk.TryWrite(20, Filled(4, 0x01)));
        Assert.True(disk.TryWrite(22, Filled(4, 0x02)));
        Assert.True(disk.TryWrite(21, Filled(1, 0x03)));
        byte[] expected = [.. Filled(1, 0x01), .. Filled(1, 0x03), .. Filled(4, 0x02)];
        Assert.Equal(expected, Read(disk, 20, 6));
        Assert.Equal(6, disk.WrittenSectors);
        Assert.Equal(original, image.Contents.ToArray());
    }

    [Fact]
    public void Transfers_outside_the_disk_or_of_partial_sectors_fail_and_change_nothing()
    {
        var (image, _) = Image(8);
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.False(disk.TryWrite(8, Filled(1, 1)));
        Assert.False(disk.TryWrite(7, Filled(2, 1)));
        Assert.False(disk.TryWrite(-1, Filled(1, 1)));
        Assert.False(disk.TryWrite(0, new byte[100]));
        Assert.False(disk.TryRead(8, new byte[S]));
        Assert.False(disk.TryRead(7, new byte[2 * S]));
        Assert.False(disk.TryRead(-1, new byte[S]));
        Assert.False(disk.TryRead(0, new byte[S + 1]));
        Assert.Equal(0, disk.WrittenSectors); // the write that ran past the end kept no part of itself
        Assert.True(disk.TryWrite(7, Filled(1, 1)));
        Assert.True(disk.TryRead(0, new byte[8 * S]));
    }

    [Fact]
    public void A_read_only_drive_still_refuses_writes()
    {
        var (image, _) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: true);
        Assert.True(disk.IsReadOnly);
        Assert.False(disk.TryWrite(0, Filled(1, 9)));
        Assert.Equal(0, disk.WrittenSectors);
        Assert.Equal(AtaRig.Pattern(0), Read(disk, 0, 1));
    }

    [Fact]
    public void Flush_succeeds_without_reaching_the_base()
    {
        var (image, _) = Image();
        var disk = new CopyOnWriteBlockDevice(image, isReadOnly: false);
        Assert.True(disk.TryWrite(0, Filled(1, 9)));
        Assert.True(disk.TryFlush());
        Assert.Equal(0, image.Flushes);
    }

    [Fact]
    public void A_failing_base_read_is_reported_but_written_sectors_still_read()
    {
        var disk = new CopyOnWriteBlockDevice(new FailingBlockDevice(16), isReadOnly: false);
        Assert.False(disk.TryRead(0, new byte[S]));
        Assert.True(disk.TryWrite(3, Filled(1, 3)));
        Assert.Equal(Filled(1, 3), Read(disk, 3, 1));
        Assert.False(disk.TryRead(2, new byte[2 * S]));
    }

    [Fact]
    public void A_guest_write_burst_through_the_ide_channel_reads_back_and_leaves_the_image_alone()
    {
        var (image, original) = Image(4096);
        var rig = new AtaRig(new CopyOnWriteBlockDevice(image, isReadOnly: false));
        // WRITE SECTORS (0x30): 3 sectors at 100, then 1 over the middle one; WRITE SECTORS EXT (0x34) near the end.
        rig.Lba28(0x30, lba: 100, count: 3);
        for (int k = 0; k < 3; k++) rig.WriteBlock(Filled(1, (byte)(0x40 + k)));
        rig.ExpectDone();
        rig.Lba28(0x30, lba: 101, count: 1);
        rig.WriteBlock(Filled(1, 0x77));
        rig.ExpectDone();
        rig.Lba48(0x34, lba: 4000, count: 2);
        rig.WriteBlock(Filled(1, 0x88));
        rig.WriteBlock(Filled(1, 0x99));
        rig.ExpectDone();
        rig.Out(AtaRig.Command, 0xE7); // FLUSH CACHE
        rig.ExpectDone();

        rig.Lba28(0x20, lba: 99, count: 4); // READ SECTORS
        byte[] read = [.. rig.ReadBlock(), .. rig.ReadBlock(), .. rig.ReadBlock(), .. rig.ReadBlock()];
        Assert.Equal([.. AtaRig.Pattern(99), .. Filled(1, 0x40), .. Filled(1, 0x77), .. Filled(1, 0x42)], read);
        rig.Lba48(0x24, lba: 3999, count: 3); // READ SECTORS EXT
        read = [.. rig.ReadBlock(), .. rig.ReadBlock(), .. rig.ReadBlock()];
        Assert.Equal([.. AtaRig.Pattern(3999), .. Filled(1, 0x88), .. Filled(1, 0x99)], read);
        Assert.Equal(original, image.Contents.ToArray());
    }
}
