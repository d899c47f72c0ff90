using System.Diagnostics;
using HexEmu.Host.Tests.Replay;
using AzuriteProcess = HexEmu.Tests.Azurite.AzuriteProcess;
using Xunit.Abstractions;

namespace HexEmu.Host.Tests.Archive;

/// <summary>
/// `hexemu archive` end to end: the real hexemu process records a guest with disks, pushes the
/// recording to a real Azurite, pulls it elsewhere and replays it; and replays straight from the
/// archive through the local cache.
/// </summary>
public sealed class ArchiveCliTests(AzuriteForHost azurite, ITestOutputHelper output) : IClassFixture<AzuriteForHost>, IDisposable
{
    private readonly ArchiveHarness _h = new(azurite.Azurite);

    public void Dispose() => _h.Dispose();

    private void Show(RecordReplayHarness.ReplayRun run) => output.WriteLine($"{run.CommandLine}\n  exit {run.ExitCode}\n  stdout: {run.Stdout}\n  stderr: {run.Stderr}");

    private static void AssertReplayedAsRecorded(RecordReplayHarness.ReplayRun recording, RecordReplayHarness.ReplayRun replay, string what)
    {
        // A replay checks every state digest in the log, the last one (all state, RAM included)
        // where the recording ended: a difference anywhere would be a divergence, exit status 1.
        RecordReplayHarness.AssertNoStackTrace(replay.Stderr);
        Assert.DoesNotContain("diverge", replay.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.True(recording.ExitCode == replay.ExitCode, $"{what}: exit status {replay.ExitCode}, recorded {recording.ExitCode}: {replay.Stderr}");
        RecordReplayHarness.AssertSameBytes(recording.Serial, replay.Serial, $"{what}: COM1 output vs the recording's");
    }

    [Fact]
    public void A_recording_with_disks_pushed_listed_and_pulled_into_an_empty_directory_replays_with_the_same_output_and_digests()
    {
        var recording = _h.Record("recorded", out string recorded);
        Show(recording);
        Assert.Equal(Guests.GuestRuns.PassStatus, recording.ExitCode);

        var push = _h.Archive("push", recorded, "--name", "ata-run");
        Show(push);
        Assert.Equal(0, push.ExitCode);
        Assert.Matches(@"^pushed ata-run: 4 files, [0-9.]+ KiB \([0-9]+ bytes\) in [0-9.]+ s\n$", push.Stdout);

        var list = _h.Archive("list");
        Show(list);
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"^ata-run\s+4 files\s+.*\(\d+ bytes\)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n$", list.Stdout);

        string pulled = _h.Dir("pulled"); // exists and is empty
        var pull = _h.Archive("pull", "ata-run", pulled);
        Show(pull);
        Assert.Equal(0, pull.ExitCode);
        Assert.Contains("every file verified", pull.Stdout);
        foreach (var file in new[] { "ata.elf", "ata.img", "ata2.img", ArchiveHarness.Log })
            Assert.Equal(File.ReadAllBytes(Path.Combine(recorded, file)), File.ReadAllBytes(Path.Combine(pulled, file)));
        Assert.Equal(4, Directory.GetFileSystemEntries(pulled).Length);

        Directory.Delete(recorded, recursive: true); // nothing may refer back to where it was recorded
        string serial = Path.Combine(_h.Root, "replay.serial");
        var replay = RecordReplayHarness.Run(pulled, ArchiveHarness.GuestArgs("ata.elf", "ata.img", "ata2.img", serial, ArchiveHarness.Log, "replay"), null, ArchiveHarness.Timeout);
        Show(replay);
        AssertReplayedAsRecorded(recording, replay with { Serial = File.ReadAllBytes(serial) }, "replay of the pulled copy");
    }

    [Fact]
    public void Rrfile_archive_replays_from_the_cache_and_a_second_replay_reuses_the_cache_without_downloading()
    {
        var recording = _h.Record("recorded", out string recorded);
        Assert.Equal(Guests.GuestRuns.PassStatus, recording.ExitCode);
        Assert.Equal(0, _h.Archive("push", recorded, "--name", "ata-run").ExitCode);
        Directory.Delete(recorded, recursive: true);

        string elsewhere = _h.Dir("elsewhere"); // holds nothing: every file comes from the archive
        RecordReplayHarness.ReplayRun Replay(string serial)
        {
            var run = RecordReplayHarness.Run(elsewhere,
                [.. ArchiveHarness.GuestArgs("archive:ata-run/ata.elf", "archive:ata-run/ata.img", "archive:ata-run/ata2.img",
                    Path.Combine(_h.Root, serial), "archive:ata-run", "replay"), .. _h.Settings], null, ArchiveHarness.Timeout);
            Show(run);
            return run with { Serial = File.ReadAllBytes(Path.Combine(_h.Root, serial)) };
        }

        var first = Replay("first.serial");
        AssertReplayedAsRecorded(recording, first, "first replay from the archive");
        Assert.Contains("hexemu: archive ata-run: pulled 4 files", first.Stderr);
        string cached = Path.Combine(_h.Cache, "ata-run");
        var stamps = Directory.EnumerateFiles(cached, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Equal(5, stamps.Count); // the manifest and the four files
        Assert.Empty(Directory.GetDirectories(_h.Cache, ".*")); // no staging directory left behind

        var second = Replay("second.serial");
        AssertReplayedAsRecorded(recording, second, "second replay from the archive");
        Assert.DoesNotContain("pulled", second.Stderr);
        Assert.Equal(stamps, Directory.EnumerateFiles(cached, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc));

        // A damaged cached file is noticed and pulled again.
        string image = Path.Combine(cached, "files", "ata.img");
        var bytes = File.ReadAllBytes(image);
        bytes[1000] ^= 1;
        File.WriteAllBytes(image, bytes);
        var third = Replay("third.serial");
        AssertReplayedAsRecorded(recording, third, "replay after the cache was damaged");
        Assert.Contains("pulled 4 files", third.Stderr);
    }

    [Fact]
    public void A_recording_with_two_logs_needs_the_log_named_and_plays_the_one_named()
    {
        var recording = _h.Record("recorded", out string recorded);
        Directory.CreateDirectory(Path.Combine(recorded, "older"));
        File.Copy(Path.Combine(recorded, ArchiveHarness.Log), Path.Combine(recorded, "older", "take1.rr"));
        Assert.Equal(0, _h.Archive("push", recorded, "--name", "two").ExitCode);

        string elsewhere = _h.Dir("elsewhere");
        RecordReplayHarness.ReplayRun Replay(string rrfile) => RecordReplayHarness.Run(elsewhere,
            [.. ArchiveHarness.GuestArgs("archive:two/ata.elf", "archive:two/ata.img", "archive:two/ata2.img",
                Path.Combine(_h.Root, "two.serial"), rrfile, "replay"), .. _h.Settings], null, ArchiveHarness.Timeout);

        var ambiguous = Replay("archive:two");
        Show(ambiguous);
        Assert.Equal(1, ambiguous.ExitCode);
        // The recording was pulled into the cache (one line says so) before the choice failed.
        var lines = ambiguous.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("pulled 5 files", lines[0]);
        RecordReplayHarness.AssertOneLineError(lines[1], "two logs", "rrfile=archive:two", "2 replay logs", "older/take1.rr", ArchiveHarness.Log);

        var missing = Replay("archive:two/none.rr");
        RecordReplayHarness.AssertOneLineError(missing.Stderr, "a missing file", "has no file 'none.rr'");

        var named = Replay("archive:two/older/take1.rr");
        Show(named);
        AssertReplayedAsRecorded(recording, named with { Serial = File.ReadAllBytes(Path.Combine(_h.Root, "two.serial")) }, "replay of the named log");
    }

    [Fact]
    public void A_killed_push_leaves_no_manifest_is_not_listed_pulls_as_incomplete_and_a_new_push_succeeds()
    {
        var recording = _h.Record("recorded", out string recorded);
        Assert.Equal(Guests.GuestRuns.PassStatus, recording.ExitCode);
        // A big image that sorts after everything else: the push is still on it when killed.
        var big = new byte[48 << 20];
        new Random(5).NextBytes(big);
        File.WriteAllBytes(Path.Combine(recorded, "zz-big.img"), big);

        using (var push = _h.StartArchive("push", recorded, "--name", "cut"))
        {
            var first = _h.Blobs.GetBlobClient("recordings/cut/files/ata.elf");
            var clock = Stopwatch.StartNew();
            while (!(_h.Blobs.Exists().Value && first.Exists().Value))
            {
                Assert.False(push.HasExited, $"the push ended before it could be killed: {push.Stderr}");
                Assert.True(clock.Elapsed < ArchiveHarness.Timeout, "the push uploaded nothing within a minute");
                push.WaitUntil(p => p.HasExited, TimeSpan.FromMilliseconds(20)); // a bounded pause that ends early if it exits
            }
            push.Kill();
            push.WaitForExit(ArchiveHarness.Timeout);
        }

        Assert.False(_h.Blobs.GetBlobClient("recordings/cut/manifest.json").Exists().Value);
        var list = _h.Archive("list");
        Assert.Equal(0, list.ExitCode);
        Assert.DoesNotContain("cut", list.Stdout);
        var pull = _h.Archive("pull", "cut", Path.Combine(_h.Root, "never"));
        Show(pull);
        Assert.Equal(1, pull.ExitCode);
        RecordReplayHarness.AssertOneLineError(pull.Stderr, "pull of a cut push", "archive cut is incomplete (interrupted push?)");
        Assert.False(Directory.Exists(Path.Combine(_h.Root, "never")));
        Assert.Empty(Directory.GetDirectories(_h.Root, "never*"));

        var again = _h.Archive("push", recorded, "--name", "cut");
        Show(again);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("pushed cut: 5 files", again.Stdout);
        Assert.Contains("cut", _h.Archive("list").Stdout);
    }

    [Fact]
    public void Push_refuses_an_existing_name_without_replace_an_empty_directory_one_without_a_log_and_a_symlink_out()
    {
        var recording = _h.Record("recorded", out string recorded);
        Assert.Equal(0, _h.Archive("push", recorded, "--name", "r").ExitCode);
        var again = _h.Archive("push", recorded, "--name", "r");
        RecordReplayHarness.AssertOneLineError(again.Stderr, "second push", "already exists", "--replace");
        Assert.Equal(0, _h.Archive("push", recorded, "--name", "r", "--replace").ExitCode);

        var empty = _h.Archive("push", _h.Dir("empty"), "--name", "e");
        RecordReplayHarness.AssertOneLineError(empty.Stderr, "empty directory", "no files");

        string noLog = _h.Dir("nolog");
        File.Copy(HexEmuProcess.GuestPath("ata.elf"), Path.Combine(noLog, "ata.elf"));
        var withoutLog = _h.Archive("push", noLog, "--name", "n");
        RecordReplayHarness.AssertOneLineError(withoutLog.Stderr, "no log", "no replay log");

        File.CreateSymbolicLink(Path.Combine(recorded, "outside"), HexEmuProcess.GuestPath("ata.img"));
        var symlink = _h.Archive("push", recorded, "--name", "s");
        RecordReplayHarness.AssertOneLineError(symlink.Stderr, "symlink out", "'outside'", "symbolic link out of the directory");

        var badName = _h.Archive("push", recorded, "--name", "../up");
        RecordReplayHarness.AssertOneLineError(badName.Stderr, "bad name", "not a valid recording name");
        Assert.Equal(["r"], _h.Archive("list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public void Pull_refuses_a_directory_that_is_not_empty_and_delete_removes_a_recording()
    {
        _h.Record("recorded", out string recorded);
        Assert.Equal(0, _h.Archive("push", recorded, "--name", "d").ExitCode);
        var full = _h.Archive("pull", "d", recorded);
        RecordReplayHarness.AssertOneLineError(full.Stderr, "pull into a full directory", "not empty");

        var delete = _h.Archive("delete", "d");
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("", _h.Archive("list").Stdout);
        var gone = _h.Archive("pull", "d", Path.Combine(_h.Root, "new"));
        RecordReplayHarness.AssertOneLineError(gone.Stderr, "pull of a deleted recording", "archive d not found");
    }

    [Fact]
    public void Archive_settings_are_required_named_when_missing_and_never_show_the_key()
    {
        var missing = RecordReplayHarness.Run(_h.Root, ["archive", "list"], null, ArchiveHarness.Timeout);
        RecordReplayHarness.AssertOneLineError(missing.Stderr, "no settings", "Archive:AzureBlob:ConnectionString", "Archive:AzureBlob:ContainerUri");

        string wrongKey = Convert.ToBase64String(new byte[64]);
        var wrong = RecordReplayHarness.Run(_h.Root, ["archive", "list",
            $"--Archive:AzureBlob:ConnectionString={azurite.Azurite.ConnectionStringWithKey(wrongKey)}", $"--Archive:AzureBlob:Container={_h.Container}"],
            null, ArchiveHarness.Timeout);
        string line = RecordReplayHarness.AssertOneLineError(wrong.Stderr, "wrong key", "refused access");
        Assert.DoesNotContain(wrongKey, line);

        var replay = RecordReplayHarness.Run(_h.Root, ["-kernel", "archive:x/k.elf", "-display", "none"], null, ArchiveHarness.Timeout);
        RecordReplayHarness.AssertOneLineError(replay.Stderr, "archive reference without settings", "configuration", "Archive:AzureBlob");
    }

    [Fact]
    public void Unreachable_storage_fails_a_replay_from_the_archive_within_a_bounded_time()
    {
        int port = AzuriteProcess.FreeLoopbackPort();
        string connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.Account};AccountKey={AzuriteProcess.Key};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteProcess.Account};";
        var clock = Stopwatch.StartNew();
        var run = RecordReplayHarness.Run(_h.Root,
            [.. ArchiveHarness.GuestArgs("archive:x/ata.elf", "archive:x/ata.img", "archive:x/ata2.img", "s.txt", "archive:x", "replay"),
             $"--Archive:AzureBlob:ConnectionString={connection}", "--Archive:AzureBlob:Container=c1x", $"--Archive:CacheDirectory={_h.Cache}"],
            null, ArchiveHarness.Timeout);
        Show(run);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
        string line = RecordReplayHarness.AssertOneLineError(run.Stderr, "unreachable", "rrfile=archive:x", "could not be reached");
        Assert.DoesNotContain(AzuriteProcess.Key, line);
    }
}
