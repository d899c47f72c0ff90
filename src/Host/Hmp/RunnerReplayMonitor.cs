using HexEmu.Application.Monitor;
using HexEmu.Domain.Machine;

namespace HexEmu.Host.Hmp;

/// <summary>The monitor's view of a recording or a replay in progress.</summary>
public sealed class RunnerReplayMonitor(PcMachine machine, MachineRunner runner, string file, MachineSnapshots snapshots) : IReplayMonitor
{
    public bool Replaying => runner.Replay is not null;

    public string File => file;

    public long Icount => machine.Cpu.Icount;

    public void SetBreak(long icount)
    {
        if (runner.Replay is { } replay) replay.BreakAt = icount;
    }

    public void DeleteBreak()
    {
        if (runner.Replay is { } replay) replay.BreakAt = null;
    }

    /// <summary>
    /// Back to <paramref name="icount"/> itself through the reverse-debugging checkpoints when the
    /// replay has them (-gdb), else to the latest snapshot taken at or before it in this replay;
    /// returns where the machine stands then.
    /// </summary>
    public long GoBackTo(long icount)
    {
        if (runner.DebugTimeline is not { } timeline) return snapshots.LoadLatestBefore(icount);
        timeline.SeekTo(icount);
        runner.Paused = true; // replay_seek pauses where it lands
        return timeline.Now;
    }

    public string? ReverseDebugging => runner.DebugTimeline is { } timeline
        ? $"Reverse debugging: history from instruction count {timeline.Start}, {timeline.CheckpointCount} checkpoints holding {timeline.CheckpointBytes / (1024.0 * 1024.0):F1} MiB"
        : null;
}
