using HexEmu.Application.Replay;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;

namespace HexEmu.Application.Debugging;

/// <summary>
/// The <see cref="Timeline"/>'s engine over a real replay: the machine, its replay session and
/// in-memory checkpoints of both. Runs on the machine thread; only <see cref="RequestInterrupt"/>
/// may be called from elsewhere.
/// </summary>
public sealed class ReplayDebugEngine : IReplayEngine
{
    /// <summary>Instructions per replay step between looks at interrupt requests (~20 ms).</summary>
    private const long Slice = 4_000_000;

    private readonly PcMachine _machine;
    private readonly ReplaySession _replay;
    private readonly MachineCheckpoints _checkpoints;
    private volatile bool _interruptRequested;

    private readonly ReplayOutputGate? _output;

    /// <param name="output">The gate in front of the guest's output, so going back does not print it again; null if none.</param>
    public ReplayDebugEngine(PcMachine machine, ReplaySession replay, ReplayOutputGate? output = null)
    {
        _machine = machine;
        _replay = replay;
        _output = output;
        _checkpoints = new MachineCheckpoints(machine);
    }

    /// <summary>What a checkpoint remembers beside the machine: where in the log, and how much output was produced.</summary>
    private sealed record HistoryTag(ReplayPosition Position, long[]? Output);

    /// <summary>True once the process is ending (a signal, the monitor's quit): a long run stops early.</summary>
    public Func<bool> Quitting { get; set; } = () => false;

    public long Now => _machine.Cpu.Icount;

    public long CheckpointBytes => _checkpoints.BytesHeld;

    /// <summary>Called on the machine thread after every slice (the host flushes the guest's output there).</summary>
    public Action? AfterSlice { get; init; }

    /// <summary>How the replay ended when the history's end was reached (a reproduced shutdown, the log's end, a divergence).</summary>
    public ReplayProgress? EndReached { get; private set; }

    /// <summary>Makes a run in progress (or the next one) stop soon, as <see cref="ForwardStop.Interrupted"/>. Any thread.</summary>
    public void RequestInterrupt() => _interruptRequested = true;

    /// <summary>Forgets an interrupt request that came too late for the run it was meant for.</summary>
    public void ForgetInterruptRequest() => _interruptRequested = false;

    /// <summary>
    /// Checkpoints kept in a store beyond this process, with the codec of their bytes; null for
    /// none. Set before the timeline starts.
    /// </summary>
    public (PersistedCheckpoints Checkpoints, VmStateCodec Codec)? Persisted { get; init; }

    public CheckpointId TakeCheckpoint()
    {
        var tag = new HistoryTag(_replay.Position, _output?.Capture());
        var id = new CheckpointId(_checkpoints.Take(tag));
        if (Persisted is var (persisted, codec) && persisted.IsDue(Now))
        {
            var state = new StateWriter();
            codec.Write(state, tag.Position, tag.Output);
            persisted.Save(Now, state.Written);
        }
        return id;
    }

    public bool JumpNear(long atOrBefore, long after)
    {
        if (Persisted is not var (persisted, codec) || persisted.FindUseful(atOrBefore, after) is not { } stored) return false;
        LoadedVmState loaded;
        try
        {
            // All or nothing: a state that does not load leaves the machine where it was.
            loaded = codec.Load(stored.State, requirePosition: true, $"the persisted checkpoint at icount {stored.Icount}");
        }
        catch (Exception e) when (e is StateFormatException or InvalidOperationException)
        {
            persisted.Forget(stored.Icount, e.Message);
            return false;
        }
        _replay.Rewind(loaded.Position!.Value);
        if (loaded.Output is { } output) _output?.Restore(output);
        EndReached = null;
        persisted.NoteRestored();
        return true;
    }

    public void Restore(CheckpointId checkpoint)
    {
        _checkpoints.Restore(checkpoint.Value);
        var tag = (HistoryTag)_checkpoints.TagOf(checkpoint.Value)!;
        _replay.Rewind(tag.Position);
        if (tag.Output is { } output) _output?.Restore(output);
        EndReached = null;
    }

    public void Discard(CheckpointId checkpoint) => _checkpoints.Discard(checkpoint.Value);

    public ForwardStop RunForward(long limit, Triggers triggers)
    {
        var traps = _machine.Cpu.Debug;
        traps.ClearHit();
        traps.StopBeforeIcount = limit;
        traps.BreakpointsEnabled = traps.WatchpointsEnabled = triggers != Triggers.None;
        // Only this run's start may be passed over: an ignore left from an earlier run (the
        // machine may have been restored to before it since) would hide a real hit.
        traps.IgnoreBreakpointsAt(triggers == Triggers.AfterStart ? Now : -1);
        // The monitor's replay_break is the caller's business (it limits the run itself): the
        // session must not stop on it, or swallow it, in the middle of a timeline operation.
        long? replayBreak = _replay.BreakAt;
        _replay.BreakAt = null;
        try
        {
            while (true)
            {
                if (_interruptRequested || Quitting())
                {
                    _interruptRequested = false;
                    return new ForwardStop.Interrupted();
                }
                var progress = _replay.Step(Slice);
                AfterSlice?.Invoke();
                switch (progress)
                {
                    case ReplayProgress.DebugStopped:
                        var hit = traps.Hit;
                        traps.ClearHit();
                        switch (hit)
                        {
                            case DebugHit.Breakpoint b: return new ForwardStop.Breakpoint(Now, b.Address);
                            case DebugHit.WatchHit w: return new ForwardStop.WatchHit(w.TriggerIcount, w.Watch, w.AccessAddress, w.Write);
                            case DebugHit.IcountReached: return new ForwardStop.LimitReached();
                        }
                        break; // no hit recorded: nothing to report, go on
                    case ReplayProgress.Running:
                    case ReplayProgress.BreakReached:
                        break;
                    default:
                        EndReached = progress;
                        return new ForwardStop.EndOfHistory(Now);
                }
            }
        }
        finally
        {
            _replay.BreakAt = replayBreak;
            traps.StopBeforeIcount = null;
            traps.BreakpointsEnabled = traps.WatchpointsEnabled = true;
        }
    }
}
