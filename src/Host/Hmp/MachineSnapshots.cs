using HexEmu.Application.Monitor;
using HexEmu.Application.Ports;
using HexEmu.Application.Replay;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;

namespace HexEmu.Host.Hmp;

/// <summary>
/// savevm/loadvm/delvm for the running machine: the VM state is the machine's own versioned state
/// (every section, RAM included), stored with the disks' snapshots, its icount and virtual clock.
/// A snapshot taken during a replay also keeps the replay's position (a "replay" section), so that
/// loading it later in the same replay moves the replay back (or forward) to it.
/// </summary>
public sealed class MachineSnapshots(PcMachine machine, MachineRunner runner, ISnapshotStore? store, string? unavailable,
                                     IHostClock clock, string? replayIdentity = null) : IVmSnapshots
{
    private readonly VmStateCodec _codec = new(machine, replayIdentity);

    public IReadOnlyList<VmSnapshotInfo> List() => store?.List() ?? [];

    public void Save(string? name)
    {
        var s = Store();
        var state = new StateWriter();
        _codec.Write(state, runner.Replay?.Position);
        var now = clock.UtcNow;
        s.Save(name ?? $"vm-{now.ToLocalTime():yyyyMMddHHmmss}", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, now);
    }

    public void Load(string name)
    {
        var s = Store();
        var loaded = _codec.Load(s.ReadVmState(name), requirePosition: runner.Replay is not null, $"snapshot '{name}'",
            afterMachine: () => s.RestoreDisks(name));
        if (loaded.Position is { } p) runner.Replay?.Rewind(p);
    }

    public void Delete(string name) => Store().Delete(name);

    /// <summary>Replay: go back to the latest snapshot at or before <paramref name="icount"/>; returns its icount.</summary>
    public long LoadLatestBefore(long icount)
    {
        var candidate = List().Where(s => s.Icount >= 0 && s.Icount <= icount).MaxBy(s => s.Icount)
            ?? throw new InvalidOperationException($"no snapshot at or before icount {icount} to go back to (take some with savevm while replaying)");
        Load(candidate.Name);
        return candidate.Icount;
    }

    private ISnapshotStore Store()
    {
        if (runner.Recording)
            throw new InvalidOperationException("VM snapshots are not available while recording yet (rrsnapshot= saves one as the recording starts)");
        return store ?? throw new InvalidOperationException(unavailable ?? "No block device can accept snapshots");
    }
}
