using HexEmu.Host.Storage;

namespace HexEmu.Host.Tests;

/// <summary>RawImageBlockDevice on real temporary files.</summary>
public sealed class RawImageBlockDeviceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-raw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Image(int bytes, Func<int, byte>? content = null)
    {
        var path = Path.Combine(_dir, $"disk-{Guid.NewGuid():N}.img");
        var data = new byte[bytes];
        for (int i = 0; i < bytes; i++) data[i] = content?.Invoke(i) ?? (byte)(i * 13 + 1);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public void Sectors_are_the_files_512_byte_slices()
    {
        var path = Image(4 * 512);
        using var disk = new RawImageBlockDevice(path, readOnly: false);
        Assert.Equal(4, disk.SectorCount);
        Assert.False(disk.IsReadOnly);
        var two = new byte[1024];
        Assert.True(disk.TryRead(2, two));
        Assert.Equal(File.ReadAllBytes(path)[1024..], two);
    }

    [Fact]
    public void Writes_land_in_the_file_in_place()
    {
        var path = Image(4 * 512);
        var original = File.ReadAllBytes(path);
        var data = Enumerable.Range(0, 512).Select(i => (byte)(255 - i)).ToArray();
        using (var disk = new RawImageBlockDevice(path, readOnly: false))
        {
            Assert.True(disk.TryWrite(1, data));
            Assert.True(disk.TryFlush());
        }
        var after = File.ReadAllBytes(path);
        Assert.Equal(4 * 512, after.Length);
        Assert.Equal(data, after[512..1024]);
        Assert.Equal(original[..512], after[..512]);
        Assert.Equal(original[1024..], after[1024..]);
    }

    // qemu-system-i386 7.2 does both of these: tests/guests/ata.rom on a 1000-byte image sums
    // sector 1 as zero-padded, and on a 1100-byte image its write of sector 2 grows the file to 1536 bytes.
    [Fact]
    public void A_partial_last_sector_counts_and_reads_zero_padded()
    {
        var path = Image(2 * 512 + 100);
        using var disk = new RawImageBlockDevice(path, readOnly: true);
        Assert.Equal(3, disk.SectorCount);
        var last = Enumerable.Repeat((byte)0xEE, 512).ToArray();
        Assert.True(disk.TryRead(2, last));
        Assert.Equal(File.ReadAllBytes(path)[1024..], last[..100]);
        Assert.All(last[100..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Writing_the_partial_last_sector_extends_the_file_to_the_whole_sector()
    {
        var path = Image(512 + 1);
        using (var disk = new RawImageBlockDevice(path, readOnly: false))
        {
            Assert.Equal(2, disk.SectorCount);
            Assert.True(disk.TryWrite(1, Enumerable.Repeat((byte)0x5A, 512).ToArray()));
        }
        var after = File.ReadAllBytes(path);
        Assert.Equal(1024, after.Length);
        Assert.All(after[512..], b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void A_file_smaller_than_a_sector_is_one_sector()
    {
        using var disk = new RawImageBlockDevice(Image(1), readOnly: true);
        Assert.Equal(1, disk.SectorCount);
    }

    [Fact]
    public void An_empty_file_has_no_sectors()
    {
        using var disk = new RawImageBlockDevice(Image(0), readOnly: false);
        Assert.Equal(0, disk.SectorCount);
        Assert.False(disk.TryRead(0, new byte[512]));
    }

    [Fact]
    public void A_read_only_image_refuses_writes_and_stays_unchanged()
    {
        var path = Image(2 * 512);
        var original = File.ReadAllBytes(path);
        using (var disk = new RawImageBlockDevice(path, readOnly: true))
        {
            Assert.True(disk.IsReadOnly);
            Assert.False(disk.TryWrite(0, new byte[512]));
            Assert.True(disk.TryFlush());
            Assert.True(disk.TryRead(0, new byte[512]));
        }
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_read_only_image_opens_even_when_the_file_may_not_be_written()
    {
        var path = Image(512);
        if (OperatingSystem.IsWindows()) File.SetAttributes(path, FileAttributes.ReadOnly);
        else File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using var disk = new RawImageBlockDevice(path, readOnly: true);
        Assert.True(disk.TryRead(0, new byte[512]));
    }

    [Fact]
    public void Transfers_outside_the_image_fail_without_throwing()
    {
        using var disk = new RawImageBlockDevice(Image(2 * 512), readOnly: false);
        Assert.False(disk.TryRead(2, new byte[512]));
        Assert.False(disk.TryRead(1, new byte[1024]));
        Assert.False(disk.TryWrite(2, new byte[512]));
        Assert.False(disk.TryRead(0, new byte[100]));
    }

    [Fact]
    public void Host_IO_failures_become_false()
    {
        var disk = new RawImageBlockDevice(Image(2 * 512), readOnly: false);
        disk.Dispose(); // the handle is gone, as if the file system went away
        Assert.False(disk.TryRead(0, new byte[512]));
        Assert.False(disk.TryWrite(0, new byte[512]));
        Assert.False(disk.TryFlush());
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error_naming_it()
    {
        var path = Path.Combine(_dir, "nope.img");
        var e = Assert.Throws<DiskImageException>(() => new RawImageBlockDevice(path, readOnly: false));
        Assert.Equal($"could not open disk image '{path}': No such file or directory", e.Message);
        Assert.Equal(path, e.ImagePath);
    }

    [Fact]
    public void A_missing_directory_is_a_one_line_error_naming_it()
    {
        var path = Path.Combine(_dir, "no-dir", "disk.img");
        var e = Assert.Throws<DiskImageException>(() => new RawImageBlockDevice(path, readOnly: true));
        Assert.Equal($"could not open disk image '{path}': No such file or directory", e.Message);
    }

    [Fact]
    public void A_directory_is_not_a_disk_image()
    {
        var e = Assert.Throws<DiskImageException>(() => new RawImageBlockDevice(_dir, readOnly: true));
        Assert.Equal($"could not open disk image '{_dir}': is a directory", e.Message);
    }

    [Fact]
    public void An_empty_path_is_a_one_line_error()
    {
        var e = Assert.Throws<DiskImageException>(() => new RawImageBlockDevice("", readOnly: true));
        Assert.Equal("could not open disk image '': not a valid file name", e.Message);
    }

    [Fact]
    public void Writes_are_visible_to_a_later_open()
    {
        var path = Image(8 * 512, _ => 0);
        var data = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();
        using (var disk = new RawImageBlockDevice(path, readOnly: false))
            Assert.True(disk.TryWrite(5, data));
        using (var again = new RawImageBlockDevice(path, readOnly: true))
        {
            var back = new byte[1024];
            Assert.True(again.TryRead(5, back));
            Assert.Equal(data, back);
        }
    }
}
