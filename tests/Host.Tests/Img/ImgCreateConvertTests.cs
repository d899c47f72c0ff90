using HexEmu.Adapters.Qcow2;

namespace HexEmu.Host.Tests.Img;

/// <summary>
/// `hexemu img create` and `convert`: qemu-img's "Formatting" line and errors, images real qemu-img
/// finds clean with the requested geometry, and converted guest data equal to qemu-img convert's,
/// read back both by qemu-img and by our qcow2 reader.
/// </summary>
public sealed class ImgCreateConvertTests : IDisposable
{
    private readonly ImgWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData("-f", "qcow2", "{0}", "64M")]
    [InlineData("-f", "qcow2", "-o", "cluster_size=4096", "{0}", "1G")]
    [InlineData("-f", "qcow2", "{0}", "1.5G")]
    [InlineData("-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "{0}")]
    [InlineData("-f", "qcow2", "-b", "base.raw", "-F", "raw", "{0}", "1M")]
    [InlineData("-f", "raw", "{0}", "1M")]
    public void Create_announces_like_qemu_img_and_makes_an_equivalent_image(params string[] template)
    {
        string[] Args(string name) => template.Select(a => string.Format(a, name)).ToArray();
        var qemuLine = _ws.QemuOk(["create", .. Args("q.img")]);
        var ours = _ws.Hexemu(["create", .. Args("h.img")]);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(qemuLine.Replace("'q.img'", "'h.img'"), ours.Stdout);

        var qemuInfo = InfoWithoutSizes(_ws.QemuOk("info", "--output=json", "q.img"));
        Assert.Equal(qemuInfo.Replace("q.img", "h.img"), InfoWithoutSizes(_ws.QemuOk("info", "--output=json", "h.img")));
        if (template.Contains("qcow2")) Assert.Equal(0, _ws.Qemu("check", "h.img").ExitCode);
    }

    /// <summary>qemu-img info JSON without actual-size: qemu-img leaves the L1 cluster partly unwritten, we write it whole.</summary>
    private static string InfoWithoutSizes(string json) =>
        string.Join('\n', json.Split('\n').Where(l => !l.Contains("\"actual-size\"")));

    [Theory]
    [InlineData(new[] { "-f", "qcow2", "x.qcow2", "12Q" }, "hexemu img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.")]
    [InlineData(new[] { "-f", "qcow2", "x.qcow2" }, "hexemu img: x.qcow2: Image creation needs a size parameter")]
    [InlineData(new[] { "-f", "vmdkx", "x", "1M" }, "hexemu img: x: Unknown file format 'vmdkx'")]
    [InlineData(new[] { "-f", "qcow2", "-o", "foo=1", "x.qcow2", "1M" }, "hexemu img: x.qcow2: Invalid parameter 'foo'")]
    [InlineData(new[] { "-f", "qcow2", "-o", "cluster_size=1000", "x.qcow2", "1M" }, "hexemu img: x.qcow2: Cluster size must be a power of two between 512 and 2048k")]
    public void Create_errors_are_qemu_img_s_in_one_line(string[] args, string expected)
    {
        var r = _ws.Hexemu(["create", .. args]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(expected + "\n", r.Stderr);
        Assert.Equal(1, _ws.Qemu(["create", .. args]).ExitCode);
        Assert.False(File.Exists(_ws.PathOf(args[^1])) || File.Exists(_ws.PathOf(args[^2])));
    }

    [Theory]
    [InlineData("compressed.qcow2")]
    [InlineData("overlay.qcow2")]
    [InlineData("overlay-raw.qcow2")]
    [InlineData("ext-l2.qcow2")]
    [InlineData("v2.qcow2")]
    public void Convert_flattens_the_chain_like_qemu_img(string fixture)
    {
        _ws.QemuOk("convert", "-O", "raw", fixture, "q.raw");
        var expected = File.ReadAllBytes(_ws.PathOf("q.raw"));

        Assert.Equal(0, _ws.Hexemu("convert", "-O", "raw", fixture, "h.raw").ExitCode);
        Assert.Equal(expected, File.ReadAllBytes(_ws.PathOf("h.raw")));

        Assert.Equal(0, _ws.Hexemu("convert", "-O", "qcow2", fixture, "h.qcow2").ExitCode);
        var qemuCheck = _ws.Qemu("check", "h.qcow2");
        Assert.Equal(0, qemuCheck.ExitCode);
        Assert.Equal(qemuCheck.Stdout, _ws.Hexemu("check", "h.qcow2").Stdout);
        Assert.Equal(0, _ws.Qemu("compare", "h.qcow2", "q.raw").ExitCode);
        using var image = Qcow2Image.Open(_ws.PathOf("h.qcow2"), readOnly: true);
        var read = new byte[image.Size];
        image.ReadGuest(0, read);
        Assert.Equal(expected, read);
    }

    [Fact]
    public void Zero_regions_stay_unallocated_as_with_qemu_img_convert()
    {
        var raw = _ws.PatternedRaw("src.raw");
        _ws.QemuOk("convert", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw, "q.qcow2");
        Assert.Equal(0, _ws.Hexemu("convert", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw, "h.qcow2").ExitCode);
        // qemu-img check's statistics line counts the allocated guest clusters: 86 of 256 hold data.
        static string Allocated(string report) => report.Split('\n').Single(l => l.Contains("allocated")).Split(' ')[0];
        Assert.Equal("86/256", Allocated(_ws.QemuOk("check", "q.qcow2")));
        Assert.Equal("86/256", Allocated(_ws.QemuOk("check", "h.qcow2")));
        Assert.Equal(0, _ws.Qemu("compare", "h.qcow2", raw).ExitCode);
    }

    [Fact]
    public void Compressed_output_is_refused_clearly()
    {
        var r = _ws.Hexemu("convert", "-c", "-O", "qcow2", "base.qcow2", "x.qcow2");
        Assert.Equal((1, "hexemu img: convert: compressed output (-c) is not supported by hexemu yet\n"), (r.ExitCode, r.Stderr));
        Assert.False(File.Exists(_ws.PathOf("x.qcow2")));
    }
}
