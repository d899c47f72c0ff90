using System.Diagnostics;
using System.Text;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// A hexemu process for the record/replay tests: started in a chosen working directory, its
/// stdout kept as raw bytes (serial output is compared byte for byte), its stderr kept as text,
/// both readable while it runs; stdin written on demand; killable with SIGKILL.
/// </summary>
public sealed class HexEmuChild : IDisposable
{
    private readonly Process _process;
    private readonly string _program;
    private readonly MemoryStream _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    /// <summary>
    /// Set to another emulator (e.g. qemu-system-i386, whose -icount rr= takes the same command
    /// line) to run these tests against it instead of hexemu: a check of the tests themselves.
    /// </summary>
    public const string EmulatorVariable = "HEXEMU_RR_TEST_EMULATOR";

    public HexEmuChild(IEnumerable<string> args, string? workingDirectory = null)
        : this(Environment.GetEnvironmentVariable(EmulatorVariable), args, workingDirectory)
    {
    }

    /// <summary>Runs <paramref name="emulator"/> (e.g. qemu-system-i386) instead of hexemu, as a reference.</summary>
    public static HexEmuChild Other(string emulator, IEnumerable<string> args, string? workingDirectory = null) =>
        new(emulator, args, workingDirectory);

    private HexEmuChild(string? emulator, IEnumerable<string> args, string? workingDirectory)
    {
        Arguments = [.. args];
        bool hexemu = string.IsNullOrEmpty(emulator);
        var psi = new ProcessStartInfo(hexemu ? "dotnet" : emulator!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (hexemu) psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hexemu.dll"));
        foreach (var a in Arguments) psi.ArgumentList.Add(a);
        _program = hexemu ? "hexemu" : emulator!;
        _process = Process.Start(psi)!;
        _stdoutPump = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await _process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
            {
                lock (_stdout) _stdout.Write(buffer, 0, n);
                _changed.Release();
            }
        });
        _stderrPump = Task.Run(async () =>
        {
            var buffer = new char[1024];
            int n;
            while ((n = await _process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (_stderr) _stderr.Append(buffer, 0, n);
                _changed.Release();
            }
        });
    }

    public IReadOnlyList<string> Arguments { get; }

    public string CommandLine => $"{_program} {string.Join(' ', Arguments)}";

    public byte[] Stdout { get { lock (_stdout) return _stdout.ToArray(); } }

    public string StdoutText => Encoding.Latin1.GetString(Stdout);

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (hexemu's own: it runs as "dotnet hexemu.dll"), e.g. to signal it.</summary>
    public int Id => _process.Id;

    /// <summary>Writes <paramref name="bytes"/> to hexemu's stdin at once; false if hexemu has closed it (exited).</summary>
    public bool TryWrite(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _process.StandardInput.BaseStream.Write(bytes);
            _process.StandardInput.BaseStream.Flush();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public bool TryWrite(string text) => TryWrite(Encoding.Latin1.GetBytes(text));

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (checked on every bit of new output and
    /// when the process exits); false after <paramref name="timeout"/> or if it exited without.
    /// </summary>
    public bool WaitUntil(Func<HexEmuChild, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (_process.HasExited)
            {
                DrainOutput();
                return condition(this);
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            // New output wakes this up; the short cap notices an exit that printed nothing.
            _changed.Wait(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
        }
        return true;
    }

    /// <summary>Waits until stdout contains <paramref name="text"/>; fails with what it printed after <paramref name="timeout"/>.</summary>
    public void WaitForStdout(string text, TimeSpan timeout)
    {
        if (WaitUntil(c => c.StdoutText.Contains(text, StringComparison.Ordinal), timeout)) return;
        string shown = text.Replace("\r", "\\r").Replace("\n", "\\n");
        throw new TimeoutException(HasExited
            ? $"{CommandLine} exited (status {_process.ExitCode}) without printing '{shown}'; stdout:\n{StdoutText}\nstderr:\n{Stderr}"
            : $"{CommandLine} did not print '{shown}' within {timeout}; stdout:\n{StdoutText}\nstderr:\n{Stderr}");
    }

    /// <summary>Waits for the exit and the end of its output; kills the process and fails after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"{CommandLine} did not exit within {timeout} (it hangs); stdout:\n{StdoutText}\nstderr:\n{Stderr}");
        }
        DrainOutput();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed or finished by hexemu itself.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true); // SIGKILL on Unix
        _process.WaitForExit();
        DrainOutput();
    }

    private void DrainOutput()
    {
        _process.WaitForExit(); // also waits for the redirected streams to reach end of file
        Task.WaitAll([_stdoutPump, _stderrPump], TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _changed.Dispose();
    }
}
