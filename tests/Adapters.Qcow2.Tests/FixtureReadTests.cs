using System.Security.Cryptography;
using HexEmu.Domain.Storage;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>Every reference image made by QEMU reads exactly as MANIFEST.md says.</summary>
public sealed class FixtureReadTests
{
    private static readonly IReadOnlyDictionary<string, ManifestEntry> Manifest = ManifestEntry.Load();

    public static TheoryData<string> Images()
    {
        var data = new TheoryData<string>();
        foreach (var name in ManifestEntry.Load().Keys) data.Add(name);
        return data;
    }

    [Fact]
    public void ManifestListsEveryQcow2Fixture()
    {
        var files = Directory.GetFiles(Fixtures.Directory, "*.qcow2").Select(Path.GetFileName).Order();
        Assert.Equal(files, Manifest.Keys.Order());
        Assert.All(Manifest.Values, e => Assert.NotEmpty(e.Ranges));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void ActiveLayerMatchesManifest(string name)
    {
        var expected = Manifest[name];
        using var image = Qcow2Image.Open(Fixtures.PathOf(name), readOnly: true);
        Assert.Equal(expected.Size, image.Size);
        Assert.Equal(expected.Cluster, image.ClusterSize);
        Assert.Equal(expected.Snapshots, image.Snapshots.Count);

        var content = new byte[image.Size];
        Assert.True(image.TryRead(0, content), image.LastError);
        foreach (var (from, to, value) in expected.Ranges)
        {
            var wrong = Array.FindIndex(content, (int)from, (int)(to - from + 1), b => b != value);
            Assert.True(wrong < 0, $"{name}: byte 0x{wrong:x} should be 0x{value:x2} (range 0x{from:x}..0x{to:x})");
        }
        Assert.Equal(expected.Sha256, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    [Fact]
    public void UnalignedReadsCrossClustersAndBackingBoundaries()
    {
        // overlay.qcow2: 0xa2 at 0x100200..0x1003ff inside a COW'd cluster of 0x33; 0x44 from base.qcow2 at the end.
        using var image = Qcow2Image.Open(Fixtures.PathOf("overlay.qcow2"), readOnly: true);
        var buffer = new byte[0x300];
        image.ReadGuest(0x100100, buffer);
        Assert.All(buffer[..0x100], b => Assert.Equal(0x33, b));
        Assert.All(buffer[0x100..0x300], b => Assert.Equal(0xa2, b));
        var tail = new byte[0x1001];
        image.ReadGuest(0x1fefff, tail);
        Assert.Equal(0, tail[0]);
        Assert.All(tail[1..], b => Assert.Equal(0x44, b));
    }

    [Fact]
    public void HeaderFactsOfSpecialFixtures()
    {
        using (var v2 = Qcow2Image.Open(Fixtures.PathOf("v2.qcow2"), readOnly: true)) Assert.Equal(2, v2.Version);
        using (var ext = Qcow2Image.Open(Fixtures.PathOf("ext-l2.qcow2"), readOnly: true)) Assert.True(ext.HasExtendedL2);
        using (var dirty = Qcow2Image.Open(Fixtures.PathOf("dirty-lazy.qcow2"), readOnly: true)) Assert.True(dirty.IsDirty);
        using var overlay = Qcow2Image.Open(Fixtures.PathOf("overlay-raw.qcow2"), readOnly: true);
        Assert.Equal("base.raw", overlay.BackingFile);
        Assert.Equal("raw", overlay.BackingFormat);
        Assert.Equal(1048576 / IBlockDevice.SectorSize, overlay.SectorCount);
    }
}
