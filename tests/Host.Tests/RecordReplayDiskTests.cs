using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Io;
using HexEmu.Domain.Storage;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Tests;

/// <summary>
/// While recording or replaying, disk images are never modified (issue 4): VmBuilder opens them
/// read-only behind an in-memory overlay. Checked on real files, byte for byte.
/// </summary>
public sealed class RecordReplayDiskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-rrdisk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Image(int sectors, string name = "disk.img")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, [.. Enumerable.Range(0, sectors * 512).Select(i => (byte)(i * 13 + i / 512))]);
        return path;
    }

    private sealed class NoIrq : IIrqLine
    {
        public void Set(bool high) { }
    }

    /// <summary>A guest-style burst on the primary master: WRITE SECTORS of <paramref name="count"/> sectors at <paramref name="lba"/>, then FLUSH CACHE.</summary>
    private static void WriteThroughIde(IBlockDevice disk, int lba, int count, byte fill)
    {
        var bus = new IoBus();
        var channel = new AtaChannel(AtaChannelPorts.Primary, new NoIrq(), disk, null);
        channel.MapPorts(bus, 0x1F0, 0x3F6);
        bus.Write(0x1F6, 1, (uint)(0xE0 | (lba >> 24)));
        bus.Write(0x1F2, 1, (uint)count);
        bus.Write(0x1F3, 1, (uint)(lba & 0xFF));
        bus.Write(0x1F4, 1, (uint)((lba >> 8) & 0xFF));
        bus.Write(0x1F5, 1, (uint)((lba >> 16) & 0xFF));
        bus.Write(0x1F7, 1, 0x30); // WRITE SECTORS
        for (int word = 0; word < count * 256; word++) bus.Write(0x1F0, 2, (uint)(fill | (fill << 8)));
        Assert.Equal(0, (int)bus.Read(0x1F7, 1) & 0x09); // no DRQ, no ERR: all accepted
        bus.Write(0x1F7, 1, 0xE7); // FLUSH CACHE
        Assert.Equal(0, (int)bus.Read(0x1F7, 1) & 0x09);
    }

    private static byte[] ReadThroughDevice(IBlockDevice disk, long lba, int count)
    {
        var data = new byte[count * 512];
        Assert.True(disk.TryRead(lba, data));
        return data;
    }

    [Fact]
    public void Under_record_replay_guest_writes_read_back_but_never_reach_the_image()
    {
        string path = Image(128);
        byte[] original = File.ReadAllBytes(path);
        using var disks = new VmBuilder.Disks();
        var attached = VmBuilder.OpenDisks([new DriveSpec(path, DriveInterface.Ide, 0, "ide0-hd0", ReadOnly: false)], disks, overlayAll: true);
        var disk = attached[0]!;
        Assert.IsType<CopyOnWriteBlockDevice>(disk);
        Assert.False(disk.IsReadOnly); // the guest still sees a writable disk

        WriteThroughIde(disk, lba: 10, count: 4, fill: 0x5A);
        WriteThroughIde(disk, lba: 12, count: 4, fill: 0xA5);
        Assert.Equal([.. Enumerable.Repeat((byte)0x5A, 1024), .. Enumerable.Repeat((byte)0xA5, 2048)], ReadThroughDevice(disk, 10, 6));
        Assert.Equal(original[(9 * 512)..(10 * 512)], ReadThroughDevice(disk, 9, 1));

        disks.Dispose();
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void Without_record_replay_the_same_writes_reach_the_image()
    {
        string path = Image(128);
        byte[] original = File.ReadAllBytes(path);
        using (var disks = new VmBuilder.Disks())
        {
            var attached = VmBuilder.OpenDisks([new DriveSpec(path, DriveInterface.Ide, 0, "ide0-hd0", ReadOnly: false)], disks, overlayAll: false);
            WriteThroughIde(attached[0]!, lba: 10, count: 4, fill: 0x5A);
        }
        byte[] after = File.ReadAllBytes(path);
        Assert.Equal(Enumerable.Repeat((byte)0x5A, 2048), after[(10 * 512)..(14 * 512)]);
        Assert.Equal(original[..(10 * 512)], after[..(10 * 512)]);
    }

    [Fact]
    public void A_read_only_drive_stays_read_only_to_the_guest_under_the_overlay()
    {
        string path = Image(16);
        using var disks = new VmBuilder.Disks();
        var attached = VmBuilder.OpenDisks([new DriveSpec(path, DriveInterface.Ide, 2, "ide1-hd0", ReadOnly: true)], disks, overlayAll: true);
        Assert.Null(attached[0]);
        Assert.True(attached[2]!.IsReadOnly);
        Assert.False(attached[2]!.TryWrite(0, new byte[512]));
        Assert.True(disks.Info[0].ReadOnly);
    }

    [Fact]
    public void An_image_held_open_for_reading_elsewhere_still_attaches_under_the_overlay()
    {
        string path = Image(16);
        // Another handle reading the file (as hashing it for the replay header does) does not get in the way.
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var disks = new VmBuilder.Disks();
        var attached = VmBuilder.OpenDisks([new DriveSpec(path, DriveInterface.Ide, 0, "ide0-hd0", ReadOnly: false)], disks, overlayAll: true);
        Assert.True(attached[0]!.TryWrite(3, new byte[512]));
        Assert.Equal(new byte[512], ReadThroughDevice(attached[0]!, 3, 1));
    }

    /// <summary>
    /// The ata guest writes to its primary disk, reads its writes back, and puts every sector back
    /// as it was: the image's bytes end the same either way, but its modification time tells
    /// whether anything was written to the file.
    /// </summary>
    private (int ExitCode, byte[] Bytes, DateTime Modified, string Image) RunAtaGuest(params string[] icount)
    {
        string image = Path.Combine(_dir, $"ata-{Guid.NewGuid():N}.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), image);
        var longAgo = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(image, longAgo);
        string secondary = Path.Combine(_dir, $"ata2-{Guid.NewGuid():N}.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), secondary);
        var run = HexEmuProcess.Run(TimeSpan.FromSeconds(60), [
            "-kernel", HexEmuProcess.GuestPath("ata.elf"), "-display", "none", "-device", "isa-debug-exit",
            "-serial", $"file:{Path.Combine(_dir, "serial.txt")}",
            "-drive", $"file={image},format=raw,if=ide,index=0", "-drive", $"file={secondary},format=raw,if=ide,index=2",
            .. icount]);
        return (run.ExitCode, File.ReadAllBytes(image), File.GetLastWriteTimeUtc(image), image);
    }

    [Fact]
    public void A_recording_guest_that_writes_its_disk_passes_and_leaves_the_image_file_untouched()
    {
        byte[] original = File.ReadAllBytes(HexEmuProcess.GuestPath("ata.img"));
        var plain = RunAtaGuest("-icount", "shift=0");
        Assert.Equal(3, plain.ExitCode); // every check of the guest passed
        Assert.Equal(original, plain.Bytes);
        Assert.NotEqual(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), plain.Modified); // written (and put back)

        var recorded = RunAtaGuest("-icount", $"shift=0,rr=record,rrfile={Path.Combine(_dir, "ata.rr")}");
        Assert.Equal(3, recorded.ExitCode); // the guest read its own writes back from the overlay
        Assert.Equal(original, recorded.Bytes);
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), recorded.Modified); // never opened for writing
    }
}
