using System.Diagnostics;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests;

/// <summary>
/// Reverse-debugging checkpoints kept in the snapshot store (a real LiteDB file) beyond the
/// process: a first replay under -gdb writes them as it goes; a second replay of the same
/// recording jumps to the nearest one for a far replay_seek instead of replaying up to it, lands
/// in exactly the state the first session had there, and then replays on to the recorded end
/// with every recorded state digest (RAM included) still matching.
/// </summary>
public sealed partial class PersistedCheckpointTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-persisted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_later_session_seeks_through_a_persisted_checkpoint_into_the_same_state()
    {
        // About 10 million instructions of CPU-bound rounds with the PIT interrupting at 1 kHz.
        string[] machine = ["-kernel", HexEmuProcess.GuestPath("rrbench.elf"), "-append", "rounds=100",
                            "-display", "none", "-device", "isa-debug-exit", "-net", "none"];
        var recorded = HexEmuProcess.Run(Timeout,
            [.. machine, "-serial", "null", "-icount", $"shift=0,rr=record,rrfile={In("run.rr")}"]);
        Assert.Equal(3, recorded.ExitCode);
        var verify = HexEmuProcess.Run(Timeout, "rr", "verify", In("run.rr"));
        long lastIcount = long.Parse(LastIcount().Match(verify.Stdout).Groups[1].Value);
        long spacing = lastIcount / 5;
        long target = lastIcount * 3 / 4 + 12_345;
        string[] replay = [.. machine, "-serial", "null", "-monitor", "stdio", "-S", "-gdb", $"unix:{In("gdb.sock")}",
            "-icount", $"shift=0,rr=replay,rrfile={In("run.rr")}",
            "--Snapshots:Backend=LiteDb", $"--Snapshots:LiteDb:Path={In("checkpoints.db")}",
            $"--Snapshots:Checkpoints:Interval={spacing}"];

        string registersThere;
        using (var first = new RunningHexEmu(replay))
        {
            first.WaitForOutput("(qemu) ", Timeout);
            first.Type("cont\n");
            AwaitReplayLine(first, @"(\d+) in the snapshot store \(every \d+ instructions: \1 written, 0 loaded");
            Seek(first, lastIcount); // the end: the whole history has been replayed once
            Seek(first, target);     // back, through this session's own checkpoints
            registersThere = Registers(first);
            first.Type("quit\n");
            Assert.Equal(0, first.WaitForExit(Timeout).ExitCode);
        }

        using var second = new RunningHexEmu(replay);
        second.WaitForOutput("(qemu) ", Timeout);
        Seek(second, target);
        string line = AwaitReplayLine(second, @"(\d+) in the snapshot store \(every \d+ instructions: 0 written, 1 loaded");
        Assert.InRange(int.Parse(Regex.Match(line, @"(\d+) in the snapshot store").Groups[1].Value), 2, 6);
        Assert.Equal(registersThere, Registers(second));
        // On from the jump to the recorded end (where it pauses for gdb) without diverging.
        second.Type("cont\n");
        AwaitReplayLine(second, $"instruction count = {lastIcount}\r");
        second.Type("quit\n");
        var (exitCode, stderr) = second.WaitForExit(Timeout);
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("diverged", stderr);
        Assert.Contains("the replay reached the end of the recording", stderr);
    }

    private static string Registers(RunningHexEmu replay)
    {
        int from = replay.Stdout.Length;
        replay.Type("info registers\n");
        replay.WaitForOutputAfter(from, "DR7=", Timeout);
        replay.WaitForOutputAfter(from, "(qemu) ", Timeout);
        string text = replay.Stdout[from..];
        return text[text.IndexOf("EAX=", StringComparison.Ordinal)..text.IndexOf("(qemu) ", StringComparison.Ordinal)];
    }

    /// <summary>replay_seek, then waits until `info replay` shows the icount reached.</summary>
    private static void Seek(RunningHexEmu replay, long icount)
    {
        replay.Type($"replay_seek {icount}\n");
        AwaitReplayLine(replay, $"instruction count = {icount}\r");
    }

    /// <summary>Asks `info replay` until its output matches <paramref name="pattern"/>; returns the matching line.</summary>
    private static string AwaitReplayLine(RunningHexEmu replay, string pattern)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            int from = replay.Stdout.Length;
            replay.Type("info replay\n");
            replay.WaitForOutputAfter(from, "Reverse debugging:", Timeout);
            replay.WaitForOutputAfter(from, "(qemu) ", Timeout);
            var match = Regex.Match(replay.Stdout[from..], pattern);
            if (match.Success) return match.Value;
            Thread.Yield();
        }
        throw new TimeoutException($"`info replay` never matched {pattern}:\n{replay.Stdout[^Math.Min(2000, replay.Stdout.Length)..]}");
    }

    [GeneratedRegex(@"last icount (\d+)")]
    private static partial Regex LastIcount();
}
