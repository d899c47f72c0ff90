using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>Broken images give a one-line error naming the problem and are never written to.</summary>
public sealed class BadImageTests
{
    // Header field offsets from the qcow2 specification.
    private const int Version = 4, BackingOffset = 8, BackingSize = 16, ClusterBits = 20, VirtualSize = 24, CryptMethod = 32;
    private const int L1Size = 36, L1Offset = 40, RefcountTableOffset = 48, RefcountTableClusters = 56;
    private const int SnapshotCount = 60, SnapshotsOffset = 64, Incompatible = 72, RefcountOrder = 96;

    public static TheoryData<string, int, int, ulong, string> HeaderCases() => new()
    {
        // fixture, field offset, field width, value, words the message must contain
        { "base.qcow2", 0, 4, 0x514649FC, "not a qcow2 image" },
        { "base.qcow2", Version, 4, 4, "version 4" },
        { "base.qcow2", Version, 4, 1, "version 1" },
        { "base.qcow2", ClusterBits, 4, 8, "cluster_bits 8" },
        { "base.qcow2", ClusterBits, 4, 22, "cluster_bits 22" },
        { "base.qcow2", VirtualSize, 8, 1UL << 40, "l1_size" },
        { "base.qcow2", VirtualSize, 8, ulong.MaxValue, "size" },
        { "base.qcow2", CryptMethod, 4, 1, "encrypted" },
        { "base.qcow2", L1Size, 4, 0x10000000, "l1_size" },
        { "base.qcow2", L1Offset, 8, 0x30200, "l1_table_offset" },
        { "base.qcow2", L1Offset, 8, 0x900000, "l1_table_offset" },
        { "base.qcow2", RefcountTableOffset, 8, 0x10100, "refcount_table_offset" },
        { "base.qcow2", RefcountTableOffset, 8, 0x1000000, "refcount_table_offset" },
        { "base.qcow2", RefcountTableClusters, 4, 0, "refcount_table_clusters" },
        { "base.qcow2", RefcountTableClusters, 4, 1000, "refcount_table_clusters" },
        { "base.qcow2", SnapshotCount, 4, 3, "snapshots_offset" },
        { "base.qcow2", Incompatible, 8, 1UL << 2, "external data file" },
        { "base.qcow2", Incompatible, 8, 1UL << 9, "bit 9" },
        { "base.qcow2", RefcountOrder, 4, 7, "refcount_order 7" },
        { "overlay.qcow2", BackingSize, 4, 2000, "backing_file_size" },
        { "overlay.qcow2", BackingOffset, 8, 0x20000, "backing_file_offset" },
        { "snapshots.qcow2", SnapshotsOffset, 8, 0xf000, "snapshot" },
    };

    [Theory]
    [MemberData(nameof(HeaderCases))]
    public void BadHeaderFieldIsNamedAndNothingIsWritten(string fixture, int offset, int width, ulong value, string expected)
    {
        using var dir = new TempDir();
        dir.CopyFixture("base.qcow2");
        var path = dir.CopyFixture(fixture);
        Patch(path, offset, width, value);
        AssertRefused(path, expected);
    }

    [Fact]
    public void UnknownIncompatibleFeatureIsNamedFromTheFeatureTable()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        // The feature-name table (at 0x78 after its 8-byte extension header) names bit 1 'corrupt bit'; rename entry 4 (bit 4) to an unknown bit 6.
        Patch(path, 0x78 + 4 * 48 + 1, 1, 6);
        using (var f = File.OpenWrite(path)) { f.Position = 0x78 + 4 * 48 + 2; f.Write("shiny new feature\0"u8); }
        Patch(path, Incompatible, 8, 1UL << 6);
        AssertRefused(path, "'shiny new feature'");
    }

    [Theory]
    [InlineData(40, "shorter than a qcow2 header")]
    [InlineData(0x30004, "l1_table_offset")]
    [InlineData(0x18000, "past the end of the file")]
    public void TruncatedImageIsRefused(long length, string expected)
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        using (var f = File.OpenWrite(path)) f.SetLength(length);
        AssertRefused(path, expected);
    }

    [Fact]
    public void HeaderExtensionsWithoutEndMarkerAreRefused()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        Patch(path, 0x74, 4, 0x10000); // the feature table's length now runs past the first cluster
        AssertRefused(path, "header extension");
    }

    [Fact]
    public void L2EntryPastTheEndFailsTheIoAndWritesNothing()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        Patch(path, 0x40000 + 8 * 16, 8, 0x8000_0000_1000_0000); // guest cluster 16 (0x100000) -> 256 MiB
        var before = Hash(path);
        using (var image = Qcow2Image.Open(path))
        {
            var buffer = new byte[512];
            Assert.False(image.TryRead(0x100000 / 512, buffer));
            Assert.Contains("past the end of the file", image.LastError);
            Assert.Contains("corrupt", image.LastError);
            Assert.False(image.TryWrite(0, buffer));
            Assert.Contains("past the end", image.LastError);
            Assert.False(image.TryWrite(0x1ff000 / 512, buffer)); // refused after corruption was seen
        }
        Assert.Equal(before, Hash(path));
    }

    [Fact]
    public void L1EntryPastTheEndIsRefusedAtOpen()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        Patch(path, 0x30000, 8, 0x8000_0000_0100_0000);
        AssertRefused(path, "L1 entry 0");
    }

    [Fact]
    public void RefcountBlockPastTheEndIsRefusedAtOpen()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        Patch(path, 0x10000, 8, 0x1000_0000);
        AssertRefused(path, "refcount table entry 0");
    }

    [Fact]
    public void RefcountOverflowIsAnErrorNotAWrap()
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "refcount_bits=1", dir["disk.qcow2"], "1M");
        var before = Hash(dir["disk.qcow2"]);
        using var file = new ImageFile(dir["disk.qcow2"], writable: true);
        var header = Qcow2Header.Parse(file);
        var refcounts = new RefcountStore(file, header, 4);
        Assert.Equal(1UL, refcounts.Get(0)); // the header cluster
        var e = Assert.Throws<Qcow2Exception>(() => refcounts.Increment(0));
        Assert.Contains("overflow 1-bit refcounts", e.Message);
        Assert.Equal(before, Hash(dir["disk.qcow2"]));
    }

    [Fact]
    public void BackingLoopIsDetected()
    {
        using var dir = new TempDir();
        Qcow2Image.Create(dir["a.qcow2"], 1 << 20).Dispose();
        Qcow2Image.Create(dir["b.qcow2"], 1 << 20, backingFile: "a.qcow2", backingFormat: "qcow2").Dispose();
        QemuImg.MustRun("rebase", "-u", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", dir["a.qcow2"]);
        AssertRefused(dir["a.qcow2"], "backing chain loop");
        Qcow2Image.Create(dir["self.qcow2"], 1 << 20).Dispose();
        QemuImg.MustRun("rebase", "-u", "-f", "qcow2", "-b", "self.qcow2", "-F", "qcow2", dir["self.qcow2"]);
        AssertRefused(dir["self.qcow2"], "backing chain loop");
    }

    [Fact]
    public void MissingBackingFileIsNamed()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("overlay.qcow2");
        AssertRefused(path, "cannot open backing file 'base.qcow2'");
    }

    [Fact]
    public void CorruptImageReadsButRefusesToBeWritten()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("base.qcow2");
        Patch(path, Incompatible, 8, 1UL << 1);
        var before = Hash(path);
        using (var image = Qcow2Image.Open(path, readOnly: true))
        {
            Assert.True(image.IsCorrupt);
            var buffer = new byte[512];
            Assert.True(image.TryRead(0, buffer));
            Assert.All(buffer, b => Assert.Equal(0x11, b));
            Assert.False(image.TryWrite(0, buffer));
        }
        var e = Assert.Throws<Qcow2Exception>(() => Qcow2Image.Open(path));
        Assert.Contains("marked corrupt", e.Message);
        Assert.Equal(before, Hash(path));
    }

    private static void AssertRefused(string path, string expected)
    {
        var before = Hash(path);
        foreach (var readOnly in new[] { false, true })
        {
            var e = Assert.Throws<Qcow2Exception>(() => Qcow2Image.Open(path, readOnly).Dispose());
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Equal(before, Hash(path));
    }

    internal static void Patch(string path, long offset, int width, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        using var f = File.OpenWrite(path);
        f.Position = offset;
        f.Write(bytes, 8 - width, width);
    }

    internal static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
