using System.Text;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// Records tests/guests/rrguest.elf under hexemu while feeding it serial input at irregular,
/// seeded moments, and replays the recording. Every run happens in a directory of its own with
/// relative paths (`-kernel rrguest.elf`, `rrfile=recording.rr`), so the same command line works
/// wherever the files are copied: the guest's Multiboot command line is the kernel path as
/// given, and it must be the same in the recording and the replay.
/// <code>
/// record: hexemu -kernel rrguest.elf -display none -device isa-debug-exit -serial stdio
///                -icount shift=3,rr=record,rrfile=recording.rr
/// replay: hexemu -kernel rrguest.elf -display none -device isa-debug-exit -serial file:replay.txt
///                -icount shift=3,rr=replay,rrfile=recording.rr
/// </code>
/// </summary>
public sealed class RecordReplayHarness : IDisposable
{
    public const int Shift = 3;
    public const string LogName = "recording.rr";

    /// <summary>Bounds every run: a recording takes a second or two, a replay less; a hang fails the test.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Bounds a run that must fail at once (bad input): it must not hang.</summary>
    public static readonly TimeSpan ErrorTimeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hexemu-rr-");

    public string Root => _root.FullName;

    /// <summary>A new directory with a copy of the guest kernel in it.</summary>
    public string NewRunDirectory(string name, string kernel = RrGuest.Kernel)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.Copy(HexEmuProcess.GuestPath(kernel), Path.Combine(dir, kernel), overwrite: true);
        return dir;
    }

    public static string Icount(string mode, string rrfile = LogName, int shift = Shift) => $"shift={shift},rr={mode},rrfile={rrfile}";

    public static List<string> GuestArgs(string serial, string icount, string kernel = RrGuest.Kernel) =>
        ["-kernel", kernel, "-display", "none", "-device", "isa-debug-exit", "-serial", serial, "-icount", icount];

    /// <summary>A finished recording: where it is, what was sent, and what the guest did.</summary>
    public sealed record Recording(string Directory, byte[] Input, int ExitCode, byte[] Serial, string Stderr)
    {
        public string LogPath => Path.Combine(Directory, LogName);
        public string SerialText => RrGuest.Text(Serial);
    }

    /// <summary>Starts recording in <paramref name="dir"/> (which holds the kernel) with the guest's COM1 on stdio.</summary>
    public static HexEmuChild StartRecording(string dir, params string[] extraArgs) =>
        new([.. GuestArgs("stdio", Icount("record")), .. extraArgs], dir);

    /// <summary>
    /// Records with <paramref name="input"/> sent once the guest is ready, at irregular moments
    /// (<see cref="Feed"/>), and waits for the guest to exit.
    /// </summary>
    public Recording Record(string name, byte[] input, int seed, params string[] extraArgs) =>
        Record(name, RrGuest.Kernel, RrGuest.ReadyMarker, input, seed, extraArgs);

    /// <summary>As <see cref="Record(string, byte[], int, string[])"/> for any guest kernel, whose output <paramref name="readyMarker"/> says it is ready for input.</summary>
    public Recording Record(string name, string kernel, string readyMarker, byte[] input, int seed, params string[] extraArgs)
    {
        string dir = NewRunDirectory(name, kernel);
        using var recording = new HexEmuChild([.. GuestArgs("stdio", Icount("record"), kernel), .. extraArgs], dir);
        recording.WaitForStdout(readyMarker, RunTimeout);
        Feed(recording, input, new Random(seed));
        int exit = recording.WaitForExit(RunTimeout);
        return new Recording(dir, input, exit, recording.Stdout, recording.Stderr);
    }

    /// <summary>
    /// Writes <paramref name="input"/> to hexemu's stdin a byte or a short burst at a time, with
    /// a seeded random pause of 0–30 ms after each: the pauses are the point (the guest notes
    /// the tick at which each byte arrives), so they are real waits, not waits for a condition.
    /// Stops early if hexemu has exited.
    /// </summary>
    public static void Feed(HexEmuChild hexemu, ReadOnlySpan<byte> input, Random random)
    {
        int i = 0;
        while (i < input.Length)
        {
            int burst = random.Next(5) == 0 ? random.Next(2, 4) : 1;
            var chunk = input.Slice(i, Math.Min(burst, input.Length - i));
            if (!hexemu.TryWrite(chunk)) return;
            i += chunk.Length;
            Thread.Sleep(random.Next(0, 31));
        }
    }

    /// <summary>A finished replay: its exit status, the serial output file's bytes (empty if it wrote none), stdout and stderr.</summary>
    public sealed record ReplayRun(string CommandLine, int ExitCode, byte[] Serial, string Stdout, string Stderr)
    {
        public string SerialText => RrGuest.Text(Serial);
    }

    /// <summary>Replays <paramref name="dir"/>'s recording there with COM1 on a file, extra arguments appended.</summary>
    public static ReplayRun Replay(string dir, string serialFile, TimeSpan timeout, params string[] extraArgs) =>
        ReplayGuest(dir, RrGuest.Kernel, serialFile, timeout, extraArgs);

    /// <summary>As <see cref="Replay"/> for any guest kernel.</summary>
    public static ReplayRun ReplayGuest(string dir, string kernel, string serialFile, TimeSpan timeout, params string[] extraArgs) =>
        Run(dir, [.. GuestArgs($"file:{serialFile}", Icount("replay"), kernel), .. extraArgs], serialFile, timeout);

    /// <summary>Runs hexemu in <paramref name="dir"/> to its end; <paramref name="serialFile"/> (relative to dir) is read afterwards if given.</summary>
    public static ReplayRun Run(string dir, IEnumerable<string> args, string? serialFile, TimeSpan timeout)
    {
        using var hexemu = new HexEmuChild(args, dir);
        int exit = hexemu.WaitForExit(timeout);
        string? path = serialFile is null ? null : Path.Combine(dir, serialFile);
        byte[] serial = path is not null && File.Exists(path) ? File.ReadAllBytes(path) : [];
        return new ReplayRun(hexemu.CommandLine, exit, serial, hexemu.StdoutText, hexemu.Stderr);
    }

    /// <summary>Copies <paramref name="files"/> from <paramref name="from"/> into a new run directory.</summary>
    public string CopyRun(string from, string name, params string[] files)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        foreach (var f in files) File.Copy(Path.Combine(from, f), Path.Combine(dir, f), overwrite: true);
        return dir;
    }

    public void Dispose()
    {
        try { _root.Delete(recursive: true); }
        catch (IOException) { } // a killed process may still be letting go of a file; the temp dir is harmless
    }

    // ---- assertions shared by the tests ----

    /// <summary>Equal bytes, or a failure that shows the first difference with its surroundings.</summary>
    public static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual)) return;
        int at = expected.AsSpan().CommonPrefixLength(actual);
        Assert.Fail($"{what}: differs from byte {at} on (lengths {expected.Length} and {actual.Length}).\n" +
                    $"expected …{Around(expected, at)}…\nactual   …{Around(actual, at)}…");
    }

    /// <summary><paramref name="prefix"/> is where <paramref name="whole"/> starts.</summary>
    public static void AssertPrefix(byte[] prefix, byte[] whole, string what)
    {
        if (whole.AsSpan().StartsWith(prefix)) return;
        int at = prefix.AsSpan().CommonPrefixLength(whole);
        Assert.Fail($"{what}: not a prefix, differs at byte {at} (lengths {prefix.Length} and {whole.Length}).\n" +
                    $"replayed …{Around(prefix, at)}…\nrecorded …{Around(whole, at)}…");
    }

    private static string Around(byte[] bytes, int at)
    {
        int start = Math.Max(0, at - 60), end = Math.Min(bytes.Length, at + 60);
        return Encoding.Latin1.GetString(bytes, start, end - start).Replace("\r", "\\r").Replace("\n", "\\n");
    }

    /// <summary>
    /// stderr is exactly one line, "hexemu: …", containing each of <paramref name="phrases"/>
    /// (case-insensitive) and no trace of an exception. Returns the line.
    /// </summary>
    public static string AssertOneLineError(string stderr, string context, params string[] phrases)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"{context}: expected one line on stderr, got {lines.Length}:\n{stderr}");
        string line = lines[0];
        Assert.True(line.StartsWith("hexemu: ", StringComparison.Ordinal), $"{context}: the error does not start with 'hexemu: ': {line}");
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        foreach (var phrase in phrases)
            Assert.True(line.Contains(phrase, StringComparison.OrdinalIgnoreCase), $"{context}: the error does not mention '{phrase}': {line}");
        return line;
    }

    /// <summary>No stack trace and no .NET exception name anywhere in <paramref name="stderr"/>.</summary>
    public static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", stderr);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="text"/> names <paramref name="number"/> as a whole decimal number or in hex (0x…).</summary>
    public static bool NamesNumber(string text, long number) =>
        Regex.IsMatch(text, $@"(?<![0-9A-Za-z]){number}(?![0-9])") ||
        text.Contains($"0x{number:x}", StringComparison.OrdinalIgnoreCase);
}
