using System.Security.Cryptography;
using HexEmu.Domain.Storage;
using static HexEmu.Adapters.Qcow2.Tests.QemuMadeImageTests;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// Writes through <see cref="Qcow2Image"/>, judged by the real qemu-img: <c>check</c> must find no
/// error and no leak, and <c>convert -O raw</c> must give back exactly the bytes we wrote.
/// </summary>
public sealed class WriteTests
{
    private const long Size = 4L * 1024 * 1024;

    [Theory]
    [InlineData("cluster_size=65536")]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=4096")]
    [InlineData("cluster_size=2M")]
    [InlineData("compat=0.10")]
    [InlineData("refcount_bits=1")]
    [InlineData("refcount_bits=2")]
    [InlineData("refcount_bits=4")]
    [InlineData("refcount_bits=8")]
    [InlineData("refcount_bits=32")]
    [InlineData("refcount_bits=64")]
    [InlineData("extended_l2=on,cluster_size=32k")]
    [InlineData("extended_l2=on,cluster_size=16384")]
    [InlineData("lazy_refcounts=on")]
    public void RandomWritesOnQemuCreatedImage(string options)
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", options, dir["disk.qcow2"], Size.ToString());
        var shadow = new byte[Size];
        WriteAndJudge(dir, "disk.qcow2", shadow, options.GetHashCode(StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(21)]
    public void RandomWritesOnOurOwnCreatedImage(int clusterBits)
    {
        using var dir = new TempDir();
        Qcow2Image.Create(dir["disk.qcow2"], Size, clusterBits).Dispose();
        QemuImg.AssertClean(dir["disk.qcow2"]);
        var shadow = new byte[Size];
        WriteAndJudge(dir, "disk.qcow2", shadow, clusterBits);
    }

    [Fact]
    public void CreatedImageWithAHugeL1NeedsSeveralRefcountBlocks()
    {
        using var dir = new TempDir();
        const long size = 20L << 30; // 512-byte clusters: a 5 MiB L1 table, counted by 40 refcount blocks
        using (var image = Qcow2Image.Create(dir["big.qcow2"], size, 9))
        {
            image.Write(size - 3, new byte[] { 1, 2, 3 });
            image.Write(12345, new byte[] { 4, 5 });
        }
        QemuImg.AssertClean(dir["big.qcow2"]);
        var (_, info) = QemuImg.Run("info", "--output=json", dir["big.qcow2"]);
        Assert.Contains($"\"virtual-size\": {size}", info);
        using var reopened = Qcow2Image.Open(dir["big.qcow2"], readOnly: true);
        var tail = new byte[4];
        reopened.ReadGuest(size - 4, tail);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, tail);
    }

    [Fact]
    public void CreatedImageIsWhatQemuImgInfoExpects()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["base.raw"], new byte[1 << 20]);
        Qcow2Image.Create(dir["disk.qcow2"], 5_000_000, 16, "base.raw").Dispose();
        var (exit, info) = QemuImg.Run("info", "--output=json", dir["disk.qcow2"]);
        Assert.Equal(0, exit);
        Assert.Contains("\"virtual-size\": 5000192", info); // rounded up to a sector, as qemu-img does
        Assert.Contains("\"backing-filename\": \"base.raw\"", info);
        Assert.Contains("\"backing-filename-format\": \"raw\"", info);
        Assert.Contains("\"compat\": \"1.1\"", info);
        Assert.Contains("\"refcount-bits\": 16", info);
        QemuImg.AssertClean(dir["disk.qcow2"]);
    }

    [Theory]
    [InlineData("raw", "cluster_size=4096")]
    [InlineData("qcow2", "cluster_size=65536")]
    [InlineData("qcow2", "extended_l2=on,cluster_size=32k")]
    public void WritesOverABackingFileCopyTheRestOfTheCluster(string backingFormat, string options)
    {
        using var dir = new TempDir();
        var baseContent = Patterns.Mixed((int)Size / 2, 21); // a backing file shorter than the overlay
        File.WriteAllBytes(dir["base.raw"], baseContent);
        var baseName = "base.raw";
        if (backingFormat == "qcow2")
        {
            QemuImg.MustRun("convert", "-f", "raw", "-O", "qcow2", "-c", dir["base.raw"], dir["base.qcow2"]);
            baseName = "base.qcow2";
        }
        QemuImg.MustRun("create", "-f", "qcow2", "-o", options, "-b", baseName, "-F", backingFormat, dir["top.qcow2"], Size.ToString());
        var shadow = new byte[Size];
        baseContent.CopyTo(shadow, 0);
        var baseBefore = SHA256.HashData(File.ReadAllBytes(dir[baseName]));
        WriteAndJudge(dir, "top.qcow2", shadow, 22);
        Assert.Equal(baseBefore, SHA256.HashData(File.ReadAllBytes(dir[baseName])));
    }

    [Fact]
    public void OverwritingCompressedClustersReleasesThem()
    {
        using var dir = new TempDir();
        var content = Patterns.Mixed((int)Size, 31);
        File.WriteAllBytes(dir["source.raw"], content);
        QemuImg.MustRun("convert", "-f", "raw", "-O", "qcow2", "-c", "-o", "cluster_size=4096", dir["source.raw"], dir["disk.qcow2"]);
        WriteAndJudge(dir, "disk.qcow2", content, 32);
    }

    [Fact]
    public void ManyAllocationsOnTinyClustersGrowTheRefcountTable()
    {
        using var dir = new TempDir();
        const long size = 24L * 1024 * 1024;
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "cluster_size=512", dir["disk.qcow2"], size.ToString());
        var tableBefore = ReadRefcountTableClusters(dir["disk.qcow2"]);
        var shadow = new byte[size];
        using (var image = Qcow2Image.Open(dir["disk.qcow2"]))
        {
            // 20 MiB of 512-byte clusters: far more than one refcount-table cluster (64 blocks × 256 clusters) covers.
            var chunk = Patterns.Mixed(1 << 20, 41, 512);
            for (var i = 0; i < 20; i++)
            {
                chunk[0] = (byte)i;
                Assert.True(image.TryWrite(i * (1L << 20) / 512, chunk), image.LastError);
                chunk.CopyTo(shadow, i * (1 << 20));
            }
        }
        Assert.True(ReadRefcountTableClusters(dir["disk.qcow2"]) > tableBefore);
        QemuImg.AssertClean(dir["disk.qcow2"]);
        AssertSame(shadow, QemuImg.ToRaw(dir["disk.qcow2"], dir.Path));
    }

    [Fact]
    public void WritesIntoAnImageWithSnapshotsKeepTheSnapshotsIntact()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("snapshots.qcow2");
        var shadow = QemuImg.ToRaw(path, dir.Path);
        WriteAndJudge(dir, "snapshots.qcow2", shadow, 51, count: 60);
        // Expected snapshot hashes from MANIFEST.md (snap1, snap2).
        foreach (var (id, sha) in new[] { ("1", "347fbad1c8c8eb6318abece1243e1b08e811aadd449b84a74360bc6f98f306a9"), ("2", "dd4df478fe1b27c3ca630bc38d262c277dc05b4c750fbf866138a966f42f2d67") })
        {
            QemuImg.MustRun("convert", "-O", "raw", "-l", "snapshot.id=" + id, path, dir["snap.raw"]);
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir["snap.raw"]))));
        }
        var (_, list) = QemuImg.Run("snapshot", "-l", path);
        Assert.Contains("snap1", list);
        Assert.Contains("snap2", list);
    }

    [Theory]
    [InlineData("cluster_size=512")]
    [InlineData("extended_l2=on,cluster_size=16384")]
    public void TinyCachesEvictTablesWithoutLosingUpdates(string options)
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", options, dir["disk.qcow2"], Size.ToString());
        var shadow = new byte[Size];
        WriteAndJudge(dir, "disk.qcow2", shadow, 61, cacheBytes: 1);
    }

    [Theory]
    [InlineData("cluster_size=4096")]
    [InlineData("cluster_size=65536,compat=0.10")]
    [InlineData("extended_l2=on,cluster_size=32k")]
    public void WritesAfterAQemuSnapshotCopyTheSharedL2TablesAndClusters(string options)
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", options, dir["disk.qcow2"], Size.ToString());
        var shadow = new byte[Size];
        WriteAndJudge(dir, "disk.qcow2", shadow, 71, count: 40);
        var atSnapshot = (byte[])shadow.Clone();
        QemuImg.MustRun("snapshot", "-c", "s1", dir["disk.qcow2"]); // every L2 table and cluster now shared
        WriteAndJudge(dir, "disk.qcow2", shadow, 72, count: 40);
        QemuImg.MustRun("convert", "-O", "raw", "-l", "snapshot.name=s1", dir["disk.qcow2"], dir["s1.raw"]);
        AssertSame(atSnapshot, File.ReadAllBytes(dir["s1.raw"]));
        QemuImg.MustRun("snapshot", "-d", "s1", dir["disk.qcow2"]); // qemu frees what only s1 held: refcounts must add up
        QemuImg.AssertClean(dir["disk.qcow2"]);
        AssertSame(shadow, QemuImg.ToRaw(dir["disk.qcow2"], dir.Path));
    }

    [Fact]
    public void ZeroClustersAndV2ImagesAcceptWrites()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "overlay.qcow2", "v2.qcow2", "ext-l2.qcow2" })
        {
            dir.CopyFixture("base.qcow2");
            var path = dir.CopyFixture(name);
            var shadow = QemuImg.ToRaw(path, dir.Path);
            WriteAndJudge(dir, name, shadow, name.Length, count: 40);
        }
    }

    /// <summary>Seeded writes (sector-aligned through IBlockDevice, byte-exact through Write), then qemu-img's verdict.</summary>
    private static void WriteAndJudge(TempDir dir, string name, byte[] shadow, int seed, int count = 120, long cacheBytes = Qcow2Image.DefaultCacheBytes)
    {
        var random = new Random(seed);
        using (var image = Qcow2Image.Open(dir[name], cacheBytes: cacheBytes))
        {
            for (var i = 0; i < count; i++)
            {
                var maxLength = random.Next(3) == 0 ? 300_000 : 9000;
                if (random.Next(2) == 0)
                {
                    var sectors = random.Next(1, maxLength / 512 + 2);
                    var lba = random.NextInt64(shadow.Length / 512 - sectors + 1);
                    var data = Patterns.Mixed(sectors * 512, random.Next(), 512);
                    Assert.True(image.TryWrite(lba, data), image.LastError);
                    data.CopyTo(shadow, lba * 512);
                }
                else
                {
                    var length = random.Next(1, maxLength);
                    var offset = random.NextInt64(shadow.Length - length + 1);
                    var data = Patterns.Mixed(length, random.Next(), 1000);
                    image.Write(offset, data);
                    data.CopyTo(shadow, offset);
                }
            }
            // Our own reader agrees before qemu-img is asked.
            var read = new byte[shadow.Length];
            Assert.True(image.TryRead(0, read), image.LastError);
            AssertSame(shadow, read);
            Assert.True(image.TryFlush(), image.LastError);
            Assert.Equal(shadow.Length / IBlockDevice.SectorSize, image.SectorCount);
        }
        QemuImg.AssertClean(dir[name]);
        AssertSame(shadow, QemuImg.ToRaw(dir[name], dir.Path));
    }

    private static uint ReadRefcountTableClusters(string path)
    {
        var header = new byte[60];
        using var f = File.OpenRead(path);
        f.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(56));
    }
}
