using HexEmu.Application.Monitor;
using HexEmu.Application.Ports;
using HexEmu.Application.Replay;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;

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
    private const string ReplaySection = "replay";
    private const ushort ReplaySectionVersion = 1;

    public IReadOnlyList<VmSnapshotInfo> List() => store?.List() ?? [];

    public void Save(string? name)
    {
        var s = Store();
        var state = new StateWriter();
        machine.SaveState(state);
        foreach (var (index, overlay) in Overlays()) overlay.SaveState(state, OverlaySection(index));
        if (runner.Replay is { } replay)
        {
            var position = replay.Position;
            state.BeginSection(ReplaySection, ReplaySectionVersion);
            state.WriteI64(position.EventsApplied);
            state.WriteI64(position.Icount);
            var identity = System.Text.Encoding.UTF8.GetBytes(replayIdentity ?? "");
            state.WriteU32((uint)identity.Length);
            state.WriteBytes(identity);
            state.EndSection();
        }
        var now = clock.UtcNow;
        s.Save(name ?? $"vm-{now.ToLocalTime():yyyyMMddHHmmss}", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, now);
    }

    public void Load(string name)
    {
        var s = Store();
        var reader = new StateReader(s.ReadVmState(name));
        ReplayPosition? position = null;
        if (runner.Replay is not null)
        {
            position = ReadPosition(reader)
                ?? throw new InvalidOperationException($"snapshot '{name}' was not taken during this replay, so the replay cannot continue from it");
        }
        // Disks behind an overlay (record/replay, -snapshot) keep their written sectors in the VM
        // state. A snapshot without them was taken before anything was written there (rrsnapshot
        // at the start of a recording), so the disk reads as its image then.
        var overlays = Overlays().Select(o => reader.HasSection(OverlaySection(o.Index))
            ? o.Disk.ReadState(reader, OverlaySection(o.Index))
            : o.Disk.EmptyOverlay()).ToList();
        // The machine first: a state it cannot load leaves machine and disks untouched.
        machine.LoadState(reader);
        s.RestoreDisks(name);
        foreach (var overlay in overlays) overlay.Device.RestoreOverlay(overlay);
        if (position is { } p) runner.Replay!.Rewind(p);
    }

    /// <summary>The guest's disks that sit behind an in-memory overlay, with their IDE index.</summary>
    private IEnumerable<(int Index, CopyOnWriteBlockDevice Disk)> Overlays() =>
        machine.Config.Disks.Select((disk, index) => (index, disk)).Where(d => d.disk is CopyOnWriteBlockDevice)
            .Select(d => (d.index, (CopyOnWriteBlockDevice)d.disk!));

    private static string OverlaySection(int index) => $"disk-overlay.{index}";

    /// <summary>The replay position saved with a snapshot, if it belongs to this replay.</summary>
    private ReplayPosition? ReadPosition(StateReader reader)
    {
        if (!reader.HasSection(ReplaySection)) return null;
        var section = reader.Open(ReplaySection, ReplaySectionVersion);
        long events = section.ReadI64();
        long icount = section.ReadI64();
        uint length = section.ReadU32();
        if (length > section.Remaining) throw new StateFormatException("the replay section of this snapshot is damaged");
        var identity = new byte[length];
        section.ReadBytes(identity);
        return System.Text.Encoding.UTF8.GetString(identity) == (replayIdentity ?? "") ? new ReplayPosition(events, icount) : null;
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
