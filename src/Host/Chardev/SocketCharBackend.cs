using System.Net;
using System.Net.Sockets;

namespace HexEmu.Host.Chardev;

/// <summary>
/// QEMU's socket chardev over TCP or a Unix domain socket. As a server it listens and serves one
/// client at a time (the next one is accepted when the current one leaves); with wait=on the
/// constructor blocks until the first client connects, announcing it on stderr. As a client it
/// connects at once. Reading runs on a background thread; output to no peer is dropped, and
/// output is handed to a writer thread so a slow peer never blocks the machine thread.
/// </summary>
public sealed class SocketCharBackend : CharBackendBase
{
    /// <summary>Output kept for a slow peer before further bytes are dropped.</summary>
    public const int MaxPendingOutput = 1 << 20;

    private readonly Socket? _listener;
    private readonly EndPoint _endPoint;
    private readonly bool _noDelay;
    private readonly string _label;
    private readonly object _lock = new();
    private readonly MemoryStream _pending = new();
    private readonly AutoResetEvent _outputReady = new(false);
    private Socket? _client;
    private string? _peer;

    private SocketCharBackend(string id, EndPoint endPoint, string label, bool noDelay, Socket? listener) : base(id)
    {
        _endPoint = endPoint;
        _label = label;
        _noDelay = noDelay;
        _listener = listener;
        StartReader($"{id} socket writer", WriteLoop);
    }

    /// <summary>Raised on the reader thread when a client connects (servers) — tests and the monitor use it.</summary>
    public event Action? Connected;

    /// <summary>Raised when the peer goes away.</summary>
    public event Action? Disconnected;

    public bool IsConnected
    {
        get { lock (_lock) return _client is not null; }
    }

    /// <summary>The local endpoint a server listens on (its real port when port 0 was asked for).</summary>
    public EndPoint? ListenEndPoint => _listener?.LocalEndPoint;

    /// <summary>What `info chardev` shows, in QEMU's spelling: "disconnected:tcp:HOST:PORT,server=on" or "tcp:… &lt;-&gt; PEER".</summary>
    public override string Description
    {
        get
        {
            lock (_lock) return _peer is null ? $"disconnected:{_label}" : $"{_label} <-> {_peer}";
        }
    }

    public static SocketCharBackend OpenTcp(string id, string host, int port, bool server, bool wait, bool noDelay, TextWriter? announce = null)
    {
        string label = $"tcp:{host}:{port}" + (server ? ",server=on" : "");
        if (server)
        {
            IPAddress address = host.Length == 0 ? IPAddress.Any : Resolve(host, port, label);
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            Listen(listener, new IPEndPoint(address, port), $"{(host.Length == 0 ? "0.0.0.0" : host)}:{port}");
            if (port == 0) label = $"tcp:{host}:{((IPEndPoint)listener.LocalEndPoint!).Port},server=on";
            return StartServer(new SocketCharBackend(id, listener.LocalEndPoint!, label, noDelay, listener), wait, announce);
        }
        var endPoint = new IPEndPoint(Resolve(host.Length == 0 ? "localhost" : host, port, label), port);
        var backend = new SocketCharBackend(id, endPoint, label, noDelay, null);
        backend.ConnectClient(new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp), $"{host}:{port}");
        return backend;
    }

    public static SocketCharBackend OpenUnix(string id, string path, bool server, bool wait, TextWriter? announce = null)
    {
        string label = $"unix:{path}" + (server ? ",server=on" : "");
        var endPoint = new UnixDomainSocketEndPoint(path);
        if (server)
        {
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            // As QEMU: a stale socket file from an earlier run is replaced.
            if (File.Exists(path)) TryDelete(path);
            Listen(listener, endPoint, path);
            return StartServer(new SocketCharBackend(id, endPoint, label, false, listener), wait, announce);
        }
        var backend = new SocketCharBackend(id, endPoint, label, false, null);
        backend.ConnectClient(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), path);
        return backend;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // bind() will report the problem.
        }
    }

    private static IPAddress Resolve(string host, int port, string label)
    {
        if (IPAddress.TryParse(host, out IPAddress? address)) return address;
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException)
        {
            throw new ChardevException($"address resolution failed for {host}:{port} ({label}): Name or service not known");
        }
    }

    private static void Listen(Socket listener, EndPoint endPoint, string where)
    {
        try
        {
            listener.Bind(endPoint);
            listener.Listen(1);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new ChardevException($"Failed to bind socket on {where}: {CharDeviceErrors.Reason(e)}");
        }
    }

    private static SocketCharBackend StartServer(SocketCharBackend backend, bool wait, TextWriter? announce)
    {
        if (wait)
        {
            (announce ?? Console.Error).WriteLine($"hexemu: waiting for connection on: {backend.Description}");
            (announce ?? Console.Error).Flush();
            backend.AcceptOne();
        }
        StartReader($"{backend.Id} socket server", backend.ServeLoop);
        return backend;
    }

    private void ConnectClient(Socket socket, string where)
    {
        try
        {
            socket.Connect(_endPoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            Dispose();
            // .NET reports a missing Unix socket file as "address not available"; the errno is ENOENT.
            string reason = _endPoint is UnixDomainSocketEndPoint && !File.Exists(where) ? "No such file or directory" : CharDeviceErrors.Reason(e);
            throw new ChardevException($"Failed to connect to '{where}': {reason}");
        }
        Attach(socket);
        StartReader($"{Id} socket reader", () => ReadFrom(socket));
    }

    private bool AcceptOne()
    {
        Socket client;
        try
        {
            client = _listener!.Accept();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
        Attach(client);
        return true;
    }

    private void Attach(Socket client)
    {
        if (_noDelay && client.AddressFamily != AddressFamily.Unix) client.NoDelay = true;
        lock (_lock)
        {
            _client = client;
            _peer = client.RemoteEndPoint is IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : _label.Split(',')[0];
        }
        Connected?.Invoke();
    }

    /// <summary>Serves clients one after the other until disposed.</summary>
    private void ServeLoop()
    {
        while (!IsDisposed)
        {
            Socket? client;
            lock (_lock) client = _client;
            if (client is null)
            {
                if (!AcceptOne()) return;
                continue;
            }
            ReadFrom(client);
        }
    }

    private void ReadFrom(Socket client)
    {
        var buffer = new byte[4096];
        try
        {
            while (!IsDisposed)
            {
                int n = client.Receive(buffer);
                if (n <= 0 || !Deliver(buffer.AsSpan(0, n))) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer reset the connection: the same as it leaving.
        }
        Detach(client);
    }

    private void Detach(Socket client)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_client, client)) return;
            _client = null;
            _peer = null;
            _pending.SetLength(0);
        }
        client.Dispose();
        Disconnected?.Invoke();
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_client is null) return;
            int room = MaxPendingOutput - (int)_pending.Length;
            _pending.Write(data[..Math.Min(room, data.Length)]);
        }
        _outputReady.Set();
    }

    private void WriteLoop()
    {
        byte[] chunk = [];
        while (!IsDisposed)
        {
            _outputReady.WaitOne();
            while (true)
            {
                Socket? client;
                lock (_lock)
                {
                    client = _client;
                    if (client is null || _pending.Length == 0) break;
                    chunk = _pending.ToArray();
                    _pending.SetLength(0);
                }
                try
                {
                    client.Send(chunk);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The reader sees the same failure and detaches the client.
                    break;
                }
            }
        }
    }

    protected override void DisposeCore()
    {
        Socket? client;
        lock (_lock) client = _client;
        client?.Dispose();
        _listener?.Dispose();
        _outputReady.Set();
        if (_listener is not null && _endPoint is UnixDomainSocketEndPoint unix) TryDelete(unix.ToString());
    }
}
