using System.Diagnostics;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>
/// The real gdb (Debian's, in batch mode) judges the stub: it must accept the target description
/// and every reply. The machine behind the stub is the in-memory FAKE target, so these are unit
/// tests of the protocol against a real client, not end-to-end tests of HexEmu.
/// </summary>
public sealed class RealGdbTests
{
    private static (int Exit, string Output) RunGdb(int port, params string[] commands) => RunGdb(port, [], commands);

    private static (int Exit, string Output) RunGdb(int port, string[] beforeConnecting, string[] commands)
    {
        var info = new ProcessStartInfo("gdb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "-batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off" }) info.ArgumentList.Add(a);
        foreach (var c in beforeConnecting.Append($"target remote 127.0.0.1:{port}").Concat(commands))
        {
            info.ArgumentList.Add("-ex");
            info.ArgumentList.Add(c);
        }
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("gdb did not finish in 60 s:\n" + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static FakeDebugTarget SampleTarget()
    {
        var target = new FakeDebugTarget
        {
            Registers = new GuestRegisters(
                Eax: 0x11223344, Ecx: 0x55667788, Edx: 0x3, Ebx: 0x4, Esp: 0x7000, Ebp: 0x7ff0, Esi: 0x6, Edi: 0x7,
                Eip: 0x1000, Eflags: 0x246, Cs: 0x8, Ss: 0x10, Ds: 0x10, Es: 0x10, Fs: 0x0, Gs: 0x0),
        };
        // Little-endian words 0xdeadbeef, 0x01020304, 0xcafef00d, 0x00000000 at 0x1000.
        byte[] words = [0xef, 0xbe, 0xad, 0xde, 0x04, 0x03, 0x02, 0x01, 0x0d, 0xf0, 0xfe, 0xca, 0, 0, 0, 0];
        words.CopyTo(target.Ram, 0x1000);
        return target;
    }

    private static Action<string> Logger(List<string> log) => line =>
    {
        lock (log) log.Add(line);
    };

    /// <summary>
    /// gdb warns of nothing but the missing executable (it would with QEMU too), and the stub
    /// found nothing malformed in what gdb sent.
    /// </summary>
    private static void AssertNoSurprises(string output, List<string> log)
    {
        var warnings = output.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)
            && !l.Contains("No executable has been specified", StringComparison.Ordinal));
        Assert.Empty(warnings);
        lock (log)
        {
            Assert.DoesNotContain(log, l => l.Contains("malformed", StringComparison.Ordinal) || l.Contains("rejected", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GdbDrivesTheStubOnAFakeTarget(bool acknowledgments)
    {
        var target = SampleTarget();
        var log = new List<string>();
        using var server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, Logger(log));
        // gdb turns acknowledgments off when the stub offers it; told not to, it keeps them on.
        string[] preamble = acknowledgments ? ["set remote noack-packet off", "set debug remote 1"] : ["set debug remote 1"];
        var (exit, output) = RunGdb(server.Port!.Value, preamble, [
            "info registers",
            "p $st0",
            "p $fop",
            "x/4xw 0x1000",
            "break *0x1010",
            "continue",
            "stepi",
            "p/x $pc",
            "monitor help",
            "detach"]);
        Assert.True(exit == 0, output);
        AssertNoSurprises(output, log);
        Assert.Matches(@"eax\s+0x11223344", output);
        Assert.Matches(@"ecx\s+0x55667788", output);
        Assert.Matches(@"eip\s+0x1000", output);
        Assert.Matches(@"eflags\s+0x246\s+\[ (\w+ )*IF (\w+ )*\]", output);
        // After the no-ack negotiation (which precedes the target description read) gdb sees acks only if kept on.
        var afterNegotiation = output[output.IndexOf("Sending packet: $qXfer:features:read:target.xml", StringComparison.Ordinal)..];
        Assert.Equal(acknowledgments, afterNegotiation.Contains("Received Ack", StringComparison.Ordinal));
        Assert.Contains("$1 = 0", output); // st0: no FPU state, zero
        Assert.Contains("$2 = 0", output);
        Assert.Matches(@"0x1000:\s+0xdeadbeef\s+0x01020304\s+0xcafef00d\s+0x00000000", output);
        Assert.Contains("Breakpoint 1, 0x00001010 in ?? ()", output);
        Assert.Contains("0x00001012 in ?? ()", output); // stepi: the fake's instructions are 2 bytes
        Assert.Contains("$3 = 0x1012", output);
        Assert.Contains("help|? [cmd] -- show the help", output);
        Assert.Equal(["help"], target.MonitorCommands);
        target.WaitUntil(t => t.Detaches == 1, "gdb's detach");
        Assert.Equal(1, target.Attaches);
        Assert.Contains(ResumeAction.Continue, target.Resumes);
        Assert.Contains(ResumeAction.Step, target.Resumes);
    }

    [Fact]
    public void GdbWatchpointsHardwareBreakpointsAndReverseOnAFakeTarget()
    {
        var target = SampleTarget();
        target.CanReverse = true;
        // The fake reports what a replaying machine would: a write to 0x2000, then the start of history.
        target.Script(new TargetStop.Watch(0x2000, Domain.Debugging.WatchKind.Write), t => t.Ram[0x2000] = 42);
        target.Script(new TargetStop.HistoryEdge(AtBegin: true));
        var log = new List<string>();
        using var server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, Logger(log));
        var (exit, output) = RunGdb(server.Port!.Value,
            "watch *(int*)0x2000",
            "continue",
            "delete",
            "hbreak *0x1200",
            "continue",
            "reverse-stepi",
            "p/x $pc",
            "delete",
            "reverse-continue",
            "detach");
        Assert.True(exit == 0, output);
        AssertNoSurprises(output, log);
        Assert.Contains("Hardware watchpoint 1: *(int*)0x2000", output);
        Assert.Matches(@"Old value = 0\s+New value = 42", output);
        Assert.Contains((BreakpointType.WriteWatch, 0x2000u, 4u), target.BreakpointsEverInserted);
        Assert.Contains("Hardware assisted breakpoint 2 at 0x1200", output);
        Assert.Contains((BreakpointType.Hardware, 0x1200u, 1u), target.BreakpointsEverInserted);
        Assert.Contains("Breakpoint 2, 0x00001200 in ?? ()", output);
        Assert.Contains("$1 = 0x11fe", output); // reverse-stepi: 2 bytes back
        Assert.Contains("No more reverse-execution history.", output);
        Assert.Equal(
            [ResumeAction.Continue, ResumeAction.Continue, ResumeAction.ReverseStep, ResumeAction.ReverseContinue],
            target.Resumes.Where(r => r != ResumeAction.Step));
    }

    [Fact]
    public void GdbSeesNoReverseWhenTheTargetCannot()
    {
        var target = SampleTarget();
        var log = new List<string>();
        using var server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, Logger(log));
        var (_, output) = RunGdb(server.Port!.Value, "reverse-stepi", "p/x $pc", "detach");
        Assert.Contains("Target remote does not support this command.", output);
        Assert.Contains("$1 = 0x1000", output);
        Assert.DoesNotContain(ResumeAction.ReverseStep, target.Resumes);
    }

    [Fact]
    public void GdbMovesLargeAndAwkwardBlocksOnAFakeTarget()
    {
        var target = SampleTarget();
        var log = new List<string>();
        var directory = Directory.CreateTempSubdirectory("hexemu-gdb-");
        try
        {
            // 40 KiB holding every byte value, the protocol's special ones ('$', '#', '}', '*') included.
            var block = new byte[40 * 1024];
            new Random(6).NextBytes(block);
            for (var i = 0; i < 256; i++) block[i] = (byte)i;
            var input = Path.Combine(directory.FullName, "in.bin");
            var output = Path.Combine(directory.FullName, "out.bin");
            File.WriteAllBytes(input, block);
            using var server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, Logger(log));
            var (exit, text) = RunGdb(server.Port!.Value,
                $"restore {input} binary 0x10000",
                "set {int}0x3000 = 0x7d2a2324",
                "x/xw 0x3000",
                $"dump binary memory {output} 0x10000 0x{0x10000 + block.Length:x}",
                "x/xw 0x200000",
                "detach");
            Assert.True(exit == 0, text);
            AssertNoSurprises(text, log);
            Assert.Equal(block, target.Ram[0x10000..(0x10000 + block.Length)]);
            Assert.True(File.Exists(output), text);
            Assert.Equal(block, File.ReadAllBytes(output));
            Assert.Contains("0x3000:\t0x7d2a2324", text);
            Assert.Contains("Cannot access memory at address 0x200000", text); // beyond the fake's RAM: E14
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
