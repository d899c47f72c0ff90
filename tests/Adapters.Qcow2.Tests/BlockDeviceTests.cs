using HexEmu.Domain.Storage;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>The IBlockDevice contract the IDE controller relies on.</summary>
public sealed class BlockDeviceTests
{
    [Fact]
    public void RangesOutsideTheDiskAndReadOnlyWritesAnswerFalse()
    {
        using var dir = new TempDir();
        using (var created = Qcow2Image.Create(dir["disk.qcow2"], 1 << 20, 12))
        {
            IBlockDevice disk = created;
            Assert.Equal(2048, disk.SectorCount);
            Assert.False(disk.IsReadOnly);
            var sector = new byte[512];
            Assert.False(disk.TryRead(2048, sector));
            Assert.False(disk.TryRead(-1, sector));
            Assert.False(disk.TryWrite(2047, new byte[1024]));
            Assert.False(disk.TryRead(0, new byte[100])); // not a whole sector
            sector.AsSpan().Fill(0x5e);
            Assert.True(disk.TryWrite(2047, sector));
            Assert.True(disk.TryFlush());
        }
        var before = File.ReadAllBytes(dir["disk.qcow2"]);
        using (var image = Qcow2Image.Open(dir["disk.qcow2"], readOnly: true))
        {
            IBlockDevice disk = image;
            Assert.True(disk.IsReadOnly);
            var sector = new byte[512];
            Assert.True(disk.TryRead(2047, sector));
            Assert.All(sector, b => Assert.Equal(0x5e, b));
            Assert.False(disk.TryWrite(0, sector));
            Assert.Contains("read-only", image.LastError);
        }
        Assert.Equal(before, File.ReadAllBytes(dir["disk.qcow2"]));
        QemuImg.AssertClean(dir["disk.qcow2"]);
    }

    [Fact]
    public void ZstdCompressionIsRefusedByName()
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "compression_type=zstd", dir["z.qcow2"], "1M");
        var e = Assert.Throws<Qcow2Exception>(() => Qcow2Image.Open(dir["z.qcow2"], readOnly: true));
        Assert.Contains("zstd", e.Message);
    }

    [Fact]
    public void BackingFormatIsProbedWhenNotGiven()
    {
        using var dir = new TempDir();
        dir.CopyFixture("base.qcow2");
        using (var overlay = Qcow2Image.Create(dir["top.qcow2"], 2 << 20, 16, "base.qcow2"))
        {
            Assert.Equal("qcow2", overlay.BackingFormat);
            var data = new byte[512];
            overlay.ReadGuest(0x1ff000, data);
            Assert.All(data, b => Assert.Equal(0x44, b)); // MANIFEST: base.qcow2 0x1ff000.. = 0x44
        }
        QemuImg.AssertClean(dir["top.qcow2"]);
    }
}
