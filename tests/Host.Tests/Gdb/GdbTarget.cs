using HexEmu.Host.Tests.Replay;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>Which emulator serves gdb, and how its -gdb option names a unix socket.</summary>
public sealed record GdbEmulator(string Name, string? Program, Func<string, string> GdbOption)
{
    /// <summary>
    /// hexemu, as issue 6 specifies its option: "-gdb unix:PATH" listens on PATH and does not
    /// wait for gdb (with -S the machine waits paused).
    /// </summary>
    public static GdbEmulator HexEmu { get; } = new("hexemu", null, socket => $"unix:{socket}");

    /// <summary>
    /// The oracle. QEMU treats a -gdb value other than tcp: as a plain chardev, so a unix socket
    /// needs server=on (listen) and wait=off (do not block startup until gdb connects).
    /// </summary>
    public static GdbEmulator Qemu { get; } = new("qemu-system-i386", "qemu-system-i386", socket => $"unix:{socket},server=on,wait=off");

    public HexEmuChild Start(IEnumerable<string> args, string directory) =>
        Program is null ? new HexEmuChild(args, directory) : HexEmuChild.Other(Program, args, directory);
}

/// <summary>
/// An emulator running gdbguest.elf in its own directory with its gdb stub on a unix socket
/// there (no port to pick, so no race with other processes), started paused (-S). The socket
/// is awaited with a deadline; the emulator is killed on dispose.
/// </summary>
public sealed class GdbTarget : IDisposable
{
    /// <summary>Bounds the emulator's startup up to a listening socket (hexemu's JIT warm-up on a busy machine included).</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);

    public const string SocketName = "gdb.sock";

    private GdbTarget(GdbEmulator emulator, string directory, HexEmuChild process)
    {
        Emulator = emulator;
        Directory = directory;
        Process = process;
    }

    public GdbEmulator Emulator { get; }

    public string Directory { get; }

    public HexEmuChild Process { get; }

    public string SocketPath => Path.Combine(Directory, SocketName);

    public string KernelPath => Path.Combine(Directory, GdbGuest.Kernel);

    /// <summary>gdb settings every session against this target runs before it connects.</summary>
    public List<string> BeforeConnect { get; } = [];

    /// <summary>
    /// Starts <paramref name="emulator"/> in <paramref name="directory"/> (which holds the kernel)
    /// with <paramref name="machineArgs"/>, "-gdb unix:…" and "-S", and waits until the socket
    /// exists. Fails with the emulator's output if it exits first or takes too long.
    /// </summary>
    public static GdbTarget Start(GdbEmulator emulator, string directory, IEnumerable<string> machineArgs)
    {
        string socket = Path.Combine(directory, SocketName);
        // A unix socket path is limited to 107 bytes; temp directories are short, but say so if not.
        Assert.True(socket.Length < 108, $"socket path too long for a unix socket: {socket}");
        var process = emulator.Start([.. machineArgs, "-gdb", emulator.GdbOption(socket), "-S"], directory);
        var target = new GdbTarget(emulator, directory, process);
        try
        {
            if (!process.WaitUntil(_ => File.Exists(socket), StartupTimeout))
                Assert.Fail(process.HasExited
                    ? $"{process.CommandLine} exited before listening on {socket}:\n{process.Stderr}"
                    : $"{process.CommandLine} did not create {socket} within {StartupTimeout}:\n{process.Stderr}");
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>Runs one gdb batch session against this target.</summary>
    public GdbResult Gdb(GdbScript script, TimeSpan? timeout = null) =>
        GdbBatch.Run(KernelPath, SocketPath, script, timeout, Directory, BeforeConnect);

    /// <summary>As <see cref="Gdb"/>, and asserts the session was clean (in time, connected, no errors).</summary>
    public GdbResult CleanGdb(GdbScript script, TimeSpan? timeout = null)
    {
        var result = Gdb(script, timeout);
        try
        {
            return result.AssertClean();
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- {Emulator.Name} stderr:\n{Process.Stderr}");
        }
    }

    public void Dispose() => Process.Dispose();
}
