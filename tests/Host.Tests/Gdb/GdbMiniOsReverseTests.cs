using System.Globalization;
using System.Text.RegularExpressions;
using HexEmu.Host.Tests.Replay;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Reverse debugging an operating system: real gdb against hexemu replaying a recording of
/// tests/guests/minios.elf (our mini-OS: the local APIC timer preempting ring 3 processes, the
/// I/O APIC routing the UART, keyboard and IDE disk), with its kernel's symbols. A breakpoint on
/// the scheduler is hit going forward, then reverse-continue finds the same hits again, in
/// reverse order, at the same instruction counts — what the xv6 session of issue 8 does with
/// sys_write, on a guest CI can build.
/// </summary>
[Collection(GdbCollection.Name)]
public sealed partial class GdbMiniOsReverseTests : IDisposable
{
    private const string Kernel = "minios.elf";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-minios-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<string> MachineArgs(string icount) =>
        ["-kernel", Kernel, "-m", "128", "-drive", "file=disk.img,format=raw,if=ide,index=0", "-display", "none",
         "-device", "isa-debug-exit", "-serial", "file:serial.txt", "-icount", icount];

    [Fact]
    public void Reverse_continue_finds_the_schedulers_earlier_hits_at_the_same_instruction_counts()
    {
        File.Copy(HexEmuProcess.GuestPath(Kernel), Path.Combine(_dir, Kernel));
        File.Copy(HexEmuProcess.GuestPath("ata.img"), Path.Combine(_dir, "disk.img"));
        using (var recording = GdbEmulator.HexEmu.Start(MachineArgs("shift=0,rr=record,rrfile=minios.rr"), _dir))
        {
            int status = recording.WaitForExit(Timeout);
            Assert.True(status == 3, $"recording: exit status {status}\n{recording.Stderr}\n{File.ReadAllText(Path.Combine(_dir, "serial.txt"))}");
        }
        File.Copy(HexEmuProcess.GuestPath("ata.img"), Path.Combine(_dir, "disk.img"), overwrite: true);

        using var target = GdbTarget.Start(GdbEmulator.HexEmu, _dir, MachineArgs("shift=0,rr=replay,rrfile=minios.rr"), Kernel);
        var script = new GdbScript().Run("break schedule");
        for (int hit = 1; hit <= 4; hit++) script.Run("continue").Monitor($"forward{hit}", "info replay");
        for (int hit = 3; hit >= 1; hit--) script.Run("reverse-continue").Monitor($"back{hit}", "info replay");
        script.Run("continue").Monitor("again2", "info replay");
        var gdb = target.CleanGdb(script, Timeout);

        long[] forward = [.. Enumerable.Range(1, 4).Select(hit => Icount(gdb.Section($"forward{hit}")))];
        Assert.True(forward.Zip(forward.Skip(1)).All(pair => pair.First < pair.Second), $"hits not in order: {string.Join(", ", forward)}");
        for (int hit = 3; hit >= 1; hit--) Assert.Equal(forward[hit - 1], Icount(gdb.Section($"back{hit}")));
        Assert.Equal(forward[1], Icount(gdb.Section("again2")));
        Assert.Contains("Breakpoint 1, 0x", gdb.Stdout);
        Assert.Contains("in schedule ()", gdb.Stdout);
    }

    private static long Icount(string infoReplay)
    {
        var m = InstructionCount().Match(infoReplay);
        Assert.True(m.Success, $"no instruction count in: {infoReplay}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"instruction count = (\d+)")]
    private static partial Regex InstructionCount();
}
