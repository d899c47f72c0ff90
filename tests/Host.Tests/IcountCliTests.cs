namespace HexEmu.Host.Tests;

/// <summary>
/// -icount: virtual time from the instruction count makes a run reproducible. Two runs of a
/// timer-driven guest produce the same output and the same execution trace, block for block.
/// </summary>
public sealed class IcountCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hexemu-icount-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (HexEmuProcess.Result Run, string Serial, string Trace) RunTimerGuest(string icount, string tag)
    {
        string serial = Path.Combine(_dir.FullName, $"{tag}.serial");
        string trace = Path.Combine(_dir.FullName, $"{tag}.log");
        var r = HexEmuProcess.Run(Timeout, "-kernel", HexEmuProcess.GuestPath("timer.elf"), "-display", "none",
            "-device", "isa-debug-exit", "-serial", $"file:{serial}", "-icount", icount,
            "-rtc", "base=2026-11-25T12:00:00,clock=vm", "-d", "exec,int", "-D", trace);
        return (r, File.ReadAllText(serial), File.ReadAllText(trace));
    }

    [Theory]
    [InlineData("shift=0,sleep=off")]
    [InlineData("shift=7,sleep=off")]
    public void Two_runs_under_icount_are_identical_down_to_every_block(string icount)
    {
        var first = RunTimerGuest(icount, "a");
        var second = RunTimerGuest(icount, "b");
        Assert.Equal(3, first.Run.ExitCode); // every check of the guest passed
        Assert.Equal(File.ReadAllText(HexEmuProcess.GuestPath("timer.expected")), first.Serial);
        Assert.Contains("Trace 0:", first.Trace);
        Assert.Contains(" v=20 ", first.Trace); // the timer interrupts (IRQ 0 at vector 0x20) are in the trace
        Assert.Equal(first.Serial, second.Serial);
        Assert.Equal(first.Trace, second.Trace);
    }
}
