using System.Diagnostics;

namespace HexEmu.Host.Tests;

/// <summary>
/// savevm/loadvm/delvm through the monitor of the real process, the VM state in a qcow2 image
/// judged by real qemu-img: it lists our snapshots as `info snapshots` does (with the icount) and
/// finds the image clean.
/// </summary>
public sealed class SavevmTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-savevm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int ExitCode, string Output) QemuImg(string arguments)
    {
        var psi = new ProcessStartInfo("qemu-img", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(Timeout), $"qemu-img {arguments} did not finish");
        return (p.ExitCode, output);
    }

    private static string[] Answers(string stdout) =>
        [.. stdout.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("(qemu) ", StringComparison.Ordinal))];

    [Fact]
    public void Snapshots_saved_in_the_orphan_image_are_listed_by_qemu_img_and_load_back()
    {
        string image = Path.Combine(_dir, "vmstate.qcow2");
        Assert.Equal(0, QemuImg($"create -f qcow2 {image} 16M").ExitCode);
        var r = HexEmuProcess.RunWithInput(Timeout,
            "stop\nsavevm first\ncont\nsavevm second\ninfo snapshots\nloadvm first\ndelvm second\nloadvm second\ninfo snapshots\nquit\n",
            "-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none", "-serial", "null",
            "-monitor", "stdio", "-drive", $"file={image},if=none,id=rr,format=qcow2");
        Assert.Equal(0, r.ExitCode);
        var answers = Answers(r.Stdout);
        Assert.Contains("Error: Snapshot 'second' does not exist in device '" + image + "'", answers);
        var listed = answers.Where(l => l.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, listed.Count); // first and second, then first alone
        Assert.Contains(" first ", listed[^1]);

        Assert.Equal(0, QemuImg($"check {image}").ExitCode);
        var qemuList = QemuImg($"snapshot -l {image}").Output.Split('\n').Where(l => l.Contains(" first ")).ToList();
        var ours = listed[^1];
        Assert.Single(qemuList);
        // qemu-img shows the same row (the ID column aside: HMP prints "--" there).
        Assert.Equal(ours[2..].TrimEnd(), qemuList[0][2..].TrimEnd());
        Assert.Matches(@"\s\d+$", ours); // an icount
    }

    [Fact]
    public void A_writable_raw_disk_cannot_take_snapshots_as_in_qemu()
    {
        string raw = Path.Combine(_dir, "disk.img");
        File.WriteAllBytes(raw, new byte[1 << 20]);
        var r = HexEmuProcess.RunWithInput(Timeout, "savevm x\nquit\n",
            "-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none", "-serial", "null",
            "-monitor", "stdio", "-drive", $"file={raw},format=raw,if=ide,index=0");
        Assert.Contains("Error: Device 'ide0-hd0' is writable but does not support snapshots", Answers(r.Stdout));
    }
}
