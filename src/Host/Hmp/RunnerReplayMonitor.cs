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

    /// <summary>Back to the latest snapshot taken at or before <paramref name="icount"/> in this replay; returns its icount.</summary>
    public long GoBackTo(long icount) => snapshots.LoadLatestBefore(icount);
}
