using System.Diagnostics;

namespace HexEmu.Host.Tests;

/// <summary>Runs the real hexemu executable (built beside the tests) and captures what it prints.</summary>
public static class HexEmuProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string GuestPath(string name) => Path.Combine(RepoRoot, "tests", "guests", name);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HexEmu.sln not found above the test directory");
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string RepoPath(string relative) => Path.Combine(RepoRoot, relative);

    /// <summary>Runs hexemu with <paramref name="args"/>; kills it and fails if it has not exited within <paramref name="timeout"/>.</summary>
    public static Result Run(TimeSpan timeout, params string[] args) => RunWithInput(timeout, null, args);

    /// <summary>As <see cref="Run"/>, writing <paramref name="input"/> to hexemu's stdin (left open until it exits).</summary>
    public static Result RunWithInput(TimeSpan timeout, string? input, params string[] args) =>
        RunIn(AppContext.BaseDirectory, timeout, input, new Dictionary<string, string>(), args);

    /// <summary>
    /// As <see cref="RunWithInput"/>, with hexemu.dll taken from <paramref name="directory"/> (a copy
    /// of the build, say, with its own appsettings.json) and <paramref name="environment"/> added to
    /// the process's environment.
    /// </summary>
    public static Result RunIn(string directory, TimeSpan timeout, string? input, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var hexemu = Path.Combine(directory, "hexemu.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        psi.ArgumentList.Add(hexemu);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Flush();
        }
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"hexemu {string.Join(' ', args)} did not exit within {timeout}: {stderr.Result}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
