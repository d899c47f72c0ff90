using System.Diagnostics;

namespace HexEmu.Host.Tests;

/// <summary>
/// The issue's diskless example with hexemu in place of QEMU: an empty orphan image from
/// `hexemu img create` (drive id=rr), a recording that saves snapshot "init" as it starts, and a
/// replay that loads it; real qemu-img lists "init" (icount 0) and finds the image clean.
/// </summary>
public sealed class RrSnapshotTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-rrsnap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    private static string QemuImg(string arguments)
    {
        var psi = new ProcessStartInfo("qemu-img", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(Timeout), $"qemu-img {arguments} did not finish");
        Assert.True(p.ExitCode == 0, $"qemu-img {arguments}: {output}");
        return output;
    }

    [Fact]
    public void A_diskless_vm_records_with_rrsnapshot_and_replays_from_it()
    {
        Assert.Equal(0, HexEmuProcess.Run(Timeout, "img", "create", "-f", "qcow2", In("empty.qcow2"), "1M").ExitCode);
        string[] common = ["-net", "none", "-drive", $"file={In("empty.qcow2")},if=none,id=rr"];

        // Record: the built-in firmware says it has nothing to boot, on COM1, then idles; a signal ends the recording.
        using (var recording = new RunningHexEmu([$"-icount", $"shift=3,rr=record,rrfile={In("record.bin")},rrsnapshot=init",
                   .. common, "-serial", "stdio", "-display", "none"]))
        {
            recording.WaitForOutput("no bootable device", Timeout);
            recording.Signal("TERM");
            Assert.Equal(0, recording.WaitForExit(Timeout).ExitCode);
        }
        string listing = QemuImg($"snapshot -l {In("empty.qcow2")}");
        Assert.Matches(@"\n1\s+init\s+.*\s0\s*\n", listing);
        QemuImg($"check {In("empty.qcow2")}");

        // Replay, verbatim as in the issue: it runs to the recorded end (the signal) and exits 0.
        var replay = HexEmuProcess.Run(Timeout, [$"-icount", $"shift=3,rr=replay,rrfile={In("record.bin")},rrsnapshot=init", .. common]);
        Assert.Equal(0, replay.ExitCode);
        Assert.Equal("hexemu: nothing to boot (no -kernel or -bios): the built-in firmware will only say so\n", replay.Stderr);

        // A snapshot that is not there is a one-line error before anything runs.
        var missing = HexEmuProcess.Run(Timeout, [$"-icount", $"shift=3,rr=replay,rrfile={In("record.bin")},rrsnapshot=nope", .. common]);
        Assert.Equal(1, missing.ExitCode);
        Assert.EndsWith("hexemu: Snapshot 'nope' does not exist in device '" + In("empty.qcow2") + "'\n", missing.Stderr);
    }
}
