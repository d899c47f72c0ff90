using System.Diagnostics;

namespace HexEmu.Host.Tests;

/// <summary>
/// Going back in a replay: snapshots taken with savevm during a replay remember where the replay
/// was, so replay_seek can move backwards through them; the replay then runs on to the recorded
/// end, where its final state digest (RAM included) must still match the recording's.
/// </summary>
public sealed class ReplaySeekTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-seek-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Replay_seek_goes_back_through_a_snapshot_and_the_replay_still_ends_as_recorded()
    {
        Assert.Equal(0, HexEmuProcess.Run(Timeout, "img", "create", "-f", "qcow2", In("snap.qcow2"), "1M").ExitCode);
        string kernel = HexEmuProcess.RepoPath("guests/demo/demo.elf");
        string[] machine = ["-kernel", kernel, "-display", "none", "-device", "isa-debug-exit", "-net", "none",
                            "-drive", $"file={In("snap.qcow2")},if=none,id=rr"];

        // Record: keys typed while the demo runs its timer, then 'q'.
        var recorded = HexEmuProcess.RunWithInput(Timeout, "abc t xyz t q",
            [.. machine, "-serial", "stdio", "-icount", $"shift=3,sleep=off,rr=record,rrfile={In("run.rr")}"]);
        Assert.Equal(3, recorded.ExitCode);
        var verify = HexEmuProcess.Run(Timeout, "rr", "verify", In("run.rr"));
        long lastIcount = long.Parse(System.Text.RegularExpressions.Regex.Match(verify.Stdout, @"last icount (\d+)").Groups[1].Value);
        long early = lastIcount / 4, later = lastIcount / 2, between = lastIcount * 3 / 8;

        using var replay = new RunningHexEmu([.. machine, "-serial", "null", "-monitor", "stdio", "-S",
            "-icount", $"shift=3,sleep=off,rr=replay,rrfile={In("run.rr")}"]);
        replay.WaitForOutput("(qemu) ", Timeout);
        replay.Type("info status\n");
        replay.WaitForOutput("VM status: paused (prelaunch)", Timeout);
        Seek(replay, early);
        replay.Type("savevm early\n");
        Seek(replay, later);
        Seek(replay, between); // backwards: through "early", then on to 'between'
        replay.Type("cont\n");
        var (exitCode, stderr) = replay.WaitForExit(Timeout);
        Assert.Equal("", stderr); // no divergence: the final digest over CPU, devices and RAM matched
        Assert.Equal(3, exitCode);
    }

    /// <summary>replay_seek, then waits until `info replay` shows the icount reached.</summary>
    private static void Seek(RunningHexEmu replay, long icount)
    {
        replay.Type($"replay_seek {icount}\n");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            replay.Type("info replay\n");
            try
            {
                replay.WaitForOutput($"instruction count = {icount}\r\n", TimeSpan.FromMilliseconds(500));
                return;
            }
            catch (TimeoutException) when (deadline.Elapsed < Timeout)
            {
                // the replay is still on its way: ask again
            }
        }
    }
}
