using System.Net;
using System.Net.Sockets;

namespace HexEmu.Adapters.Gdb;

/// <summary>Binds the listening socket of a <see cref="GdbEndpoint"/>; failures become one-line <see cref="IOException"/>s.</summary>
internal static class Listeners
{
    public static (Socket Socket, GdbEndpoint Bound) BindTcp(GdbEndpoint.Tcp endpoint)
    {
        var address = ResolveHost(endpoint);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, endpoint.Port));
            socket.Listen(4);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"gdb stub: cannot listen on {endpoint}: {e.Message}", e);
        }
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return (socket, endpoint with { Port = port });
    }

    private static IPAddress ResolveHost(GdbEndpoint.Tcp endpoint)
    {
        if (endpoint.Host is null) return IPAddress.Loopback;
        if (IPAddress.TryParse(endpoint.Host, out var literal)) return literal;
        try
        {
            var addresses = Dns.GetHostAddresses(endpoint.Host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new IOException($"gdb stub: host '{endpoint.Host}' has no address");
        }
        catch (SocketException e)
        {
            throw new IOException($"gdb stub: cannot resolve host '{endpoint.Host}': {e.Message}", e);
        }
    }

    public static (Socket Socket, GdbEndpoint Bound) BindUnix(GdbEndpoint.Unix endpoint)
    {
        RemoveStaleSocket(endpoint.Path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(endpoint.Path));
            socket.Listen(4);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            socket.Dispose();
            throw new IOException($"gdb stub: cannot listen on {endpoint}: {e.Message}", e);
        }
        return (socket, endpoint);
    }

    /// <summary>
    /// A socket file left by an emulator that died is removed (as QEMU does); a live socket or
    /// any other kind of file at the path is left alone and reported.
    /// </summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path)) return;
        bool opensAsFile;
        try
        {
            using (File.OpenRead(path)) { }
            opensAsFile = true;
        }
        catch (IOException)
        {
            opensAsFile = false; // opening a socket fails (ENXIO)
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"gdb stub: {path} exists and cannot be replaced: {e.Message}", e);
        }
        if (opensAsFile) throw new IOException($"gdb stub: {path} exists and is not a socket");
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody listens: stale
            return;
        }
        throw new IOException($"gdb stub: {path} is in use by another process");
    }
}
