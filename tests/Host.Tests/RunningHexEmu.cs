using System.Diagnostics;

namespace HexEmu.Host.Tests;

/// <summary>A hexemu process still running: its output can be awaited and it can be signalled.</summary>
public sealed class RunningHexEmu : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly SemaphoreSlim _stdoutChanged = new(0);

    public RunningHexEmu(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hexemu.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _stderr = _process.StandardError.ReadToEndAsync();
        _ = Task.Run(async () =>
        {
            var buffer = new char[256];
            int n;
            while ((n = await _process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (_stdout) _stdout.Append(buffer, 0, n);
                _stdoutChanged.Release();
            }
        });
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>Waits until stdout contains <paramref name="text"/>; fails after <paramref name="timeout"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"hexemu did not print '{text}' within {timeout}; it printed '{Stdout}'");
            _stdoutChanged.Wait(left); // woken by new output, or by the deadline
        }
    }

    /// <summary>Waits until what stdout printed after its first <paramref name="from"/> characters contains <paramref name="text"/>.</summary>
    public void WaitForOutputAfter(int from, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Stdout.IndexOf(text, from, StringComparison.Ordinal) < 0)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"hexemu did not print '{text}' within {timeout}; after its first {from} characters it printed '{Stdout[from..]}'");
            _stdoutChanged.Wait(left);
        }
    }

    /// <summary>Types <paramref name="text"/> on hexemu's stdin.</summary>
    public void Type(string text)
    {
        _process.StandardInput.Write(text);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a POSIX signal (by name, e.g. "TERM") to the process.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; kills the process and fails after <paramref name="timeout"/>.</summary>
    public (int ExitCode, string Stderr) WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hexemu did not exit within {timeout}");
        }
        return (_process.ExitCode, _stderr.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
