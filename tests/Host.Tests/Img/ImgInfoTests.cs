using System.Text.Json;

namespace HexEmu.Host.Tests.Img;

/// <summary>
/// `hexemu img info` and `snapshot -l` against the real qemu-img on the same files: byte for byte
/// (both tools read the same file's allocated size, so even "disk size" matches).
/// </summary>
public sealed class ImgInfoTests : IDisposable
{
    private readonly ImgWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData("empty-64m.qcow2")]
    [InlineData("overlay.qcow2")]
    [InlineData("overlay-raw.qcow2")]
    [InlineData("v2.qcow2")]
    [InlineData("snapshots.qcow2")]
    [InlineData("compressed.qcow2")]
    [InlineData("ext-l2.qcow2")]
    [InlineData("dirty-lazy.qcow2")]
    [InlineData("base.raw")]
    public void Human_and_json_output_match_qemu_img(string fixture)
    {
        Assert.Equal(_ws.QemuOk("info", fixture), Ok(_ws.Hexemu("info", fixture)));
        Assert.Equal(_ws.QemuOk("info", "--output=json", fixture), Ok(_ws.Hexemu("info", "--output=json", fixture)));
    }

    [Theory]
    [InlineData("overlay.qcow2")]
    [InlineData("overlay-raw.qcow2")]
    public void The_backing_chain_is_listed_like_qemu_img_lists_it(string fixture)
    {
        Assert.Equal(_ws.QemuOk("info", "--backing-chain", fixture), Ok(_ws.Hexemu("info", "--backing-chain", fixture)));
        Assert.Equal(_ws.QemuOk("info", "--backing-chain", "--output=json", fixture),
            Ok(_ws.Hexemu("info", "--backing-chain", "--output=json", fixture)));
    }

    [Theory]
    [InlineData(512L)]
    [InlineData(1536L)]
    [InlineData(1047552L)]            // just under 1 MiB: qemu switches units at 1000, not 1024
    [InlineData(1048064L)]
    [InlineData(1610612736L)]
    [InlineData(3298534883328L)]      // 3 TiB, sparse
    public void Sizes_are_printed_as_qemu_img_prints_them(long bytes)
    {
        using (var file = File.Create(_ws.PathOf("s.raw"))) file.SetLength(bytes);
        static string VirtualSize(string info) => info.Split('\n').Single(l => l.StartsWith("virtual size:", StringComparison.Ordinal));
        Assert.Equal(VirtualSize(_ws.QemuOk("info", "s.raw")), VirtualSize(Ok(_ws.Hexemu("info", "s.raw"))));
    }

    [Fact]
    public void A_backing_file_named_relative_to_an_image_in_another_directory_shows_its_actual_path()
    {
        var image = _ws.PathOf("overlay.qcow2"); // absolute, so the actual backing path differs from the stored name
        Assert.Equal(_ws.QemuOk("info", image), Ok(_ws.Hexemu("info", image)));
        Assert.Equal(_ws.QemuOk("info", "--output=json", image), Ok(_ws.Hexemu("info", "--output=json", image)));
    }

    [Fact]
    public void The_json_has_qemu_img_s_keys_and_values()
    {
        // Expected values from the fixture manifest, not from either tool.
        using var doc = JsonDocument.Parse(Ok(_ws.Hexemu("info", "--output=json", "snapshots.qcow2")));
        var root = doc.RootElement;
        Assert.Equal(1048576, root.GetProperty("virtual-size").GetInt64());
        Assert.Equal(4096, root.GetProperty("cluster-size").GetInt32());
        Assert.Equal("qcow2", root.GetProperty("format").GetString());
        Assert.False(root.GetProperty("dirty-flag").GetBoolean());
        Assert.Equal("1.1", root.GetProperty("format-specific").GetProperty("data").GetProperty("compat").GetString());
        var names = root.GetProperty("snapshots").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(new[] { "snap1", "snap2" }, names);
    }

    [Theory]
    [InlineData("snapshots.qcow2")]
    [InlineData("snapshots-deleted.qcow2")]
    [InlineData("snapshots-applied.qcow2")]
    [InlineData("empty-1m.qcow2")]
    public void Snapshot_list_matches_qemu_img(string fixture)
    {
        Assert.Equal(_ws.QemuOk("snapshot", "-l", fixture), Ok(_ws.Hexemu("snapshot", "-l", fixture)));
    }

    [Fact]
    public void Snapshots_with_vm_state_clock_and_icount_are_listed_like_qemu_img()
    {
        // A snapshot whose VM state size, VM clock and icount are not zero: a hand-made table entry
        // (the fixtures' snapshots were taken by qemu-img, which leaves them all zero).
        var bytes = File.ReadAllBytes(_ws.PathOf("snapshots.qcow2"));
        var table = (long)ImgWorkspace.ReadU64(bytes, 64);
        ImgWorkspace.WriteU64(bytes, table + 24, 3_723_456_000_000UL);         // VM clock 1:02:03.456
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)table + 16), 1_000_000_000); // 2001-09-09 01:46:40 UTC
        ImgWorkspace.WriteU64(bytes, table + 40, 0);                            // vm_state_size_large: 0 (no state in the file)
        ImgWorkspace.WriteU64(bytes, table + 40 + 16, 123_456_789);             // icount
        File.WriteAllBytes(_ws.PathOf("s.qcow2"), bytes);
        var listing = Ok(_ws.Hexemu("snapshot", "-l", "s.qcow2"));
        Assert.Equal(_ws.QemuOk("snapshot", "-l", "s.qcow2"), listing);
        Assert.Contains("2001-09-09 01:46:40 01:02:03.456  123456789", listing);
    }

    [Fact]
    public void Snapshots_made_applied_and_deleted_like_qemu_img_does_them()
    {
        // The same sequence on two copies, one through hexemu img, one through qemu-img: the same
        // snapshots remain (the dates aside), both images are clean, and the disks read the same.
        File.Copy(_ws.PathOf("snapshots.qcow2"), _ws.PathOf("ours.qcow2"));
        File.Copy(_ws.PathOf("snapshots.qcow2"), _ws.PathOf("theirs.qcow2"));
        foreach (var (flag, name) in new[] { ("-c", "third"), ("-a", "third"), ("-d", "third"), ("-c", "fourth"), ("-a", "1") })
        {
            Assert.Equal(0, _ws.Hexemu("snapshot", flag, name, "ours.qcow2").ExitCode);
            _ws.QemuOk("snapshot", flag, name, "theirs.qcow2");
        }
        static string WithoutDates(string listing) =>
            string.Join('\n', listing.Split('\n').Select(l => l.Length > 55 ? l[..35] + l[55..] : l));
        Assert.Equal(WithoutDates(_ws.QemuOk("snapshot", "-l", "theirs.qcow2")), WithoutDates(_ws.QemuOk("snapshot", "-l", "ours.qcow2")));
        _ws.QemuOk("check", "ours.qcow2");
        _ws.QemuOk("compare", "ours.qcow2", "theirs.qcow2");
    }

    [Fact]
    public void A_missing_snapshot_is_a_one_line_error()
    {
        var r = _ws.Hexemu("snapshot", "-a", "nope", "snapshots.qcow2");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("hexemu img: Could not apply snapshot 'nope': ", r.Stderr);
        Assert.Equal(1, r.Stderr.Count(c => c == '\n'));
    }

    [Fact]
    public void Errors_are_one_line_with_exit_code_1()
    {
        var missing = _ws.Hexemu("info", "nope");
        Assert.Equal((1, "hexemu img: Could not open 'nope': No such file or directory\n"), (missing.ExitCode, missing.Stderr));
        var unknown = _ws.Hexemu("frobnicate");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("hexemu img: Command not found: frobnicate", unknown.Stderr);
        var option = _ws.Hexemu("info", "-z", "x");
        Assert.Equal(1, option.ExitCode);
        Assert.StartsWith("hexemu img: unrecognized option '-z'", option.Stderr);
        var missingValue = _ws.Hexemu("info", "-f");
        Assert.Equal(1, missingValue.ExitCode);
        Assert.StartsWith("hexemu img: missing argument for option '-f'", missingValue.Stderr);
        var output = _ws.Hexemu("info", "--output=xml", "base.raw");
        Assert.Equal((1, "hexemu img: --output must be used with human or json as argument.\n"), (output.ExitCode, output.Stderr));
    }

    private static string Ok(HexEmuProcess.Result r)
    {
        Assert.True(r.ExitCode == 0, $"hexemu img failed ({r.ExitCode}): {r.Stderr}");
        return r.Stdout;
    }
}
