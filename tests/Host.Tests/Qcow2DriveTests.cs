using System.Diagnostics;
using System.Security.Cryptography;

namespace HexEmu.Host.Tests;

/// <summary>
/// IDE disks on qcow2 images through the real process: the ata guest (which reads, writes and
/// puts back sectors on both channels) passes on images made by real qemu-img, which then finds
/// them clean and with the guest's data; under record/replay the images are not touched.
/// </summary>
public sealed class Qcow2DriveTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-qcow2-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Qcow2Copy(string name, string options = "")
    {
        string path = Path.Combine(_dir, name);
        QemuImg($"convert -f raw -O qcow2 {options} {HexEmuProcess.GuestPath("ata.img")} {path}");
        return path;
    }

    private static (int ExitCode, string Output) QemuImg(string arguments)
    {
        var psi = new ProcessStartInfo("qemu-img", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(Timeout), $"qemu-img {arguments} did not finish");
        return (p.ExitCode, output);
    }

    private HexEmuProcess.Result RunAtaGuest(string drive0, string drive2, params string[] extra)
    {
        string serial = Path.Combine(_dir, "serial.txt");
        File.Delete(serial);
        var r = HexEmuProcess.Run(Timeout, [.. (string[])["-kernel", HexEmuProcess.GuestPath("ata.elf"), "-display", "none",
            "-device", "isa-debug-exit", "-serial", $"file:{serial}", "-drive", drive0, "-drive", drive2], .. extra]);
        Assert.Equal(File.ReadAllText(HexEmuProcess.GuestPath("ata.expected")), File.ReadAllText(serial));
        return r;
    }

    [Fact]
    public void The_ata_guest_passes_on_qcow2_images_which_qemu_img_then_finds_clean()
    {
        string primary = Qcow2Copy("primary.qcow2");
        string secondary = Qcow2Copy("secondary.qcow2", "-o cluster_size=4096");
        var r = RunAtaGuest($"file={primary},format=qcow2,if=ide,index=0", $"file={secondary},if=ide,index=2"); // the second one probed
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Stderr);
        foreach (var image in new[] { primary, secondary })
        {
            var check = QemuImg($"check {image}");
            Assert.True(check.ExitCode == 0, check.Output);
            // The guest puts back every sector it wrote: the disk holds the original data again.
            string raw = image + ".raw";
            Assert.Equal(0, QemuImg($"convert -O raw {image} {raw}").ExitCode);
            Assert.Equal(File.ReadAllBytes(HexEmuProcess.GuestPath("ata.img")), File.ReadAllBytes(raw));
        }
    }

    [Fact]
    public void A_raw_image_given_without_format_is_probed_with_a_warning()
    {
        string raw = Path.Combine(_dir, "disk.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), raw);
        string other = Path.Combine(_dir, "disk2.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), other);
        var r = RunAtaGuest($"file={raw},if=ide,index=0", $"file={other},format=raw,if=ide,index=2");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"hexemu: warning: Image format was not specified for '{raw}' and probing guessed raw; specify format=raw to remove this warning\n", r.Stderr);
    }

    [Fact]
    public void Recording_leaves_qcow2_images_untouched()
    {
        string primary = Qcow2Copy("primary.qcow2");
        string secondary = Qcow2Copy("secondary.qcow2");
        byte[] before = SHA256.HashData(File.ReadAllBytes(primary));
        var r = RunAtaGuest($"file={primary},format=qcow2,if=ide,index=0", $"file={secondary},format=qcow2,if=ide,index=2",
            "-icount", $"shift=3,rr=record,rrfile={Path.Combine(_dir, "ata.rr")}");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(primary)));
    }

    [Theory]
    [InlineData("snapshot=on")]
    [InlineData("-snapshot")]
    public void With_snapshot_the_guest_writes_but_the_images_stay_as_they_were(string how)
    {
        string primary = Qcow2Copy("primary.qcow2");
        string secondary = Path.Combine(_dir, "secondary.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), secondary);
        byte[] qcow2Before = File.ReadAllBytes(primary), rawBefore = File.ReadAllBytes(secondary);
        string option = how == "snapshot=on" ? ",snapshot=on" : "";
        string[] extra = how == "-snapshot" ? ["-snapshot"] : [];
        var r = RunAtaGuest($"file={primary},format=qcow2,if=ide,index=0{option}", $"file={secondary},format=raw,if=ide,index=2{option}", extra);
        Assert.Equal(3, r.ExitCode); // the writes worked, as the guest saw them
        Assert.Equal(qcow2Before, File.ReadAllBytes(primary));
        Assert.Equal(rawBefore, File.ReadAllBytes(secondary));
    }

    [Fact]
    public void Killed_in_the_middle_of_guest_writes_the_image_stays_sound_and_older_snapshots_load()
    {
        string primary = Qcow2Copy("primary.qcow2");
        string secondary = Path.Combine(_dir, "secondary.img");
        File.Copy(HexEmuProcess.GuestPath("ata.img"), secondary);
        string[] drives = ["-drive", $"file={primary},format=qcow2,if=ide,index=0", "-drive", $"file={secondary},format=raw,if=ide,index=2"];
        string[] demo = ["-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none", "-serial", "null", "-monitor", "stdio"];

        // A snapshot to come back to (the secondary disk is raw, so it is attached read-only here).
        string[] snapshotDrives = ["-drive", $"file={primary},format=qcow2,if=ide,index=0", "-drive", $"file={secondary},format=raw,if=ide,index=2,readonly=on"];
        var saved = HexEmuProcess.RunWithInput(Timeout, "savevm old\nquit\n", [.. demo, .. snapshotDrives]);
        Assert.Equal(0, saved.ExitCode);

        // The ata guest writes sectors on both disks; SIGKILL as soon as it has started reporting.
        using (var guest = new RunningHexEmu(["-kernel", HexEmuProcess.GuestPath("ata.elf"), "-display", "none",
                   "-device", "isa-debug-exit", "-serial", "stdio", .. drives]))
        {
            guest.WaitForOutput("ok - ata primary", Timeout);
            guest.Signal("KILL");
            guest.WaitForExit(Timeout);
        }

        var check = QemuImg($"check {primary}");
        Assert.True(check.ExitCode is 0 or 3, $"qemu-img check: {check.Output}"); // leaks are allowed, corruption is not
        Assert.DoesNotContain("ERROR", check.Output);

        var loaded = HexEmuProcess.RunWithInput(Timeout, "info snapshots\nquit\n", ["-loadvm", "old", .. demo, .. snapshotDrives]);
        Assert.Equal(0, loaded.ExitCode);
        Assert.Equal("", loaded.Stderr);
        Assert.Contains(" old ", loaded.Stdout);
    }

    [Fact]
    public void A_corrupt_image_is_a_one_line_error()
    {
        string bad = Path.Combine(_dir, "bad.qcow2");
        File.WriteAllBytes(bad, [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 9]); // the magic, version 9, and nothing else
        var r = HexEmuProcess.Run(Timeout, "-kernel", HexEmuProcess.GuestPath("ata.elf"), "-display", "none", "-drive", $"file={bad},format=qcow2");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("hexemu: ", r.Stderr);
        Assert.Contains(bad, r.Stderr);
        Assert.Equal(1, r.Stderr.Count(c => c == '\n'));
    }
}
