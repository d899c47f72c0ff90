namespace HexEmu.Domain.Debugging;

public sealed partial class Timeline
{
    /// <summary>
    /// gdb's reverse-continue: goes back to the last breakpoint or watchpoint hit before the
    /// current position — a breakpoint at a position before it, or a watchpoint hit by an
    /// instruction before it, where the machine then stands just before that instruction so gdb
    /// sees the old value. Scans back segment by segment from the latest checkpoint before the
    /// current position, each segment replayed once, then seeks to the hit. With no hit it goes
    /// to the start of history (<see cref="TimelineStop.HistoryBegin"/>).
    /// </summary>
    public TimelineStop ContinueBack()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long end = Now;
        while (true)
        {
            int index = checkpoints.LastBelow(end);
            if (index < 0) return GoToStart();
            var segmentStart = checkpoints[index];
            engine.Restore(segmentStart.Id);
            var scan = ScanSegment(end);
            if (scan.Interrupted) return new TimelineStop.Interrupted(Now);
            if (scan.LastHit is { } hit)
            {
                var stop = MoveTo(hit.Icount);
                return stop is null ? hit : Forward(stop);
            }
            end = segmentStart.Icount;
        }
    }

    /// <summary>
    /// Replays from the current position (a checkpoint) to <paramref name="end"/> with every
    /// trigger armed and returns the last hit before <paramref name="end"/>, as the stop a
    /// backwards search reports.
    /// </summary>
    private ScanResult ScanSegment(long end)
    {
        TimelineStop? last = null;
        var armed = Triggers.IncludingStart;
        while (Now < end)
        {
            switch (RunWithCheckpoints(end, armed, focus: null))
            {
                case ForwardStop.Breakpoint hit:
                    if (hit.Icount >= end) return new ScanResult(last, Interrupted: false);
                    last = new TimelineStop.Breakpoint(hit.Icount, hit.Address);
                    armed = Triggers.AfterStart;
                    break;
                case ForwardStop.WatchHit hit:
                    if (hit.TriggerIcount < end)
                        last = new TimelineStop.WatchHit(hit.TriggerIcount, hit.Watch, hit.AccessAddress, hit.Write);
                    armed = Triggers.IncludingStart;
                    break;
                case ForwardStop.Interrupted:
                    return new ScanResult(null, Interrupted: true);
                default:
                    return new ScanResult(last, Interrupted: false);
            }
        }
        return new ScanResult(last, Interrupted: false);
    }

    private readonly record struct ScanResult(TimelineStop? LastHit, bool Interrupted);
}
