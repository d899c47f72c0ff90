namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>Images written by the real qemu-img in every layout it offers read back exactly.</summary>
public sealed class QemuMadeImageTests
{
    private const int Size = 3 * 1024 * 1024 + 4096 * 3;

    [Theory]
    [InlineData("cluster_size=512")]
    [InlineData("cluster_size=4096")]
    [InlineData("cluster_size=65536")]
    [InlineData("cluster_size=2M")]
    [InlineData("compat=0.10")]
    [InlineData("compat=0.10,cluster_size=1024")]
    [InlineData("refcount_bits=1")]
    [InlineData("refcount_bits=2")]
    [InlineData("refcount_bits=4")]
    [InlineData("refcount_bits=8")]
    [InlineData("refcount_bits=32")]
    [InlineData("refcount_bits=64")]
    [InlineData("extended_l2=on,cluster_size=32k")]
    [InlineData("extended_l2=on,cluster_size=64k")]
    [InlineData("lazy_refcounts=on")]
    public void ConvertedImageReadsLikeTheRawSource(string options)
    {
        AssertConvertedReadsBack(options, compress: false);
    }

    [Theory]
    [InlineData("cluster_size=4096")]
    [InlineData("cluster_size=65536")]
    [InlineData("cluster_size=512")]
    [InlineData("compat=0.10")]
    public void CompressedImageReadsLikeTheRawSource(string options)
    {
        AssertConvertedReadsBack(options, compress: true);
    }

    private static void AssertConvertedReadsBack(string options, bool compress)
    {
        using var dir = new TempDir();
        var content = Patterns.Mixed(Size, options.GetHashCode(StringComparison.Ordinal));
        File.WriteAllBytes(dir["source.raw"], content);
        var args = new List<string> { "convert", "-f", "raw", "-O", "qcow2", "-o", options };
        if (compress) args.Add("-c");
        args.AddRange([dir["source.raw"], dir["image.qcow2"]]);
        QemuImg.MustRun([.. args]);

        using var image = Qcow2Image.Open(dir["image.qcow2"], readOnly: true);
        Assert.Equal(Size, image.Size);
        var read = new byte[Size];
        Assert.True(image.TryRead(0, read), image.LastError);
        AssertSame(content, read);
        // Odd offsets and lengths that straddle clusters and subclusters.
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var offset = random.Next(Size - 1);
            var piece = new byte[random.Next(1, Math.Min(200_000, Size - offset))];
            image.ReadGuest(offset, piece);
            AssertSame(content.AsSpan(offset, piece.Length).ToArray(), piece);
        }
    }

    [Fact]
    public void ThreeLevelChainOfQcow2AndRawResolvesEachLayer()
    {
        using var dir = new TempDir();
        var baseContent = Patterns.Mixed(1 << 20, 11);
        File.WriteAllBytes(dir["base.raw"], baseContent);
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "cluster_size=4096", "-b", "base.raw", "-F", "raw", dir["mid.qcow2"], "2M");
        QemuImg.MustRun("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", dir["top.qcow2"], "2M");
        // qemu-io (part of qemu-utils) writes exact patterns at exact offsets.
        QemuIo(dir, "mid.qcow2", "write -P 0x6d 0x80000 0x1200");
        QemuIo(dir, "top.qcow2", "write -P 0x74 0x80800 0x400");
        QemuIo(dir, "top.qcow2", "write -z 0 0x10000");

        var expected = QemuImg.ToRaw(dir["top.qcow2"], dir.Path);
        using var image = Qcow2Image.Open(dir["top.qcow2"], readOnly: true);
        var read = new byte[image.Size];
        image.ReadGuest(0, read);
        AssertSame(expected, read);
        Assert.Equal(0x74, read[0x80800]);
        Assert.Equal(0x6d, read[0x80000]);
        Assert.Equal(baseContent[0x20000], read[0x20000]);
    }

    internal static void QemuIo(TempDir dir, string image, string command)
    {
        var info = new System.Diagnostics.ProcessStartInfo("qemu-io") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("qcow2");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.ArgumentList.Add(dir[image]);
        using var p = System.Diagnostics.Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "qemu-io hung");
        Assert.True(p.ExitCode == 0, output);
    }

    internal static void AssertSame(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var at = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(at == expected.Length, $"first difference at 0x{at:x}: expected 0x{(at < expected.Length ? expected[at] : 0):x2}, got 0x{(at < actual.Length ? actual[at] : 0):x2}");
    }
}
