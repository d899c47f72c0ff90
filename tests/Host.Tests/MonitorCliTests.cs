namespace HexEmu.Host.Tests;

/// <summary>The HMP monitor on -monitor stdio, driven through the real process.</summary>
public class MonitorCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>What the monitor answered: its output lines, without the prompt lines that echo what was typed.</summary>
    private static string[] Answers(string stdout) =>
        [.. stdout.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("(qemu) ", StringComparison.Ordinal))];

    [Fact]
    public void The_monitor_reports_state_stops_continues_reads_memory_and_quits()
    {
        var r = HexEmuProcess.RunWithInput(Timeout,
            "info status\nstop\ninfo status\ncont\ninfo status\nxp /2xw 0x100000\ninfo chardev\nfoo\nquit\n",
            "-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none", "-serial", "null", "-monitor", "stdio");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
        [
            "HexEmu 0.1.0 monitor - type 'help' for more information",
            "VM status: running",
            "VM status: paused",
            "VM status: running",
            // The demo kernel's Multiboot header: magic 0x1BADB002, flags 3 (xp prints 16-digit addresses, as QEMU).
            "0000000000100000: 0x1badb002 0x00000003",
            "serial0: filename=null",
            "compat_monitor0: filename=stdio",
            "unknown command: 'foo'",
        ], Answers(r.Stdout));
    }

    [Fact]
    public void Info_registers_shows_the_cpu_in_qemus_layout()
    {
        var r = HexEmuProcess.RunWithInput(Timeout, "stop\ninfo registers\nquit\n",
            "-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none", "-serial", "null", "-monitor", "stdio");
        Assert.Equal(0, r.ExitCode);
        var answers = Answers(r.Stdout);
        Assert.Contains("CPU#0", answers);
        Assert.Matches(@"^EAX=[0-9a-f]{8} EBX=[0-9a-f]{8} ECX=[0-9a-f]{8} EDX=[0-9a-f]{8}$", answers.First(l => l.StartsWith("EAX=")));
        // A Multiboot kernel runs in flat protected mode with the boot loader's selectors, paging off.
        Assert.Contains("CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]", answers);
        Assert.StartsWith("CR0=00000001 ", answers.First(l => l.StartsWith("CR0=")));
    }
}

/// <summary>The monitor on a Unix socket server: a client connects, gets the banner, talks, and quits the VM.</summary>
public sealed class MonitorSocketTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-mon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_client_of_the_monitor_socket_gets_a_banner_and_can_quit_the_vm()
    {
        string path = Path.Combine(_dir, "monitor.sock");
        using var hexemu = new RunningHexEmu("-kernel", HexEmuProcess.RepoPath("guests/demo/demo.elf"), "-display", "none",
            "-serial", "null", "-monitor", $"unix:{path},server=on,wait=off");
        using var client = Connect(path);
        string banner = ReadUntil(client, "(qemu) ");
        Assert.Contains("HexEmu 0.1.0 monitor - type 'help' for more information", banner);

        client.Send("info status\n"u8.ToArray());
        Assert.Contains("VM status: running", ReadUntil(client, "VM status: running"));
        client.Send("quit\n"u8.ToArray());
        var (exitCode, stderr) = hexemu.WaitForExit(Timeout);
        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
    }

    /// <summary>Connects once the server's socket exists (it is created while hexemu starts).</summary>
    private static System.Net.Sockets.Socket Connect(string path)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            try
            {
                socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
                socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
                return socket;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                Thread.Sleep(20); // polling for the server's socket file, bounded by the deadline
            }
        }
    }

    private static string ReadUntil(System.Net.Sockets.Socket socket, string text)
    {
        var received = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains(text, StringComparison.Ordinal))
        {
            int n = socket.Receive(buffer); // ReceiveTimeout bounds the wait
            if (n == 0) throw new IOException($"the monitor closed the connection before '{text}': {received}");
            received.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }
        return received.ToString();
    }
}
