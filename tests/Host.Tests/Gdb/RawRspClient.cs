using System.Net.Sockets;
using System.Text;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// A bare remote-protocol client on the stub's unix socket, for what real gdb cannot be made to
/// do on cue (a Ctrl-C byte repeated until the stop arrives, garbage, a socket closed mid-run).
/// Framing from the GDB manual: <c>$data#cc</c> with the modulo-256 sum of the data; in ack mode
/// (never left here) each packet is acknowledged with '+'. Every read is bounded.
/// </summary>
public sealed class RawRspClient : IDisposable
{
    /// <summary>Bounds a single reply; a resume has its own, longer bound.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;

    private RawRspClient(Socket socket) => _socket = socket;

    public static RawRspClient Connect(string unixSocketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(unixSocketPath));
        socket.SendTimeout = (int)ReplyTimeout.TotalMilliseconds;
        return new RawRspClient(socket);
    }

    public static string Frame(string payload)
    {
        int sum = 0;
        foreach (char c in payload) sum += (byte)c;
        return $"${payload}#{sum & 0xff:x2}";
    }

    /// <summary>Hex of <paramref name="text"/>'s bytes, as qRcmd carries a monitor command.</summary>
    public static string HexOf(string text) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text));

    /// <summary>EIP as 8 hex digits from a 'g' reply: the ninth 32-bit register of i386, sent little-endian.</summary>
    public static string EipOf(string gReply) =>
        string.Concat(Enumerable.Range(0, 4).Select(i => gReply.Substring(64 + 2 * (3 - i), 2)));

    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty) bytes = bytes[_socket.Send(bytes)..];
    }

    public void SendRaw(string latin1) => SendRaw(Encoding.Latin1.GetBytes(latin1));

    /// <summary>Sends a packet (the stub's '+' is skipped by the next <see cref="Receive"/>).</summary>
    public void Send(string payload) => SendRaw(Frame(payload));

    /// <summary>Reads the stub's acknowledgment of the packet just sent: it must be '+'.</summary>
    public void ExpectAck()
    {
        byte ack = ReadByte(DateTime.UtcNow + ReplyTimeout);
        Assert.True(ack == '+', $"expected the stub's '+', got 0x{ack:x2}");
    }

    /// <summary>Sends a packet and returns the payload of the stub's reply.</summary>
    public string Request(string payload, TimeSpan? timeout = null)
    {
        Send(payload);
        return Receive(timeout);
    }

    /// <summary>
    /// Runs a monitor command through qRcmd and returns its output: the stub sends it in
    /// O packets (hex text) and ends with OK.
    /// </summary>
    public string Monitor(string command)
    {
        Send("qRcmd," + HexOf(command));
        var output = new StringBuilder();
        while (true)
        {
            string reply = Receive();
            if (reply == "OK") return output.ToString();
            Assert.True(reply.StartsWith('O') && reply.Length > 1, $"unexpected reply to monitor {command}: '{reply}'");
            output.Append(Encoding.ASCII.GetString(Convert.FromHexString(reply[1..])));
        }
    }

    /// <summary>Whether some byte is waiting to be read, waiting at most <paramref name="wait"/>.</summary>
    public bool HasInput(TimeSpan wait) => _socket.Poll(wait, SelectMode.SelectRead);

    /// <summary>
    /// The next packet's payload: '+' and '-' before it are skipped, the checksum is verified and
    /// the packet acknowledged. Fails after <paramref name="timeout"/> or if the stub hung up.
    /// </summary>
    public string Receive(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ReplyTimeout);
        byte b;
        while ((b = ReadByte(deadline)) != '$')
            Assert.True(b is (byte)'+' or (byte)'-', $"unexpected byte 0x{b:x2} between packets");
        var payload = new StringBuilder();
        int sum = 0;
        while ((b = ReadByte(deadline)) != '#')
        {
            payload.Append((char)b);
            sum += b;
        }
        string checksum = $"{(char)ReadByte(deadline)}{(char)ReadByte(deadline)}";
        Assert.True($"{sum & 0xff:x2}" == checksum, $"bad checksum {checksum} on '{payload}'");
        SendRaw("+");
        return payload.ToString();
    }

    /// <summary>Reads and forgets whatever has arrived by now (the replies to a fuzz); returns how many bytes.</summary>
    public int Drain()
    {
        int total = 0;
        var buffer = new byte[4096];
        while (HasInput(TimeSpan.Zero))
        {
            int n = _socket.Receive(buffer);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// Reads (without acknowledging: the stub does not wait for acks) until <paramref name="found"/>
    /// holds for the text received by this call; false after <paramref name="timeout"/>. For
    /// reading through the replies to noise up to a reply that marks where they end.
    /// </summary>
    public bool ReadUntil(Func<string, bool> found, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var text = new StringBuilder();
        var buffer = new byte[65536];
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left < TimeSpan.Zero || !_socket.Poll(left, SelectMode.SelectRead)) return false;
            int n = _socket.Receive(buffer);
            if (n == 0) throw new EndOfStreamException("the stub closed the connection");
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
            if (found(text.ToString())) return true;
        }
    }

    private byte ReadByte(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        if (left < TimeSpan.Zero || !_socket.Poll(left, SelectMode.SelectRead))
            throw new TimeoutException("the stub did not answer in time");
        var one = new byte[1];
        if (_socket.Receive(one) == 0) throw new EndOfStreamException("the stub closed the connection");
        return one[0];
    }

    public void Dispose() => _socket.Dispose();
}
