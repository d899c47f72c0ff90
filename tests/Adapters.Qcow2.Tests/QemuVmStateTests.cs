using System.Diagnostics;
using System.Text.Json;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// Snapshots with a VM state written by qemu-system-i386 itself (monitor savevm, and rrsnapshot on
/// an orphan image): we list them with the fields qemu-img info reports, read their VM state (a QEMU
/// migration stream starts with "QEVM" and version 3), and can add and delete snapshots beside them.
/// </summary>
public sealed class QemuVmStateTests
{
    [Theory]
    [InlineData("savevm")]
    [InlineData("rrsnapshot")]
    public void QemuSystemSnapshotsReadAndCoexistWithOurs(string how)
    {
        using var dir = new TempDir();
        var path = dir["vm.qcow2"];
        QemuImg.MustRun("create", "-f", "qcow2", path, "4M");
        if (how == "savevm")
            RunQemu(dir, "savevm first\nquit\n", "-icount", "shift=3", "-drive", $"file={path},if=none,id=rr");
        else
            RunQemu(dir, "quit\n", "-icount", $"shift=3,rr=record,rrfile={dir["rec.bin"]},rrsnapshot=first", "-net", "none", "-drive", $"file={path},if=none,id=rr");

        var (_, json) = QemuImg.Run("info", "--output=json", path);
        using var doc = JsonDocument.Parse(json);
        var listed = doc.RootElement.GetProperty("snapshots").EnumerateArray().Single();
        using (var image = Qcow2Image.Open(path))
        {
            var s = image.Snapshots.Single();
            Assert.Equal(("1", "first"), (s.Id, s.Name));
            Assert.Equal(listed.GetProperty("vm-state-size").GetInt64(), (long)s.VmStateSize);
            Assert.Equal(listed.GetProperty("vm-clock-sec").GetInt64() * 1_000_000_000 + listed.GetProperty("vm-clock-nsec").GetInt64(), s.VmClockNs);
            Assert.Equal(listed.TryGetProperty("icount", out var icount) ? icount.GetInt64() : -1, s.Icount);
            Assert.Equal(how == "savevm" ? -1 : 0, s.Icount); // savevm outside replay stores -1, rrsnapshot the icount at the start (0)
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(listed.GetProperty("date-sec").GetInt64()).AddTicks(listed.GetProperty("date-nsec").GetInt64() / 100), s.Date);
            Assert.Equal(4L << 20, s.DiskSize);
            var state = image.ReadSnapshotVmState("first");
            Assert.True(state.Length > 100_000);
            Assert.Equal("QEVM\0\0\0\u0003"u8.ToArray(), state[..8]);

            image.Write(0, Patterns.Mixed(100_000, 5));
            image.CreateSnapshot("ours", state, 7, 8, DateTimeOffset.UnixEpoch.AddDays(20000));
            image.DeleteSnapshot("first");
            Assert.Equal(state, image.ReadSnapshotVmState("ours"));
        }
        QemuImg.AssertClean(path);
    }

    private static void RunQemu(TempDir dir, string monitorInput, params string[] args)
    {
        var info = new ProcessStartInfo("qemu-system-i386")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path,
        };
        foreach (var a in new[] { "-nodefaults", "-display", "none", "-m", "16", "-monitor", "stdio" }.Concat(args)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(monitorInput);
        process.StandardInput.Close();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException("qemu-system-i386 did not finish in 30 s");
        }
        Assert.True(process.ExitCode == 0, $"qemu-system-i386 exit {process.ExitCode}: {stdout.Result}{stderr.Result}");
    }
}
