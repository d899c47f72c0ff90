using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// What the gdb tests know about tests/guests/gdbguest.elf from its source, independently of any
/// emulator: the lines tagged "@name" in gdbguest.c, the functions, and the values the loop
/// computes (its header comment is the contract).
/// </summary>
public static partial class GdbGuest
{
    public const string Kernel = "gdbguest.elf";
    public const string Source = "gdbguest.c";

    /// <summary>The guest's exit status: isa-debug-exit value 1, which QEMU's device turns into (1 &lt;&lt; 1) | 1.</summary>
    public const int ExitStatus = 3;

    /// <summary>The iterations of the recordings most tests use: short, so that a replay to the end is quick.</summary>
    public const int ShortIterations = 2000;

    public static string SourceDirectory => HexEmuProcess.GuestPath("");

    private static readonly Lazy<IReadOnlyDictionary<string, int>> Tags = new(ReadTags);

    /// <summary>The line of gdbguest.c tagged "@<paramref name="tag"/>".</summary>
    public static int Line(string tag) =>
        Tags.Value.TryGetValue(tag, out int line) ? line : throw new KeyNotFoundException($"{Source} has no line tagged @{tag}");

    /// <summary>gdb's linespec for a tagged line: "gdbguest.c:N".</summary>
    public static string At(string tag) => $"{Source}:{Line(tag)}";

    /// <summary>step(x) = square(x) + x + 1, as the source computes it (int arithmetic, small x here).</summary>
    public static int Step(int x) => x * x + x + 1;

    public static int Square(int x) => x * x;

    /// <summary>
    /// counter after iteration i is i + 1, so on entry to step(x) (iteration x, before its own
    /// write) counter holds x: the iterations 0 … x − 1 wrote 1 … x.
    /// </summary>
    public static int CounterOnEntryToStep(int x) => x;

    private static IReadOnlyDictionary<string, int> ReadTags()
    {
        var tags = new Dictionary<string, int>();
        var lines = File.ReadAllLines(HexEmuProcess.GuestPath(Source));
        for (int i = 0; i < lines.Length; i++)
            foreach (Match m in TagPattern().Matches(lines[i]))
                tags.Add(m.Groups[1].Value, i + 1);
        return tags;
    }

    [GeneratedRegex(@"/\*\s*@([a-z][a-z-]*)\s*\*/")]
    private static partial Regex TagPattern();
}
