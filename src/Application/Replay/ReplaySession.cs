using HexEmu.Application.Ports;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Replay;

/// <summary>What one <see cref="ReplaySession.Step"/> came to.</summary>
public abstract record ReplayProgress
{
    /// <summary>More to replay: call Step again.</summary>
    public sealed record Running : ReplayProgress;
    /// <summary>The replay reached the icount set with replay_break or replay_seek.</summary>
    public sealed record BreakReached(long Icount) : ReplayProgress;
    /// <summary>The recording ended with a shutdown, reproduced here: end the process as it ended.</summary>
    public sealed record Finished(ShutdownCause Cause, int ExitCode) : ReplayProgress;
    /// <summary>The log ends without a shutdown (cleanly, or cut short): the machine pauses there.</summary>
    public sealed record LogEnded(string Message, bool Damaged) : ReplayProgress;
    /// <summary>The machine no longer does what the log says.</summary>
    public sealed record Diverged(string Message) : ReplayProgress;
}

/// <summary>
/// Replay mode (-icount …,rr=replay): runs the machine exactly to the icount of each recorded
/// event, applies it, and checks the recorded state digests on the way. Host input is not used;
/// everything the guest sees from outside comes from the log.
/// </summary>
public sealed class ReplaySession
{
    private readonly PcMachine _machine;
    private IReplayLogReader _log;
    private readonly Func<bool, ulong> _digest;
    private readonly Func<IReplayLogReader>? _reopen;
    private ReplayEvent? _next;
    private ReplayProgress? _end;
    /// <summary>Events read from the log so far, the peeked one included (the host clock reading counts).</summary>
    private long _eventsRead;

    /// <param name="reopen">Opens the log again from its start (to go back to a snapshot); null if it cannot be.</param>
    /// <param name="eventsAlreadyRead">Events read from <paramref name="log"/> before the session took it (<see cref="ReadRtcBase"/> reads one).</param>
    public ReplaySession(PcMachine machine, IReplayLogReader log, Func<bool, ulong> digest,
                         Func<IReplayLogReader>? reopen = null, long eventsAlreadyRead = 1)
    {
        _machine = machine;
        _log = log;
        _digest = digest;
        _reopen = reopen;
        _eventsRead = eventsAlreadyRead;
    }

    /// <summary>Where the replay stands, for a snapshot taken now: the events applied so far.</summary>
    public ReplayPosition Position => new(_eventsRead - (_next is null ? 0 : 1), Icount);

    /// <summary>
    /// After the machine was put back to a snapshot taken during this replay: the log is read again
    /// from its start up to <paramref name="position"/>, so the replay continues from there.
    /// </summary>
    public void Rewind(ReplayPosition position)
    {
        if (_reopen is null) throw new InvalidOperationException("this replay log cannot be read again");
        var log = _reopen();
        long read = 0;
        while (read < position.EventsApplied)
        {
            if (!log.TryReadNext(out _))
            {
                log.Dispose();
                throw new InvalidOperationException($"the replay log ends before the snapshot's position ({position.EventsApplied} events)");
            }
            read++;
        }
        _log.Dispose();
        _log = log;
        _eventsRead = read;
        _next = null;
        _end = null;
    }

    /// <summary>Where replay_break (or replay_seek) stops the replay; null for none.</summary>
    public long? BreakAt { get; set; }

    public long Icount => _machine.Cpu.Icount;

    /// <summary>
    /// The events the log starts with at icount 0 that configure the machine before it is built
    /// (the RTC's wall-clock time). Call before the first <see cref="Step"/>.
    /// </summary>
    public static long ReadRtcBase(IReplayLogReader log)
    {
        if (!log.TryReadNext(out var e) || e is not HostClockEvent clock)
            throw new ReplayLogException("the replay log does not start with the host clock reading a recording begins with");
        return clock.UnixSeconds;
    }

    /// <summary>Replays at most <paramref name="maxInstructions"/> more instructions, applying the events on the way.</summary>
    public ReplayProgress Step(long maxInstructions)
    {
        if (_end is not null) return _end;
        long stopAt = Icount + maxInstructions;
        while (true)
        {
            if (BreakAt is { } at && Icount >= at)
            {
                BreakAt = null;
                return new ReplayProgress.BreakReached(Icount);
            }
            if (!TryPeek(out var next)) return _end!;
            if (next.Icount < Icount)
                return End(Diverge($"the log has an event at icount {next.Icount}, which the machine has already passed"));
            if (next.Icount == Icount)
            {
                _next = null;
                if (Apply(next) is { } done) return End(done);
                continue;
            }
            if (Icount >= stopAt) return new ReplayProgress.Running();

            long target = Math.Min(next.Icount, stopAt);
            if (BreakAt is { } b && b > Icount) target = Math.Min(target, b);
            switch (_machine.Run(target - Icount))
            {
                case MachineStop.GuestExit when Icount < next.Icount:
                    return End(Diverge($"the guest exited (status {_machine.ExitCode}), but the recording goes on to icount {next.Icount}"));
                case MachineStop.Shutdown when Icount < next.Icount:
                    return End(Diverge($"the machine shut down, but the recording goes on to icount {next.Icount}"));
                case MachineStop.Idle when Icount < next.Icount && !WarpsByItself:
                    return End(Diverge($"the guest is idle, but the recording ran on to icount {next.Icount}"));
            }
        }
    }

    /// <summary>
    /// sleep=off: an idle machine with a timer pending warps to it by itself and returns only to
    /// give the host its turn, so idling is no reason to stop (with sleep=on the recording's
    /// host decided how long to wait, and that decision is in the log).
    /// </summary>
    private bool WarpsByItself =>
        _machine.IdleDeadlineNs is not null && _machine.Config.Time is Domain.Time.TimeMode.InstructionCounted { SleepWhenIdle: false };

    private ReplayProgress End(ReplayProgress progress) => _end = progress;

    private ReplayProgress.Diverged Diverge(string what) => new($"replay diverged at icount {Icount}: {what}");

    private bool TryPeek(out ReplayEvent next)
    {
        next = _next!;
        if (_next is not null) return true;
        try
        {
            if (_log.TryReadNext(out var e) && e is not null)
            {
                _eventsRead++;
                next = _next = e;
                return true;
            }
            _end = new ReplayProgress.LogEnded($"the replay log ends at icount {Icount} without a recorded shutdown", Damaged: false);
        }
        catch (ReplayLogException ex)
        {
            _end = new ReplayProgress.LogEnded($"the replay log is damaged after icount {Icount}: {ex.Message}", Damaged: true);
        }
        return false;
    }

    /// <summary>Applies one event due now; returns how the replay ends if it does.</summary>
    private ReplayProgress? Apply(ReplayEvent e)
    {
        switch (e)
        {
            case SerialInputEvent serial:
                foreach (byte b in serial.Data)
                    if (!_machine.TryDeliverSerialInput(serial.Port, b))
                        return Diverge($"serial port {serial.Port} did not accept the recorded input");
                return null;
            case IdleWarpEvent warp:
                if (!_machine.Cpu.Halted) return Diverge("the recording was idle here, but the guest is running");
                _machine.Clock.Warp(warp.Nanoseconds);
                return null;
            case CheckpointEvent checkpoint:
                ulong digest = _digest(checkpoint.IncludesRam);
                return digest == checkpoint.StateDigest
                    ? null
                    : Diverge($"the {(checkpoint.IncludesRam ? "CPU, device and RAM" : "CPU and device")} state digest is {digest:x16}, the recording's {checkpoint.StateDigest:x16}");
            case ShutdownEvent shutdown:
                return ApplyShutdown(shutdown);
            case EndEvent:
                return new ReplayProgress.LogEnded($"the replay reached the end of the recording at icount {Icount}", Damaged: false);
            case HostClockEvent:
                return Diverge("the log reads the host clock again, which a recording does only at power-on");
            default:
                return Diverge($"the log holds an event this build does not replay ({e.GetType().Name})");
        }
    }

    private ReplayProgress? ApplyShutdown(ShutdownEvent e)
    {
        switch (e.Cause)
        {
            case ShutdownCause.HostQmpSystemReset:
                _machine.Reset();
                return null;
            case ShutdownCause.GuestShutdown:
                return _machine.ExitCode == e.ExitCode
                    ? new ReplayProgress.Finished(e.Cause, e.ExitCode)
                    : Diverge($"the recording's guest exited with status {e.ExitCode} here, this one {(_machine.ExitCode is { } code ? $"with {code}" : "did not")}");
            default:
                // Quit from outside (monitor, signal, Ctrl-a x) or a shutdown the guest caused: end the same way.
                return new ReplayProgress.Finished(e.Cause, e.ExitCode);
        }
    }
}

/// <summary>A point in a replay: how many log events had been applied, at which icount.</summary>
public readonly record struct ReplayPosition(long EventsApplied, long Icount);
