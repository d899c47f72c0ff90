using System.Net;
using System.Net.Sockets;
using System.Text;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;
using static HexEmu.Host.Tests.ChardevTestSupport;

namespace HexEmu.Host.Tests;

/// <summary>Socket chardevs against real loopback TCP and Unix sockets.</summary>
public class ChardevSocketTests
{
    private static string Receive(Socket socket, int count)
    {
        socket.ReceiveTimeout = (int)WaitLimit.TotalMilliseconds;
        var buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = socket.Receive(buffer, got, count - got, SocketFlags.None);
            if (n == 0) break;
            got += n;
        }
        return Encoding.ASCII.GetString(buffer, 0, got);
    }

    private static int Port(SocketCharBackend backend) => ((IPEndPoint)backend.ListenEndPoint!).Port;

    [Fact]
    public void Tcp_server_without_wait_serves_one_client_at_a_time()
    {
        using var backend = SocketCharBackend.OpenTcp("serial0", "127.0.0.1", 0, server: true, wait: false, noDelay: true);
        Assert.StartsWith("disconnected:tcp:127.0.0.1:", backend.Description);
        Assert.EndsWith(",server=on", backend.Description);

        // Output with no client is dropped, not kept for later.
        Write(backend, "lost");

        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.Connect(IPAddress.Loopback, Port(backend));
        WaitFor(() => backend.IsConnected, "the first client to be accepted");
        Assert.Contains(" <-> 127.0.0.1:", backend.Description);
        first.Send("hi"u8);
        Assert.Equal("hi", ReadText(backend, 2));
        Write(backend, "hello");
        Assert.Equal("hello", Receive(first, 5));

        // A second client waits in the backlog until the first one leaves.
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.Connect(IPAddress.Loopback, Port(backend));
        second.Send("2nd"u8);
        first.Shutdown(SocketShutdown.Both);
        first.Close();
        Assert.Equal("2nd", ReadText(backend, 3));
        Write(backend, "you");
        Assert.Equal("you", Receive(second, 3));
    }

    [Fact]
    public void Tcp_server_with_wait_blocks_until_a_client_connects_and_says_so()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var announce = new StringWriter();
        SocketCharBackend? opened = null;
        var opener = new Thread(() => opened = SocketCharBackend.OpenTcp("serial0", "127.0.0.1", port, true, true, false, announce))
        {
            IsBackground = true,
        };
        opener.Start();
        WaitFor(() => announce.ToString().Length > 0, "the waiting message");
        Assert.Equal($"hexemu: waiting for connection on: disconnected:tcp:127.0.0.1:{port},server=on{Environment.NewLine}", announce.ToString());
        Assert.True(opener.IsAlive);
        Assert.Null(opened);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(IPAddress.Loopback, port);
        Assert.True(opener.Join(WaitLimit));
        using var backend = opened!;
        Assert.True(backend.IsConnected);
        client.Send("x"u8);
        Assert.Equal("x", ReadText(backend, 1));
    }

    [Fact]
    public void Tcp_client_connects_reads_and_writes_and_drops_output_after_the_peer_leaves()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = QemuCommandLine.Parse(["-nodefaults", "-serial", $"tcp:127.0.0.1:{port}"]);
        using var devices = CharBackendFactory.Open(options);
        using var peer = listener.AcceptSocket();
        var serial = devices.Serial[0];
        Write(serial, "abc");
        Assert.Equal("abc", Receive(peer, 3));
        peer.Send("def"u8);
        Assert.Equal("def", ReadText(serial, 3));

        var backend = (SocketCharBackend)serial;
        peer.Shutdown(SocketShutdown.Both);
        peer.Close();
        WaitFor(() => !backend.IsConnected, "the disconnect to be noticed");
        Write(serial, "nobody listens"); // must neither throw nor block
    }

    [Fact]
    public void Tcp_client_to_a_closed_port_is_a_one_line_error()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = QemuCommandLine.Parse(["-nodefaults", "-serial", $"tcp:127.0.0.1:{port}"]);
        var e = Assert.Throws<ChardevException>(() => CharBackendFactory.Open(options));
        // qemu: "Failed to connect to '127.0.0.1:1': Connection refused"
        Assert.Equal($"chardev 'serial0': Failed to connect to '127.0.0.1:{port}': Connection refused", e.Message);
    }

    [Fact]
    public void Tcp_server_on_a_port_in_use_is_a_one_line_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var options = QemuCommandLine.Parse(["-nodefaults", "-serial", $"tcp:127.0.0.1:{port},server=on,wait=off"]);
        var e = Assert.Throws<ChardevException>(() => CharBackendFactory.Open(options));
        Assert.Equal($"chardev 'serial0': Failed to bind socket on 127.0.0.1:{port}: Address already in use", e.Message);
    }

    [Fact]
    public void Unix_server_and_client()
    {
        string path = TempPath("sock");
        using var server = SocketCharBackend.OpenUnix("mon", path, server: true, wait: false);
        Assert.Equal($"disconnected:unix:{path},server=on", server.Description);
        using var client = SocketCharBackend.OpenUnix("peer", path, server: false, wait: false);
        WaitFor(() => server.IsConnected, "the unix client to be accepted");
        Write(client, "over unix");
        Assert.Equal("over unix", ReadText(server, 9));
        Write(server, "back");
        Assert.Equal("back", ReadText(client, 4));
        server.Dispose();
        Assert.False(File.Exists(path), "the server removes its socket file when closed");
    }

    [Fact]
    public void Unix_client_without_a_server_is_a_one_line_error()
    {
        string path = TempPath("nosock");
        var e = Assert.Throws<ChardevException>(() =>
            CharBackendFactory.Create(new ChardevSpec("serial0", new ChardevBackend.Unix(path, false, true))));
        // qemu: "Failed to connect to '/tmp/nosock': No such file or directory"
        Assert.Equal($"chardev 'serial0': Failed to connect to '{path}': No such file or directory", e.Message);
    }
}
