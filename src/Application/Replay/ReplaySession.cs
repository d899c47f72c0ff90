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
    /// <summary>The CPU stopped for the debugger (its traps say why); call Step again to go on.</summary>
    public sealed record DebugStopped : ReplayProgress;
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
    private readonly IReplayLogReader _log;
    private readonly Func<bool, ulong> _digest;
    private readonly long _eventsBeforeSession;
    /// <summary>
    /// Every event read from the log so far, in order. Going back (to a snapshot or a reverse
    /// debugging checkpoint) then only moves <see cref="_cursor"/>: the log is read once, and a
    /// recording's events are few next to its instructions (tens of bytes per input or idle warp).
    /// </summary>
    private readonly List<ReplayEvent> _events = [];
    /// <summary>Index in <see cref="_events"/> of the next event to apply.</summary>
    private int _cursor;
    /// <summary>How the log ends, once reading reached its end (clean or damaged).</summary>
    private ReplayProgress.LogEnded? _logEnd;
    private ReplayProgress? _end;

    /// <param name="eventsAlreadyRead">Events read from <paramref name="log"/> before the session took it (<see cref="ReadRtcBase"/> reads one).</param>
    public ReplaySession(PcMachine machine, IReplayLogReader log, Func<bool, ulong> digest, long eventsAlreadyRead = 1)
    {
        _machine = machine;
        _log = log;
        _digest = digest;
        _eventsBeforeSession = eventsAlreadyRead;
    }

    /// <summary>Where the replay stands, for a snapshot or checkpoint taken now: the events applied so far.</summary>
    public ReplayPosition Position => new(_eventsBeforeSession + _cursor, Icount);

    /// <summary>
    /// After the machine was put back to a state taken during this replay (or a replay of the
    /// same recording): the replay continues from <paramref name="position"/>, reading the log
    /// further first if it had not got that far.
    /// </summary>
    public void Rewind(ReplayPosition position)
    {
        long index = position.EventsApplied - _eventsBeforeSession;
        if (index < 0) throw new InvalidOperationException($"the position ({position.EventsApplied} events) lies before this replay's start");
        while (_events.Count < index)
            if (!TryReadMore())
                throw new InvalidOperationException($"the replay log ends before the snapshot's position ({position.EventsApplied} events)");
        _cursor = (int)index;
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
                _cursor++;
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
                case MachineStop.DebugStop:
                    return new ReplayProgress.DebugStopped();
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
        next = null!;
        if (_cursor == _events.Count && !TryReadMore())
        {
            _end = _logEnd;
            return false;
        }
        next = _events[_cursor];
        return true;
    }

    /// <summary>Reads one more event into <see cref="_events"/>; false (and <see cref="_logEnd"/> set) at the log's end.</summary>
    private bool TryReadMore()
    {
        if (_logEnd is not null) return false;
        try
        {
            if (_log.TryReadNext(out var e) && e is not null)
            {
                _events.Add(e);
                return true;
            }
            _logEnd = new ReplayProgress.LogEnded($"the replay log ends at icount {LastEventIcount} without a recorded shutdown", Damaged: false);
        }
        catch (ReplayLogException ex)
        {
            _logEnd = new ReplayProgress.LogEnded($"the replay log is damaged after icount {LastEventIcount}: {ex.Message}", Damaged: true);
        }
        return false;
    }

    /// <summary>The icount of the last event read (where a log that ends without a shutdown stops).</summary>
    private long LastEventIcount => _events.Count > 0 ? Math.Max(_events[^1].Icount, Icount) : Icount;

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
