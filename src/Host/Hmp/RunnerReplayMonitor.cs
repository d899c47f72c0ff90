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

    /// <summary>Back to the latest snapshot taken at or before <paramref name="icount"/> in this replay; returns where the machine stands then.</summary>
    public long GoBackTo(long icount) => snapshots.LoadLatestBefore(icount);

    public bool TrySeekDirectly(long icount)
    {
        if (runner.DebugTimeline is not { } timeline) return false;
        timeline.SeekTo(icount);
        runner.Paused = true; // replay_seek pauses where it lands
        // A replay that stops following its recording on the way must say so, as a running one does.
        if (runner.DebugEngine?.EndReached is Application.Replay.ReplayProgress.Diverged diverged)
            throw new InvalidOperationException(diverged.Message);
        return true;
    }

    public string? ReverseDebugging => runner.DebugTimeline is { } timeline
        ? $"Reverse debugging: history from instruction count {timeline.Start}, {timeline.CheckpointCount} checkpoints holding {timeline.CheckpointBytes / (1024.0 * 1024.0):F1} MiB" + Persisted()
        : null;

    /// <summary>The line's tail about checkpoints in the snapshot store, when they are kept there.</summary>
    private string Persisted() => runner.DebugEngine?.Persisted is var (persisted, _)
        ? $"; {persisted.Count} in the snapshot store (every {persisted.Spacing} instructions: {persisted.Saves} written, {persisted.Restores} loaded in this session)"
        : "";
}
