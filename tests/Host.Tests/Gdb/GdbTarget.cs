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

    /// <summary>Both hexemu and QEMU take "-gdb tcp::PORT" (QEMU makes any tcp: value a listening, non-waiting server).</summary>
    public static string TcpOption(int port) => $"tcp::{port}";

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

    private GdbTarget(GdbEmulator emulator, string directory, HexEmuChild process, string remote)
    {
        Emulator = emulator;
        Directory = directory;
        Process = process;
        Remote = remote;
    }

    /// <summary>What gdb's `target remote` is given: the socket path, or 127.0.0.1:PORT.</summary>
    public string Remote { get; }

    public GdbEmulator Emulator { get; }

    public string Directory { get; }

    public HexEmuChild Process { get; }

    public string SocketPath => Path.Combine(Directory, SocketName);

    /// <summary>The ELF gdb reads symbols from, in <see cref="Directory"/> (gdbguest unless told otherwise).</summary>
    public string Kernel { get; init; } = GdbGuest.Kernel;

    public string KernelPath => Path.Combine(Directory, Kernel);

    /// <summary>gdb settings every session against this target runs before it connects.</summary>
    public List<string> BeforeConnect { get; } = [];

    /// <summary>
    /// Starts <paramref name="emulator"/> in <paramref name="directory"/> (which holds the kernel)
    /// with <paramref name="machineArgs"/>, "-gdb unix:…" and "-S", and waits until the socket
    /// exists. Fails with the emulator's output if it exits first or takes too long.
    /// </summary>
    public static GdbTarget Start(GdbEmulator emulator, string directory, IEnumerable<string> machineArgs, string? kernel = null)
    {
        string socket = Path.Combine(directory, SocketName);
        // A unix socket path is limited to 107 bytes; temp directories are short, but say so if not.
        Assert.True(socket.Length < 108, $"socket path too long for a unix socket: {socket}");
        var process = emulator.Start([.. machineArgs, "-gdb", emulator.GdbOption(socket), "-S"], directory);
        return Await(new GdbTarget(emulator, directory, process, socket) { Kernel = kernel ?? GdbGuest.Kernel }, () => File.Exists(socket));
    }

    /// <summary>
    /// As <see cref="Start"/> with "-gdb tcp::PORT" on a port that was free a moment ago. The
    /// listening port is awaited in the kernel's socket table (/proc/net/tcp and tcp6), not by
    /// connecting: a probe connection would be a debugger attaching and leaving.
    /// </summary>
    public static GdbTarget StartTcp(GdbEmulator emulator, string directory, IEnumerable<string> machineArgs)
    {
        int port = FreeTcpPort();
        var process = emulator.Start([.. machineArgs, "-gdb", GdbEmulator.TcpOption(port), "-S"], directory);
        return Await(new GdbTarget(emulator, directory, process, $"127.0.0.1:{port}"), () => IsListening(port));
    }

    private static GdbTarget Await(GdbTarget target, Func<bool> listening)
    {
        var process = target.Process;
        try
        {
            if (!process.WaitUntil(_ => listening(), StartupTimeout))
                Assert.Fail(process.HasExited
                    ? $"{process.CommandLine} exited before listening on {target.Remote}:\n{process.Stderr}"
                    : $"{process.CommandLine} did not listen on {target.Remote} within {StartupTimeout}:\n{process.Stderr}");
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Whether some socket listens on <paramref name="port"/> (state 0A in /proc/net/tcp or tcp6).</summary>
    private static bool IsListening(int port)
    {
        string local = $":{port:X4} ";
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && (fields[1] + " ").EndsWith(local, StringComparison.Ordinal) && fields[3] == "0A") return true;
            }
        }
        return false;
    }

    /// <summary>Runs one gdb batch session against this target.</summary>
    public GdbResult Gdb(GdbScript script, TimeSpan? timeout = null) =>
        GdbBatch.Run(KernelPath, Remote, script, timeout, Directory, BeforeConnect);

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
