using System.Globalization;
using System.Text.RegularExpressions;
using HexEmu.Host.Tests.Replay;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>A finished recording of gdbguest.elf: its directory (kernel + log), its length and what the guest printed.</summary>
public sealed record GdbRecording(string Directory, int Iterations, long LastIcount, string Serial)
{
    public const string LogName = "recording.rr";
}

/// <summary>
/// Runs of gdbguest.elf for the gdb tests, each in a directory of its own under one temporary
/// root, with relative paths (the guest's Multiboot command line holds the kernel path as given,
/// and a replay must see the same one as its recording):
/// <code>
/// record:  hexemu -kernel gdbguest.elf -append iterations=N -display none -device isa-debug-exit
///                 -serial stdio -icount shift=0,rr=record,rrfile=recording.rr      (a few bytes on stdin)
/// replay:  hexemu -kernel gdbguest.elf -append iterations=N -display none -device isa-debug-exit
///                 -serial file:serial.txt -icount shift=0,rr=replay,rrfile=recording.rr -gdb unix:gdb.sock -S
///                 (or -gdb tcp::PORT)
/// oracle:  qemu-system-i386 -kernel gdbguest.elf -append iterations=N -display none -device isa-debug-exit
///                 -serial file:serial.txt -icount shift=0 -gdb unix:gdb.sock,server=on,wait=off -S
/// </code>
/// </summary>
public sealed partial class GdbGuestRuns : IDisposable
{
    /// <summary>A recording of a few million instructions takes a second or two; a hang fails here.</summary>
    public static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Typed at the guest while recording, so the recording holds serial input events.</summary>
    public const string Input = "gdb\n";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hexemu-gdb-");
    private int _runs;

    public string Root => _root.FullName;

    public static List<string> MachineArgs(int iterations, string serial, string icount) =>
        ["-kernel", GdbGuest.Kernel, "-append", $"iterations={iterations}", "-display", "none", "-device", "isa-debug-exit",
         "-serial", serial, "-icount", icount];

    /// <summary>A new, short-named run directory (unix socket paths are short) with a copy of the kernel.</summary>
    public string NewRunDirectory()
    {
        string dir = Path.Combine(Root, Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.Copy(HexEmuProcess.GuestPath(GdbGuest.Kernel), Path.Combine(dir, GdbGuest.Kernel));
        return dir;
    }

    /// <summary>qemu-system-i386 running the guest from its start, paused, gdb stub on a unix socket.</summary>
    public GdbTarget StartQemu(int iterations, bool tcp = false) =>
        tcp ? GdbTarget.StartTcp(GdbEmulator.Qemu, NewRunDirectory(), MachineArgs(iterations, "file:serial.txt", "shift=0"))
            : GdbTarget.Start(GdbEmulator.Qemu, NewRunDirectory(), MachineArgs(iterations, "file:serial.txt", "shift=0"));

    /// <summary>hexemu replaying <paramref name="recording"/> (a copy of it), paused at its start, gdb stub on a unix socket.</summary>
    public GdbTarget StartReplay(GdbRecording recording, bool tcp = false)
    {
        string dir = NewRunDirectory();
        File.Copy(Path.Combine(recording.Directory, GdbRecording.LogName), Path.Combine(dir, GdbRecording.LogName));
        var args = MachineArgs(recording.Iterations, "file:serial.txt", $"shift=0,rr=replay,rrfile={GdbRecording.LogName}");
        return tcp ? GdbTarget.StartTcp(GdbEmulator.HexEmu, dir, args) : GdbTarget.Start(GdbEmulator.HexEmu, dir, args);
    }

    /// <summary>
    /// Records the guest running <paramref name="iterations"/> iterations under hexemu, with
    /// <see cref="Input"/> typed at it, and checks the recording against the guest's contract
    /// (its last line and exit status) before any test relies on it.
    /// </summary>
    public GdbRecording Record(int iterations)
    {
        string dir = NewRunDirectory();
        using var hexemu = GdbEmulator.HexEmu.Start(
            MachineArgs(iterations, "stdio", $"shift=0,rr=record,rrfile={GdbRecording.LogName}"), dir);
        hexemu.TryWrite(Input);
        int exit = hexemu.WaitForExit(RecordTimeout);
        string serial = hexemu.StdoutText;
        Assert.True(exit == GdbGuest.ExitStatus, $"recording: exit status {exit}, expected {GdbGuest.ExitStatus}:\n{hexemu.Stderr}\n{serial}");
        AssertEndLine(serial, iterations);

        var verify = RecordReplayHarness.Run(dir, ["rr", "verify", GdbRecording.LogName], null, RecordTimeout);
        var last = LastIcount().Match(verify.Stdout);
        Assert.True(verify.ExitCode == 0 && last.Success, $"hexemu rr verify: exit {verify.ExitCode}\n{verify.Stdout}\n{verify.Stderr}");
        return new GdbRecording(dir, iterations, long.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture), serial);
    }

    /// <summary>The guest's last line says it ran every iteration, and its total is the sum the source defines.</summary>
    public static void AssertEndLine(string serial, int iterations)
    {
        uint total = 0;
        for (uint i = 0; i < iterations; i++) total += unchecked(i * i + i + 1);
        string expected = $"# end: iterations {iterations}, counter {iterations}, total {total}, received ";
        Assert.True(serial.Contains(expected, StringComparison.Ordinal), $"the guest did not end with '{expected}…':\n{serial}");
    }

    public void Dispose()
    {
        try { _root.Delete(recursive: true); }
        catch (IOException) { } // a killed emulator may still be letting go of a file: harmless in the temp dir
        catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"last icount (\d+)")]
    private static partial Regex LastIcount();
}

/// <summary>
/// The recordings the hexemu gdb tests replay, made once per test class: a short one (most
/// tests; a replay to its end is quick) and, on first use, a long one (a few seconds of guest
/// time, for a test that lets the machine run on while gdb is away).
/// </summary>
public sealed class GdbRecordingFixture : IDisposable
{
    /// <summary>The long recording: about 50 instructions an iteration, some 150 million instructions.</summary>
    public const int LongIterations = 3_000_000;

    private readonly Lazy<GdbRecording> _short;
    private readonly Lazy<GdbRecording> _long;

    public GdbRecordingFixture()
    {
        _short = new(() => Runs.Record(GdbGuest.ShortIterations));
        _long = new(() => Runs.Record(LongIterations));
    }

    public GdbGuestRuns Runs { get; } = new();

    public GdbRecording Short => _short.Value;

    public GdbRecording Long => _long.Value;

    public void Dispose() => Runs.Dispose();
}
