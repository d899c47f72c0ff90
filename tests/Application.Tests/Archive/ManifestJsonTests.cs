using System.Text;
using HexEmu.Application.Archive;

namespace HexEmu.Application.Tests.Archive;

public sealed class ManifestJsonTests
{
    private static readonly string HashA = new('a', 64), HashB = new('b', 64), HashC = new('c', 64);

    private static RecordingManifest Sample() => new(1, "0.1.0", new DateTimeOffset(2026, 11, 26, 10, 30, 15, TimeSpan.Zero),
    [
        new ManifestFile("recording.rr", 10, HashA, ArchiveFileKind.ReplayLog, 0x48585201, 8 << 20, [HashA]),
        new ManifestFile("disks/disk.qcow2", (8 << 20) + 1, HashB, ArchiveFileKind.Qcow2, 3, 8 << 20, [HashB, HashC]),
        new ManifestFile("empty", 0, HashC, ArchiveFileKind.Other, null, 8 << 20, []),
    ]);

    [Fact]
    public void A_manifest_survives_writing_and_reading()
    {
        var manifest = Sample();
        var back = ManifestJson.Parse(ManifestJson.Write(manifest));
        Assert.True(back.SameAs(manifest));
        Assert.Equal(ArchiveFileKind.Qcow2, back.Find("disks/disk.qcow2")!.Kind);
        Assert.Null(back.Find("empty")!.FormatVersion);
        Assert.Equal((8L << 20) + 11, back.TotalBytes);
        Assert.Equal(["recording.rr"], back.ReplayLogs.Select(f => f.Path));
    }

    [Theory]
    [InlineData("\"format\": 1", "\"format\": 2", "format 2")]
    [InlineData("\"kind\": \"qcow2\"", "\"kind\": \"vmdk\"", "unknown kind 'vmdk'")]
    [InlineData("\"path\": \"empty\"", "\"path\": \"../empty\"", "not a valid file path")]
    [InlineData("\"path\": \"empty\"", "\"path\": \"recording.rr\"", "twice")]
    [InlineData("\"size\": 10,", "\"size\": -1,", "no valid 'size'")]
    [InlineData("\"blockSha256\": []", "\"blockSha256\": [\"" + "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" + "\"]", "1 block hashes for 0 blocks")]
    [InlineData("\"hexemu\"", "\"hexemU\"", "no 'hexemu' string")]
    public void A_damaged_or_unknown_manifest_is_refused_with_what_is_wrong(string from, string to, string expected)
    {
        string json = Encoding.UTF8.GetString(ManifestJson.Write(Sample()));
        Assert.Contains(from, json);
        var e = Assert.Throws<FormatException>(() => ManifestJson.Parse(Encoding.UTF8.GetBytes(json.Replace(from, to))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused()
    {
        var e = Assert.Throws<FormatException>(() => ManifestJson.Parse("{ not json"u8));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("run-1", true)]
    [InlineData("a.b_c-D9", true)]
    [InlineData("..", false)]
    [InlineData(".x", false)]
    [InlineData("a..b", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void Recording_names_are_a_safe_subset(string name, bool valid) => Assert.Equal(valid, ArchiveNames.NameProblem(name) is null);

    [Theory]
    [InlineData("a/b/c.img", true)]
    [InlineData("my disk.img", true)]
    [InlineData("../x", false)]
    [InlineData("a/./b", false)]
    [InlineData("/abs", false)]
    [InlineData("a//b", false)]
    [InlineData("a\\b", false)]
    [InlineData("trailing/", false)]
    public void File_paths_stay_inside_the_recording(string path, bool valid) => Assert.Equal(valid, ArchiveNames.PathProblem(path) is null);
}
