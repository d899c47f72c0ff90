using HexEmu.Domain.Storage;
using HexEmu.Domain.Tests.Devices.Ata;

namespace HexEmu.Domain.Tests.Storage;

/// <summary>Capturing and restoring a copy-on-write disk's overlay, as the reverse debugger's checkpoints do.</summary>
public class CopyOnWriteOverlayCaptureTests
{
    private const int S = IBlockDevice.SectorSize;

    private static CopyOnWriteBlockDevice Disk(long sectors = 64)
    {
        var image = new MemoryBlockDevice(sectors);
        AtaRig.Fill(image);
        return new CopyOnWriteBlockDevice(new MemoryBlockDevice(image.Contents.ToArray(), readOnly: true), isReadOnly: false);
    }

    private static byte[] Filled(int sectors, byte value) => Enumerable.Repeat(value, sectors * S).ToArray();

    private static byte[] Read(IBlockDevice disk, long lba, int sectors)
    {
        var data = new byte[sectors * S];
        Assert.True(disk.TryRead(lba, data));
        return data;
    }

    [Fact]
    public void A_restored_overlay_reads_as_the_disk_read_when_it_was_captured()
    {
        var disk = Disk();
        Assert.True(disk.TryWrite(4, Filled(2, 0x44)));
        var captured = disk.CaptureOverlay();
        Assert.True(disk.TryWrite(5, Filled(1, 0x55)));  // over a captured sector
        Assert.True(disk.TryWrite(9, Filled(1, 0x99)));  // a sector the capture read from the image
        Assert.Equal(Filled(1, 0x55), Read(disk, 5, 1));

        disk.RestoreOverlay(captured);
        Assert.Equal([.. Filled(2, 0x44)], Read(disk, 4, 2));
        Assert.Equal(AtaRig.Pattern(9), Read(disk, 9, 1));
        Assert.Equal(2, disk.WrittenSectors);
        Assert.Equal(2, captured.SectorCount);
    }

    [Fact]
    public void Writes_after_a_restore_leave_the_capture_untouched_and_later_captures_stay_restorable()
    {
        var disk = Disk();
        var empty = disk.CaptureOverlay();
        Assert.True(disk.TryWrite(1, Filled(1, 0x11)));
        var one = disk.CaptureOverlay();
        disk.RestoreOverlay(empty);
        Assert.Equal(AtaRig.Pattern(1), Read(disk, 1, 1));
        Assert.True(disk.TryWrite(1, Filled(1, 0x21)));
        disk.RestoreOverlay(one);
        Assert.Equal(Filled(1, 0x11), Read(disk, 1, 1));
        disk.RestoreOverlay(empty);
        Assert.Equal(AtaRig.Pattern(1), Read(disk, 1, 1));
        Assert.Equal(0, disk.WrittenSectors);
    }

    [Fact]
    public void A_capture_names_the_sectors_written_since_the_previous_capture_or_restore()
    {
        var disk = Disk();
        Assert.True(disk.TryWrite(3, Filled(1, 3)));
        Assert.True(disk.TryWrite(5, Filled(1, 5)));
        Assert.True(disk.TryWrite(3, Filled(1, 4)));
        var first = disk.CaptureOverlay();
        Assert.Equal([3L, 5L], first.FreshSectors.Order());
        Assert.Empty(disk.CaptureOverlay().FreshSectors);
        Assert.True(disk.TryWrite(6, Filled(1, 6)));
        disk.RestoreOverlay(first); // the write to 6 is undone: nothing new to hold
        Assert.True(disk.TryWrite(7, Filled(1, 7)));
        Assert.Equal([7L], disk.CaptureOverlay().FreshSectors);
    }

    [Fact]
    public void An_overlay_restores_only_to_the_disk_it_came_from()
    {
        var a = Disk();
        var b = Disk();
        Assert.Throws<ArgumentException>(() => b.RestoreOverlay(a.CaptureOverlay()));
    }

    [Fact]
    public void A_write_that_fails_changes_neither_the_disk_nor_what_the_next_capture_holds()
    {
        var disk = Disk(8);
        Assert.False(disk.TryWrite(7, Filled(2, 1)));
        var capture = disk.CaptureOverlay();
        Assert.Empty(capture.FreshSectors);
        Assert.Equal(0, capture.SectorCount);
    }

    [Fact]
    public void Transfers_across_the_overlay_map_chunks_read_and_restore_sector_by_sector()
    {
        var disk = Disk(256);
        int chunk = CopyOnWriteBlockDevice.ChunkSectors;
        Assert.True(disk.TryWrite(chunk - 4, Filled(2 * chunk + 8, 0x11)));  // three chunks, partly
        var captured = disk.CaptureOverlay();
        Assert.True(disk.TryWrite(chunk - 1, Filled(2, 0x22)));              // across one boundary
        Assert.True(disk.TryWrite(3 * chunk + 10, Filled(1, 0x33)));         // a chunk of its own
        Assert.Equal(2 * chunk + 9, disk.WrittenSectors);

        disk.RestoreOverlay(captured);
        Assert.Equal(2 * chunk + 8, disk.WrittenSectors);
        byte[] expected = [.. AtaRig.Pattern(chunk - 6, 2), .. Filled(2 * chunk + 8, 0x11), .. AtaRig.Pattern(3 * chunk + 4, 8)];
        Assert.Equal(expected, Read(disk, chunk - 6, 2 * chunk + 18));
    }
}
