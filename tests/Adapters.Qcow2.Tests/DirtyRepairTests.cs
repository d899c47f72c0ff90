using static HexEmu.Adapters.Qcow2.Tests.BadImageTests;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>A dirty image (lazy refcounts, crashed) reads as is and is repaired when opened for writing, as QEMU does.</summary>
public sealed class DirtyRepairTests
{
    [Fact]
    public void ReadOnlyOpenLeavesTheDirtyImageUntouched()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("dirty-lazy.qcow2");
        var before = Hash(path);
        using (var image = Qcow2Image.Open(path, readOnly: true))
        {
            Assert.True(image.IsDirty);
            var data = new byte[0x2000];
            image.ReadGuest(0, data);
            Assert.All(data, b => Assert.Equal(0x99, b)); // MANIFEST: 0x0..0x1fff = 0x99
        }
        Assert.Equal(before, Hash(path));
    }

    [Fact]
    public void WritableOpenRepairsRefcountsAndClearsTheDirtyBit()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("dirty-lazy.qcow2");
        Assert.Equal(2, QemuImg.Run("check", path).Exit); // qemu-img sees the stale refcounts first
        using (var image = Qcow2Image.Open(path))
        {
            Assert.False(image.IsDirty);
            image.Write(0x1800, new byte[] { 7, 7, 7 });
        }
        QemuImg.AssertClean(path);
        var (_, info) = QemuImg.Run("info", "--output=json", path);
        Assert.Contains("\"dirty-flag\": false", info);
        var raw = QemuImg.ToRaw(path, dir.Path);
        Assert.Equal(0x99, raw[0x17ff]);
        Assert.Equal(7, raw[0x1802]);
        Assert.Equal(0x99, raw[0x1803]);
        Assert.Equal(0, raw[0x2000]);
    }

    [Fact]
    public void RepairRebuildsEveryRefcountOfAnImageWithSnapshotsAndCompressedClusters()
    {
        using var dir = new TempDir();
        foreach (var (name, block) in new[] { ("snapshots.qcow2", 0x2000L), ("compressed.qcow2", 0x20000L) })
        {
            var path = dir.CopyFixture(name);
            var content = QemuImg.ToRaw(path, dir.Path);
            using (var f = File.OpenWrite(path)) { f.Position = block; f.Write(new byte[64]); } // refcounts of clusters 0-31 wiped
            Patch(path, 72, 8, 1);  // dirty
            Patch(path, 80, 8, 1);  // lazy refcounts
            Assert.Equal(2, QemuImg.Run("check", path).Exit);
            Qcow2Image.Open(path).Dispose();
            QemuImg.AssertClean(path);
            QemuMadeImageTests.AssertSame(content, QemuImg.ToRaw(path, dir.Path));
        }
    }
}
