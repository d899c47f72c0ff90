using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>
/// A raw remote-protocol client for the socket tests, written from the GDB manual: frames as
/// <c>$data#cc</c> with the modulo-256 sum, acknowledges while ack mode is on. Every read is
/// bounded by a timeout so that a stub that does not answer fails the test instead of hanging it.
/// </summary>
internal sealed class RspClient : IDisposable
{
    private readonly Socket socket;

    private RspClient(Socket socket)
    {
        this.socket = socket;
        socket.ReceiveTimeout = 10_000;
        socket.SendTimeout = 10_000;
    }

    public bool AckMode { get; set; } = true;

    public static RspClient Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return new RspClient(socket);
    }

    public static RspClient ConnectUnix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return new RspClient(socket);
    }

    public static string Frame(string payload)
    {
        var sum = 0;
        foreach (var c in payload) sum += (byte)c;
        return $"${payload}#{sum & 0xff:x2}";
    }

    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty) bytes = bytes[socket.Send(bytes)..];
    }

    public void SendRaw(string latin1) => SendRaw(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Sends a packet; in ack mode the stub's '+' must come first.</summary>
    public void Send(string payload)
    {
        SendRaw(Frame(payload));
        if (AckMode)
        {
            var ack = ReadByte();
            Assert.True(ack == '+', $"expected '+' after sending '{payload}', got '{(char)ack}'");
        }
    }

    /// <summary>
    /// The next packet's payload (checksum verified; acknowledged in ack mode). With
    /// <paramref name="strict"/>, the '$' must be the very next byte (no acknowledgment before it).
    /// </summary>
    public string Receive(bool strict = false)
    {
        byte b;
        while ((b = ReadByte()) != '$')
        {
            Assert.False(strict, $"expected '$', got 0x{b:x2}");
            Assert.True(b == '+' || b == '-', $"unexpected byte 0x{b:x2} between packets");
        }
        var payload = new StringBuilder();
        var sum = 0;
        while ((b = ReadByte()) != '#')
        {
            payload.Append((char)b);
            sum += b;
        }
        var checksum = $"{(char)ReadByte()}{(char)ReadByte()}";
        Assert.Equal($"{sum & 0xff:x2}", checksum.ToLowerInvariant());
        if (AckMode) SendRaw("+");
        return payload.ToString();
    }

    public string Request(string payload)
    {
        Send(payload);
        return Receive();
    }

    public byte ReadByte()
    {
        var one = new byte[1];
        var n = socket.Receive(one);
        if (n == 0) throw new EndOfStreamException("the stub closed the connection");
        return one[0];
    }

    /// <summary>Whether the stub closes the connection (end of stream or reset) before the timeout.</summary>
    public bool ClosedByPeer()
    {
        try
        {
            var one = new byte[1];
            while (true)
            {
                if (socket.Receive(one) == 0) return true;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    /// <summary>Reads whatever arrives (for the fuzz); 0 once the stream ended or this client was disposed.</summary>
    public int ReadSome(Span<byte> buffer)
    {
        try
        {
            return socket.Receive(buffer);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    public void Dispose() => socket.Dispose();
}
