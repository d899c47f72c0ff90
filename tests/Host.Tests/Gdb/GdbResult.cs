using System.Globalization;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>What one gdb batch session printed, and how it ended.</summary>
public sealed record GdbResult(string CommandLine, string Stdout, string Stderr, int ExitCode, bool TimedOut, TimeSpan Elapsed)
{
    /// <summary>Everything, for a failure message.</summary>
    public string Transcript =>
        $"{CommandLine}\n--- exit {(TimedOut ? "(killed: timed out)" : ExitCode.ToString(CultureInfo.InvariantCulture))} " +
        $"after {Elapsed.TotalSeconds:F1} s\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";

    /// <summary>The text after each "@@<paramref name="label"/> " probe line, in order.</summary>
    public IReadOnlyList<string> Values(string label)
    {
        string prefix = GdbScript.MarkerPrefix + label + " ";
        return [.. Lines().Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim())];
    }

    /// <summary>The single value probed under <paramref name="label"/>; fails unless there is exactly one.</summary>
    public string Value(string label)
    {
        var values = Values(label);
        Assert.True(values.Count == 1, $"expected one '@@{label}' probe, found {values.Count}:\n{Transcript}");
        return values[0];
    }

    /// <summary>Hex probe values (as printed by %08x) as numbers.</summary>
    public IReadOnlyList<uint> HexValues(string label) =>
        [.. Values(label).Select(v => uint.Parse(v, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    public uint HexValue(string label) => uint.Parse(Value(label), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public IReadOnlyList<int> IntValues(string label) => [.. Values(label).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    public int IntValue(string label) => int.Parse(Value(label), CultureInfo.InvariantCulture);

    /// <summary>Where gdb stood at a <see cref="GdbScript.ProbeWhere"/>: pc, function and line.</summary>
    public sealed record Where(uint Pc, string Function, int Line);

    public IReadOnlyList<Where> Wheres(string label = "where") =>
        [.. Values(label).Select(v =>
        {
            var parts = v.Split(' ');
            return new Where(uint.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), parts[1],
                int.Parse(parts[2], CultureInfo.InvariantCulture));
        })];

    /// <summary>The stdout text between the marker of section <paramref name="name"/> and the next marker.</summary>
    public string Section(string name)
    {
        string marker = GdbScript.MarkerPrefix + ">" + name;
        var lines = Lines();
        int start = Array.FindIndex(lines, l => l == marker);
        Assert.True(start >= 0, $"no section '{name}' in gdb's output:\n{Transcript}");
        var body = lines.Skip(start + 1).TakeWhile(l => !l.StartsWith(GdbScript.MarkerPrefix, StringComparison.Ordinal));
        return string.Join('\n', body);
    }

    /// <summary>All of stdout from the marker of section <paramref name="name"/> on, later markers included.</summary>
    public string From(string name)
    {
        string marker = GdbScript.MarkerPrefix + ">" + name;
        var lines = Lines();
        int start = Array.FindIndex(lines, l => l == marker);
        Assert.True(start >= 0, $"no section '{name}' in gdb's output:\n{Transcript}");
        return string.Join('\n', lines.Skip(start + 1));
    }

    /// <summary>How often <paramref name="text"/> occurs in stdout.</summary>
    public int Count(string text)
    {
        int count = 0;
        for (int at = Stdout.IndexOf(text, StringComparison.Ordinal); at >= 0; at = Stdout.IndexOf(text, at + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>gdb finished in time, connected, and ran every command without an error on stderr.</summary>
    public GdbResult AssertClean()
    {
        Assert.False(TimedOut, $"gdb did not finish in time (a hang):\n{Transcript}");
        Assert.True(Values("connected") is ["True"], $"gdb did not connect:\n{Transcript}");
        var errors = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !IsHarmlessStderr(l)).ToList();
        Assert.True(errors.Count == 0, $"gdb reported errors:\n{string.Join('\n', errors)}\n{Transcript}");
        return this;
    }

    /// <summary>
    /// gdb's stderr lines that say nothing about the target, kept narrow on purpose: only the
    /// warning that a checkout or copy left the source's file time after the kernel's.
    /// </summary>
    private static bool IsHarmlessStderr(string line) => line == "warning: Source file is more recent than executable.";

    private string[] Lines() => Stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n');
}
