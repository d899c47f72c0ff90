using System.Text.Json;

namespace HexEmu.Host.Tests.Replay;

/// <summary><c>hexemu rr dump</c> and <c>hexemu rr verify</c> through the real process, on sound and damaged logs.</summary>
public sealed class RrToolCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _paths = [];

    private string Track(string path)
    {
        _paths.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var p in _paths) File.Delete(p);
    }

    private static string[] HeaderLines(string path) =>
    [
        $"replay log '{path}': version 0x48585201, header 47 bytes",
        "icount shift: 3",
        "machine: pc",
        "image kernel: 'k.elf' sha256 ab",
    ];

    // The checkpoint's CRC-32 covers bytes 47..95 (computed with Python's zlib.crc32: 0x2a4188d1);
    // 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC.
    private static readonly string[] EventLines =
    [
        "icount 0 @47: host-clock 1700000000 s since the epoch (2023-11-14T22:13:20Z)",
        "icount 1000 @61: serial-input port 1, 3 bytes: 68690a \"hi\\n\"",
        "icount 1000 @71: idle-warp 1000000 ns",
        "icount 5000 @85: checkpoint state digest 0x0123456789abcdef, log CRC-32 0x2a4188d1",
        "icount 5000 @99: shutdown guest-shutdown, exit code 3",
        "icount 4294972303 @114: end",
    ];

    private static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    [Fact]
    public void Dump_lists_the_header_and_every_event_with_its_icount()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        var r = HexEmuProcess.Run(Timeout, "rr", "dump", path);
        Assert.Equal("", r.Stderr);
        Assert.Equal(Lines([.. HeaderLines(path), .. EventLines, "6 events, last icount 4294972303"]), r.Stdout);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Dump_of_a_truncated_log_prints_what_was_readable_then_the_error()
    {
        var path = Track(ReplayLogFiles.WriteTruncatedSample(90));
        var r = HexEmuProcess.Run(Timeout, "rr", "dump", path);
        Assert.Equal(Lines([.. HeaderLines(path), .. EventLines[..3]]), r.Stdout);
        Assert.Equal("hexemu: replay log truncated at offset 90 (icount 5000): the checkpoint event at offset 85 is incomplete\n", r.Stderr);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Dump_of_a_recording_cut_at_an_event_boundary_says_it_has_no_end()
    {
        var path = Track(ReplayLogFiles.WriteTruncatedSample(99));
        var r = HexEmuProcess.Run(Timeout, "rr", "dump", path);
        Assert.Equal(Lines([.. HeaderLines(path), .. EventLines[..4], "4 events, last icount 5000, no end event (the recording stopped without finishing)"]), r.Stdout);
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void Json_dump_is_a_document_with_the_header_and_events()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        var r = HexEmuProcess.Run(Timeout, "rr", "dump", path, "--json");
        Assert.Equal("", r.Stderr);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(path, root.GetProperty("file").GetString());
        Assert.Equal("0x48585201", root.GetProperty("version").GetString());
        var header = root.GetProperty("header");
        Assert.Equal(47, header.GetProperty("length").GetInt32());
        Assert.Equal(3, header.GetProperty("shift").GetInt32());
        Assert.Equal("pc", header.GetProperty("machine").GetString());
        var image = Assert.Single(header.GetProperty("images").EnumerateArray());
        Assert.Equal(("kernel", "k.elf", "ab"), (image.GetProperty("role").GetString(), image.GetProperty("name").GetString(), image.GetProperty("sha256").GetString()));

        var events = root.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(["host-clock", "serial-input", "idle-warp", "checkpoint", "shutdown", "end"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([0L, 1000, 1000, 5000, 5000, 4294972303], events.Select(e => e.GetProperty("icount").GetInt64()));
        Assert.Equal([47L, 61, 71, 85, 99, 114], events.Select(e => e.GetProperty("offset").GetInt64()));
        Assert.Equal(1700000000, events[0].GetProperty("unixSeconds").GetInt64());
        Assert.Equal(1, events[1].GetProperty("port").GetInt32());
        Assert.Equal("68690a", events[1].GetProperty("data").GetString());
        Assert.Equal(1000000, events[2].GetProperty("nanoseconds").GetInt64());
        Assert.Equal("0x0123456789abcdef", events[3].GetProperty("stateDigest").GetString());
        Assert.Equal("0x2a4188d1", events[3].GetProperty("logCrc").GetString());
        Assert.Equal("guest-shutdown", events[4].GetProperty("cause").GetString());
        Assert.Equal(6, events[4].GetProperty("causeNumber").GetInt32());
        Assert.Equal(3, events[4].GetProperty("exitCode").GetInt32());
        Assert.Equal(6, root.GetProperty("eventCount").GetInt32());
        Assert.Equal(4294972303, root.GetProperty("lastIcount").GetInt64());
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.False(root.TryGetProperty("error", out _));
    }

    [Fact]
    public void Json_dump_of_a_damaged_log_holds_the_readable_events_and_the_error()
    {
        var path = Track(ReplayLogFiles.WriteTruncatedSample(90));
        var r = HexEmuProcess.Run(Timeout, "rr", "dump", "--json", path);
        const string error = "replay log truncated at offset 90 (icount 5000): the checkpoint event at offset 85 is incomplete";
        Assert.Equal($"hexemu: {error}\n", r.Stderr);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("events").GetArrayLength());
        Assert.False(doc.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(error, doc.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Verify_reports_the_event_count_and_last_icount()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        var r = HexEmuProcess.Run(Timeout, "rr", "verify", path);
        Assert.Equal(("OK: 6 events, last icount 4294972303\n", "", 0), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Verify_reports_a_flipped_byte_by_the_crc_range_that_holds_it()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        var bytes = File.ReadAllBytes(path);
        bytes[75] ^= 0x01; // inside the idle warp's nanoseconds (71..80)
        File.WriteAllBytes(path, bytes);
        var r = HexEmuProcess.Run(Timeout, "rr", "verify", path);
        // The CRC-32 of bytes 47..95 with that bit flipped, computed with Python's zlib.crc32.
        Assert.Equal("hexemu: replay log damaged between offsets 47 and 95 (icount 5000): the checkpoint at offset 85 records CRC-32 0x2A4188D1, the bytes give 0x4F26B397\n", r.Stderr);
        Assert.Equal(("", 1), (r.Stdout, r.ExitCode));
    }

    [Fact]
    public void Verify_reports_an_unknown_event_id_at_its_offset()
    {
        var path = Track(ReplayLogFiles.WriteSample());
        var bytes = File.ReadAllBytes(path);
        bytes[99] = 0xEE; // the shutdown event's id
        File.WriteAllBytes(path, bytes);
        var r = HexEmuProcess.Run(Timeout, "rr", "verify", path);
        Assert.Equal(("", "hexemu: replay log damaged at offset 99 (icount 5000): unknown event id 0xEE\n", 1), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Verify_and_dump_of_a_missing_file_name_the_path()
    {
        var path = ReplayLogFiles.TempPath();
        foreach (var command in new[] { "verify", "dump" })
        {
            var r = HexEmuProcess.Run(Timeout, "rr", command, path);
            Assert.Equal(("", $"hexemu: could not open replay log '{path}': No such file or directory\n", 1), (r.Stdout, r.Stderr, r.ExitCode));
        }
    }

    [Fact]
    public void Verify_of_a_file_that_is_no_log_names_its_version()
    {
        var path = Track(ReplayLogFiles.TempPath());
        File.WriteAllBytes(path, [0x00, 0xE0, 0x20, 0x0C, 0, 0, 0, 0]);
        var r = HexEmuProcess.Run(Timeout, "rr", "verify", path);
        Assert.Equal("hexemu: replay log version 0x00E0200C is unknown to this build (it reads 0x48585201), at offset 0\n", r.Stderr);
        Assert.Equal(1, r.ExitCode);
    }

    [Theory]
    [InlineData("hexemu: rr: unknown command 'play' (use dump or verify)\n", "play", "x.rr")]
    [InlineData("hexemu: rr verify: expected one FILE, got 0\n", "verify")]
    [InlineData("hexemu: rr dump: unknown option '--yaml'\n", "dump", "--yaml", "x.rr")]
    [InlineData("hexemu: rr verify: unknown option '--json'\n", "verify", "--json", "x.rr")]
    public void Bad_usage_is_a_one_line_error(string expected, params string[] args)
    {
        var r = HexEmuProcess.Run(Timeout, ["rr", .. args]);
        Assert.Equal((expected, "", 1), (r.Stderr, r.Stdout, r.ExitCode));
    }
}
