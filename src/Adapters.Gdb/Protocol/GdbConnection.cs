using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace HexEmu.Adapters.Gdb.Protocol;

/// <summary>
/// One client's byte stream: a reader loop decodes frames into <see cref="Events"/> and answers
/// acknowledgments itself ('+' for a good packet, '-' for a corrupt one, the last packet again on
/// '-') while acknowledgments are on; <see cref="Send"/> frames replies. Events keep the order of
/// the bytes, so a Ctrl-C sent right after 'c' arrives after the 'c'. The queue is bounded: a
/// client that floods the stub is simply not read until the session catches up.
/// </summary>
internal sealed class GdbConnection : IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket socket;
    private readonly Action<string> log;
    private readonly Channel<WireEvent> events = Channel.CreateBounded<WireEvent>(
        new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource stop = new();
    private readonly Lock sendLock = new();
    private byte[] lastSent = [];
    private volatile bool noAck;
    private volatile bool readerEnded;
    private int disposed;

    public GdbConnection(Socket socket, Action<string> log)
    {
        this.socket = socket;
        this.log = log;
        socket.SendTimeout = (int)SendTimeout.TotalMilliseconds;
        if (socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            socket.NoDelay = true; // replies are small and latency-bound (each stepi is a round trip)
        }
        Reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Decoded events; after the connection ends, a final <see cref="WireEvent.Disconnected"/> (or completion).</summary>
    public ChannelReader<WireEvent> Events => events.Reader;

    /// <summary>The reader loop; completes once the connection ended.</summary>
    public Task Reader { get; }

    /// <summary>Whether the client's side is gone (its reader saw the end).</summary>
    public bool ReaderEnded => readerEnded;

    /// <summary>Set once QStartNoAckMode was answered: from then on neither side sends '+' or '-'.</summary>
    public bool NoAckMode
    {
        get => noAck;
        set => noAck = value;
    }

    /// <summary>Frames and sends one packet; false if the connection broke (it is then closed).</summary>
    public bool Send(ReadOnlySpan<byte> payload)
    {
        var frame = PacketEncoder.Frame(payload);
        lock (sendLock)
        {
            lastSent = frame;
            return Write(frame);
        }
    }

    public bool Send(string payload) => Send(Encoding.ASCII.GetBytes(payload));

    /// <summary>After the last reply: no more data from us, but the client may still say goodbye.</summary>
    public void ShutdownSend()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing left to shut down.
        }
    }

    /// <summary>Closes the socket (the reader loop then ends).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        stop.Cancel();
        socket.Dispose();
    }

    private bool Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[socket.Send(bytes)..];
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            if (Volatile.Read(ref disposed) == 0) log($"gdbstub: sending failed ({e.Message}); closing the connection");
            Dispose();
            return false;
        }
    }

    private void Acknowledge(bool good)
    {
        lock (sendLock)
        {
            Write(good ? "+"u8 : "-"u8);
        }
    }

    private void Retransmit()
    {
        lock (sendLock)
        {
            if (lastSent.Length > 0) Write(lastSent);
        }
    }

    private async Task ReadLoopAsync()
    {
        var decoder = new PacketDecoder();
        var buffer = new byte[4096];
        var reason = "closed by the client";
        try
        {
            while (true)
            {
                var count = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stop.Token).ConfigureAwait(false);
                if (count == 0) break;
                for (var i = 0; i < count; i++)
                {
                    if (decoder.Push(buffer[i]) is { } wireEvent && Filter(wireEvent) is { } forwarded)
                    {
                        await events.Writer.WriteAsync(forwarded, stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed by the stub";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            reason = Volatile.Read(ref disposed) != 0 ? "closed by the stub" : e.Message;
        }
        catch (Exception e)
        {
            reason = "internal error: " + e.Message;
            log($"gdbstub: reader failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            readerEnded = true;
            events.Writer.TryWrite(new WireEvent.Disconnected(reason));
            events.Writer.TryComplete();
        }
    }

    /// <summary>Handles acknowledgments here; returns what the session needs to see.</summary>
    private WireEvent? Filter(WireEvent wireEvent)
    {
        var acking = !noAck;
        switch (wireEvent)
        {
            case WireEvent.Packet:
                if (acking) Acknowledge(good: true);
                return wireEvent;
            case WireEvent.Ack:
                return null;
            case WireEvent.Nak:
                if (acking) Retransmit();
                return null;
            case WireEvent.Rejected { Reason: RejectReason.Truncated }:
                log("gdbstub: dropped an unfinished packet");
                return null;
            case WireEvent.Rejected { Reason: RejectReason.BadChecksum }:
                log("gdbstub: packet with a bad checksum");
                if (acking)
                {
                    Acknowledge(good: false); // the client sends it again
                    return null;
                }
                return wireEvent; // no retransmission without acks: answer with an error instead
            case WireEvent.Rejected rejected:
                // Received intact but unusable: acknowledge it, and the session answers with an error.
                log($"gdbstub: rejected a packet ({rejected.Reason})");
                if (acking) Acknowledge(good: true);
                return wireEvent;
            default:
                return wireEvent;
        }
    }
}
