using HexEmu.Domain.Debugging;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// A recording reduced to what the timeline can observe: positions from <see cref="Start"/> to
/// <see cref="End"/>, breakpoints at positions, watchpoint hits by instruction index, checkpoints
/// with sizes, counters of the work done and interrupt requests. Runs jump from event to event, so
/// a run over 10⁹ fake instructions costs nothing but is counted in <see cref="InstructionsRun"/>.
/// </summary>
internal sealed class FakeTape : IReplayEngine
{
    private readonly Dictionary<int, (long Icount, long Bytes)> live = [];
    private int nextId = 1;

    public FakeTape(long start = 0, long end = long.MaxValue / 2)
    {
        Start = start;
        End = end;
        Now = start;
    }

    public long Start { get; }

    /// <summary>The last position of the recording: instructions Start..End-1 exist.</summary>
    public long End { get; }

    /// <summary>Breakpoint positions and the address each stands for.</summary>
    public SortedDictionary<long, uint> Breakpoints { get; } = [];

    /// <summary>Watchpoint hits by the index of the accessing instruction.</summary>
    public SortedDictionary<long, (Watchpoint Watch, uint Address, bool Write)> WatchTriggers { get; } = [];

    /// <summary>Whether a breakpoint exactly at a run's limit is reported (engines may do either; the timeline must cope with both).</summary>
    public bool ReportsBreakpointAtLimit { get; set; }

    /// <summary>The bytes a checkpoint taken at a position holds.</summary>
    public Func<long, long> CheckpointSize { get; set; } = _ => 1 << 20;

    /// <summary>When set, the run during which <see cref="InstructionsRun"/> would pass this total is interrupted there.</summary>
    public long? InterruptAfterInstructions { get; set; }

    /// <summary>Set to interrupt the next run before it executes anything (gdb's Ctrl-C arriving early).</summary>
    public bool InterruptRequested { get; set; }

    public long Now { get; private set; }

    public long InstructionsRun { get; private set; }
    public int RunCalls { get; private set; }
    public int Restores { get; private set; }
    public int CheckpointsTaken { get; private set; }
    public int Discards { get; private set; }
    public long CheckpointBytes { get; private set; }

    /// <summary>Positions of the checkpoints alive, ascending.</summary>
    public IReadOnlyList<long> LivePositions => [.. live.Values.Select(v => v.Icount).Order()];

    public void ResetCounters()
    {
        InstructionsRun = 0;
        RunCalls = 0;
        Restores = 0;
        CheckpointsTaken = 0;
        Discards = 0;
        Jumps = 0;
    }

    /// <summary>Positions of states persisted by an "earlier session" (<see cref="JumpNear"/> lands on them).</summary>
    public SortedSet<long> Persisted { get; } = [];

    /// <summary>The least gain (in instructions) for which a jump to a persisted state is taken.</summary>
    public long JumpMinimumGain { get; set; } = 1;

    public int Jumps { get; private set; }

    public bool JumpNear(long atOrBefore, long after)
    {
        var best = Persisted.GetViewBetween(long.MinValue, atOrBefore).Reverse().FirstOrDefault(long.MinValue);
        if (best == long.MinValue || best - after < JumpMinimumGain) return false;
        Now = best;
        Jumps++;
        return true;
    }

    public CheckpointId TakeCheckpoint()
    {
        var id = new CheckpointId(nextId++);
        long bytes = CheckpointSize(Now);
        live.Add(id.Value, (Now, bytes));
        CheckpointBytes += bytes;
        CheckpointsTaken++;
        return id;
    }

    public void Restore(CheckpointId checkpoint)
    {
        if (!live.TryGetValue(checkpoint.Value, out var saved)) throw new InvalidOperationException($"Restore of unknown checkpoint {checkpoint}.");
        Now = saved.Icount;
        Restores++;
    }

    public void Discard(CheckpointId checkpoint)
    {
        if (!live.Remove(checkpoint.Value, out var saved)) throw new InvalidOperationException($"Discard of unknown checkpoint {checkpoint}.");
        CheckpointBytes -= saved.Bytes;
        Discards++;
    }

    public ForwardStop RunForward(long limit, Triggers triggers)
    {
        if (limit <= Now) throw new InvalidOperationException($"RunForward to {limit} from {Now}: the limit must lie ahead.");
        RunCalls++;
        if (InterruptRequested)
        {
            InterruptRequested = false;
            return new ForwardStop.Interrupted();
        }

        // Events in time order: a breakpoint at p happens before instruction p runs (time 2p), a
        // watch hit by instruction t after it ran (time 2t + 1, the tape then stands at t + 1), the
        // limit and the end of the recording at their positions (time 2·position). A breakpoint
        // at the limit comes before the limit only when the tape is told to report it.
        long stopAt = Math.Min(limit, End);
        ForwardStop stop = limit <= End ? new ForwardStop.LimitReached() : new ForwardStop.EndOfHistory(End);
        long stopTime = 2 * stopAt;

        if (triggers != Triggers.None)
        {
            long firstBreakpoint = triggers == Triggers.IncludingStart ? Now : Now + 1;
            foreach (var (position, address) in Breakpoints)
            {
                if (position < firstBreakpoint) continue;
                bool beforeStop = position < stopAt || (position == limit && stopAt == limit && ReportsBreakpointAtLimit);
                if (beforeStop)
                {
                    stopAt = position;
                    stopTime = 2 * position;
                    stop = new ForwardStop.Breakpoint(position, address);
                }
                break;
            }
            foreach (var (instruction, hit) in WatchTriggers)
            {
                if (instruction < Now) continue;
                if (2 * instruction + 1 < stopTime)
                {
                    stopAt = instruction + 1;
                    stop = new ForwardStop.WatchHit(instruction, hit.Watch, hit.Address, hit.Write);
                }
                break;
            }
        }

        if (InterruptAfterInstructions is long budget && InstructionsRun + (stopAt - Now) > budget)
        {
            long reached = Now + Math.Max(0, budget - InstructionsRun);
            InstructionsRun += reached - Now;
            Now = reached;
            InterruptAfterInstructions = null;
            return new ForwardStop.Interrupted();
        }

        InstructionsRun += stopAt - Now;
        Now = stopAt;
        return stop;
    }
}
