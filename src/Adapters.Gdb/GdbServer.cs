using System.Net;
using System.Net.Sockets;
using HexEmu.Adapters.Gdb.Protocol;
using HexEmu.Adapters.Gdb.Session;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb;

/// <summary>
/// The GDB remote stub: listens on a <see cref="GdbEndpoint"/> and serves one debugger at a time
/// against an <see cref="IDebugTarget"/>. A connecting debugger attaches the target; 'D' or a
/// dropped connection detaches it, and gdb may connect again afterwards. A second debugger that
/// connects while one is attached is closed at once. Connections are accepted and served on
/// background tasks; no exception escapes them (they are logged and the connection dropped).
/// </summary>
public sealed class GdbServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long a new debugger waits for the previous session's clean-up once that one is ending.</summary>
    private static readonly TimeSpan HandOverGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a new debugger waits for a session that does not know yet that it is over (its
    /// client closed the socket a moment ago and reconnected at once) before it is refused.
    /// </summary>
    private static readonly TimeSpan BusyGrace = TimeSpan.FromMilliseconds(500);

    private readonly Socket listener;
    private readonly IDebugTarget target;
    private readonly Action<string> log;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new(); // admission against shutdown
    private readonly Task acceptLoop;
    private volatile Client? current;
    private int disposed;

    private sealed record Client(GdbConnection Connection, GdbSession Session, Task Running);

    private GdbServer(Socket listener, GdbEndpoint endpoint, IDebugTarget target, Action<string> log)
    {
        this.listener = listener;
        this.target = target;
        this.log = log;
        Endpoint = endpoint;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where the server listens; for TCP the port actually bound (useful with port 0).</summary>
    public GdbEndpoint Endpoint { get; }

    /// <summary>The TCP port bound, or null for a Unix socket.</summary>
    public int? Port => (Endpoint as GdbEndpoint.Tcp)?.Port;

    /// <summary>Whether a debugger is connected (its session not yet finished).</summary>
    public bool HasClient => current is { Running.IsCompleted: false };

    /// <summary>
    /// Binds and starts accepting debuggers. Throws <see cref="IOException"/> with a one-line
    /// message if the endpoint cannot be listened on (port in use, unknown host, …).
    /// </summary>
    public static GdbServer Listen(GdbEndpoint endpoint, IDebugTarget target, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(target);
        // A failing log sink must not take the stub down with it.
        Action<string> sink = log is null ? _ => { } : line =>
        {
            try
            {
                log(line);
            }
            catch (Exception)
            {
                // Nowhere left to report it.
            }
        };
        var (socket, bound) = endpoint switch
        {
            GdbEndpoint.Tcp tcp => Listeners.BindTcp(tcp),
            GdbEndpoint.Unix unix => Listeners.BindUnix(unix),
            _ => throw new ArgumentException($"unknown endpoint {endpoint}", nameof(endpoint)),
        };
        return new GdbServer(socket, bound, target, sink);
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (stopping.IsCancellationRequested) return;
                log($"gdbstub: accept failed: {e.Message}");
                // A persistent failure (out of descriptors) must not spin the loop.
                try { await Task.Delay(100, stopping.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                continue;
            }
            try
            {
                await AdmitAsync(client).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                log($"gdbstub: could not start a session: {e.Message}");
                client.Dispose();
            }
        }
    }

    private async Task AdmitAsync(Socket client)
    {
        var previous = current;
        if (previous is { Running.IsCompleted: false })
        {
            // A debugger that just left may reconnect before its session noticed; give it a moment,
            // and once the session is ending, the time its clean-up (detaching) takes.
            await WaitQuietly(previous.Running, BusyGrace).ConfigureAwait(false);
            if (previous.Session.Ending || previous.Connection.ReaderEnded)
            {
                await WaitQuietly(previous.Running, HandOverGrace).ConfigureAwait(false);
            }
        }
        lock (gate)
        {
            if (stopping.IsCancellationRequested || previous is { Running.IsCompleted: false })
            {
                log("gdbstub: refused a second debugger (one is attached already)");
                client.Dispose();
                return;
            }
            log($"gdbstub: debugger connected{(client.RemoteEndPoint is IPEndPoint ip ? " from " + ip : "")}");
            var connection = new GdbConnection(client, log);
            var session = new GdbSession(connection, target, log);
            current = new Client(connection, session, Task.Run(session.RunAsync));
        }
    }

    private async Task WaitQuietly(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Not finished in time: the caller decides.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        var finished = StopAccepting();
        try
        {
            finished.Wait(ShutdownGrace);
        }
        catch (AggregateException)
        {
            // The loops log their own failures; shutting down goes on regardless.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        var finished = StopAccepting();
        try
        {
            await finished.WaitAsync(ShutdownGrace).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As above (a timeout included: a target stuck in a call is not waited for forever).
        }
    }

    /// <summary>Stops the accept loop and drops the client (which detaches the target); returns what to wait for.</summary>
    private Task StopAccepting()
    {
        Client? client;
        lock (gate)
        {
            stopping.Cancel();
            client = current;
        }
        listener.Dispose();
        client?.Connection.Dispose();
        return client is null ? acceptLoop : Task.WhenAll(acceptLoop, client.Running);
    }
}
