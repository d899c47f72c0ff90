using System.Threading.Channels;
using HexEmu.Adapters.Gdb.Protocol;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>
/// One debugger's session: attaches to the target, answers packets in order, and while the
/// target runs keeps reading so that Ctrl-C interrupts it and a dropped connection is noticed.
/// Whatever happens — a client vanishing mid-run, a target that throws — the target is detached
/// once at the end and no exception leaves <see cref="RunAsync"/>.
/// </summary>
internal sealed class GdbSession(GdbConnection connection, IDebugTarget target, Action<string> log)
{
    /// <summary>How long a resume may take to stop after an interrupt when the client is gone.</summary>
    private static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the client to close after 'D' was answered.</summary>
    private static readonly TimeSpan GoodbyeGrace = TimeSpan.FromSeconds(2);

    /// <summary>Packets held while the target runs (gdb sends none in all-stop mode; a flood is dropped).</summary>
    private const int MaxDeferred = 64;

    private readonly RequestHandler handler = new(target);
    private readonly Queue<WireEvent> deferred = new();
    private Task<WireEvent>? pendingRead;
    private bool attached;
    private volatile bool ending;

    /// <summary>Set once the session knows it is over (the client left, detached or killed): only clean-up remains.</summary>
    public bool Ending => ending;

    public async Task RunAsync()
    {
        try
        {
            handler.Attached(target.Attach());
            attached = true;
            while (true)
            {
                var wireEvent = deferred.Count > 0 ? deferred.Dequeue() : await TakeAsync().ConfigureAwait(false);
                if (!await HandleAsync(wireEvent).ConfigureAwait(false)) break;
            }
        }
        catch (Exception e)
        {
            log($"gdbstub: session failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            ending = true;
            if (attached) DetachTarget();
            connection.Dispose();
        }
    }

    /// <summary>Handles one event while the target is stopped; false when the session is over.</summary>
    private async Task<bool> HandleAsync(WireEvent wireEvent)
    {
        switch (wireEvent)
        {
            case WireEvent.Disconnected disconnected:
                ending = true;
                log($"gdbstub: debugger disconnected ({disconnected.Reason})");
                return false;
            case WireEvent.Rejected:
                return connection.Send(RequestHandler.Failed);
            case WireEvent.Packet packet:
                return await HandlePacketAsync(packet.Payload).ConfigureAwait(false);
            default:
                return true; // a Ctrl-C while nothing runs has nothing to stop
        }
    }

    private async Task<bool> HandlePacketAsync(byte[] payload)
    {
        GdbRequest request;
        try
        {
            request = RequestParser.Parse(payload);
        }
        catch (Exception e)
        {
            // A parser bug must cost one error reply, not the debugger's session.
            log($"gdbstub: could not parse '{WireEvent.Describe(payload)}': {e.GetType().Name}: {e.Message}");
            return connection.Send(RequestHandler.Failed);
        }
        if (request is GdbRequest.Malformed malformed) log($"gdbstub: malformed packet '{WireEvent.Describe(payload)}': {malformed.Reason}");
        Outcome outcome;
        try
        {
            outcome = handler.Handle(request);
        }
        catch (Exception e)
        {
            log($"gdbstub: '{WireEvent.Describe(payload)}' failed in the target: {e.Message}");
            return connection.Send(RequestHandler.Failed);
        }
        switch (outcome)
        {
            case Outcome.Reply reply:
                // Switch before the OK leaves: gdb sends its next packet only after reading it.
                if (reply.EnterNoAckMode) connection.NoAckMode = true;
                foreach (var packet in reply.Packets)
                {
                    if (!connection.Send(packet)) return false;
                }
                return true;
            case Outcome.Resume resume:
                return await ResumeAsync(resume.Action).ConfigureAwait(false);
            case Outcome.Killed:
                ending = true;
                log("gdbstub: killed by the debugger");
                attached = false; // the emulator ends; nothing to hand back
                return false;
            case Outcome.Detach:
                // Detached before the OK, so that gdb hears OK once the machine runs on its own.
                ending = true;
                DetachTarget();
                connection.Send("OK");
                await SayGoodbyeAsync().ConfigureAwait(false);
                return false;
            default:
                throw new InvalidOperationException($"unexpected outcome {outcome}");
        }
    }

    /// <summary>Runs the target until it stops, forwarding Ctrl-C; false if the client left meanwhile.</summary>
    private async Task<bool> ResumeAsync(ResumeAction action)
    {
        Task<TargetStop> running;
        try
        {
            running = target.Resume(action);
        }
        catch (Exception e)
        {
            log($"gdbstub: resume ({action}) failed: {e.Message}");
            return connection.Send(RequestHandler.Failed);
        }
        while (!running.IsCompleted)
        {
            var next = NextAsync();
            await Task.WhenAny(running, next).ConfigureAwait(false);
            if (!next.IsCompleted) break;
            switch (await TakeAsync().ConfigureAwait(false))
            {
                case WireEvent.Interrupt:
                    Interrupt();
                    break;
                case WireEvent.Disconnected disconnected:
                    ending = true;
                    log($"gdbstub: debugger disconnected while the target ran ({disconnected.Reason}); stopping it");
                    Interrupt();
                    try
                    {
                        await running.WaitAsync(InterruptGrace).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        log($"gdbstub: the target did not stop cleanly after the interrupt ({e.Message})");
                    }
                    return false;
                case var other when deferred.Count < MaxDeferred:
                    deferred.Enqueue(other);
                    break;
                default:
                    log("gdbstub: too many packets while the target runs; dropping one");
                    break;
            }
        }
        TargetStop stop;
        try
        {
            stop = await running.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log($"gdbstub: resume ({action}) failed: {e.Message}");
            return connection.Send(RequestHandler.Failed);
        }
        return connection.Send(handler.StopReply(stop));
    }

    private void Interrupt()
    {
        try
        {
            target.Interrupt();
        }
        catch (Exception e)
        {
            log($"gdbstub: interrupt failed: {e.Message}");
        }
    }

    private void DetachTarget()
    {
        attached = false;
        try
        {
            target.Detach();
        }
        catch (Exception e)
        {
            log($"gdbstub: detach failed: {e.Message}");
        }
    }

    /// <summary>After 'D': let the client read the OK and close first, for a little while.</summary>
    private async Task SayGoodbyeAsync()
    {
        connection.ShutdownSend();
        var deadline = Task.Delay(GoodbyeGrace);
        while (true)
        {
            var next = NextAsync();
            if (await Task.WhenAny(next, deadline).ConfigureAwait(false) != next) return;
            if (await TakeAsync().ConfigureAwait(false) is WireEvent.Disconnected) return;
        }
    }

    /// <summary>The next event, read once: a read left pending by a resume is picked up here.</summary>
    private Task<WireEvent> NextAsync() => pendingRead ??= ReadEventAsync();

    private async Task<WireEvent> TakeAsync()
    {
        var wireEvent = await NextAsync().ConfigureAwait(false);
        pendingRead = null;
        return wireEvent;
    }

    private async Task<WireEvent> ReadEventAsync()
    {
        try
        {
            return await connection.Events.ReadAsync().ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return new WireEvent.Disconnected("connection closed");
        }
    }
}
