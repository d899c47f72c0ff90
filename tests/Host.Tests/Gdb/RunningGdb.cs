using System.Diagnostics;
using System.Text;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// A gdb batch session (the arguments of <see cref="GdbBatch.Arguments"/>) started in the
/// background, so that a test can watch its output and signal it while it runs (SIGINT is what
/// a Ctrl-C at gdb's terminal sends: gdb then interrupts the remote target).
/// </summary>
public sealed class RunningGdb : IDisposable
{
    private readonly Process _gdb;
    private readonly StringBuilder _stdout = new();
    private readonly Task<string> _stderr;
    private readonly Task _stdoutPump;
    private readonly string _commandLine;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public RunningGdb(GdbTarget target, GdbScript script)
    {
        var args = GdbBatch.Arguments(target.KernelPath, target.Remote, script, target.BeforeConnect);
        var psi = new ProcessStartInfo(GdbBatch.Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = target.Directory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        _commandLine = GdbBatch.Program + " " + string.Join(' ', args);
        _gdb = Process.Start(psi) ?? throw new InvalidOperationException("could not start gdb");
        _gdb.StandardInput.Close();
        _stderr = _gdb.StandardError.ReadToEndAsync();
        _stdoutPump = Task.Run(async () =>
        {
            var buffer = new char[1024];
            int n;
            while ((n = await _gdb.StandardOutput.ReadAsync(buffer)) > 0)
                lock (_stdout) _stdout.Append(buffer, 0, n);
        });
    }

    public int Id => _gdb.Id;

    public string StdoutSoFar { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>Waits (polling every 20 ms) until gdb printed <paramref name="text"/>; false after the timeout or gdb's exit.</summary>
    public bool WaitForStdout(string text, TimeSpan timeout) =>
        Poll.Until(() => StdoutSoFar.Contains(text, StringComparison.Ordinal) || _gdb.HasExited, timeout)
        && StdoutSoFar.Contains(text, StringComparison.Ordinal);

    /// <summary>Waits for gdb to end its script; kills it after <paramref name="timeout"/> (the result says so).</summary>
    public GdbResult Finish(TimeSpan timeout)
    {
        bool timedOut = !_gdb.WaitForExit(timeout);
        if (timedOut) _gdb.Kill(entireProcessTree: true);
        _gdb.WaitForExit();
        Task.WaitAll([_stdoutPump, _stderr], TimeSpan.FromSeconds(10));
        return new GdbResult(_commandLine, StdoutSoFar, _stderr.IsCompletedSuccessfully ? _stderr.Result : "(output not complete)",
            timedOut ? -1 : _gdb.ExitCode, timedOut, _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_gdb.HasExited) _gdb.Kill(entireProcessTree: true);
        _gdb.Dispose();
    }
}

/// <summary>Small process tools: POSIX signals by name, CPU time, bounded polling.</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 20 ms; false if it still fails after <paramref name="timeout"/>.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>Sends signal <paramref name="name"/> (e.g. "INT", "TERM") to process <paramref name="pid"/> with kill(1).</summary>
    public static void Signal(int pid, string name)
    {
        using var kill = Process.Start("kill", ["-" + name, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(10)) && kill.ExitCode == 0, $"kill -{name} {pid} failed");
    }

    /// <summary>The CPU time process <paramref name="pid"/> has used so far (zero once it is gone).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Waits until process <paramref name="pid"/> has burnt <paramref name="cpu"/> of CPU time
    /// since the call: proof that it is busy computing (an emulator paused for a debugger uses
    /// next to nothing). Fails after <paramref name="timeout"/>.
    /// </summary>
    public static void UntilBusy(int pid, TimeSpan cpu, TimeSpan timeout, string what)
    {
        var start = CpuTime(pid);
        Assert.True(Until(() => CpuTime(pid) - start >= cpu, timeout),
            $"{what}: the emulator did not use {cpu.TotalMilliseconds} ms of CPU within {timeout} (it is not running)");
    }
}
