using System.Text;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;

namespace HexEmu.Application.Replay;

/// <summary>What a loaded VM state said about the replay it was taken in.</summary>
/// <param name="Position">Where that replay stood, when the state belongs to this recording; else null.</param>
/// <param name="Output">How much output each gated sink had produced (persisted checkpoints only); else null.</param>
public sealed record LoadedVmState(ReplayPosition? Position, long[]? Output);

/// <summary>
/// The bytes of a whole VM state, as savevm stores them and as reverse-debugging checkpoints are
/// persisted: the machine's own versioned sections (RAM included), the written sectors of every
/// disk behind an in-memory overlay (record/replay, -snapshot), and, during a replay, the replay's
/// position tagged with the recording's identity, so that only a replay of the same recording
/// takes the state as a position. One format for both, so a state written by one is read by the
/// other's code.
/// </summary>
public sealed class VmStateCodec(PcMachine machine, string? replayIdentity)
{
    private const string ReplaySection = "replay";
    private const ushort ReplaySectionVersion = 1;
    private const string OutputSection = "replay-output";
    private const ushort OutputSectionVersion = 1;

    /// <summary>
    /// Writes the state now into <paramref name="state"/>. <paramref name="position"/>: the replay's, when replaying;
    /// <paramref name="output"/>: the output gate's counts, for a persisted checkpoint.
    /// </summary>
    public void Write(StateWriter state, ReplayPosition? position, long[]? output = null)
    {
        machine.SaveState(state);
        foreach (var (index, overlay) in Overlays()) overlay.SaveState(state, OverlaySection(index));
        if (position is { } p)
        {
            state.BeginSection(ReplaySection, ReplaySectionVersion);
            state.WriteI64(p.EventsApplied);
            state.WriteI64(p.Icount);
            var identity = Encoding.UTF8.GetBytes(replayIdentity ?? "");
            state.WriteU32((uint)identity.Length);
            state.WriteBytes(identity);
            state.EndSection();
        }
        if (output is not null)
        {
            state.BeginSection(OutputSection, OutputSectionVersion);
            state.WriteU32((uint)output.Length);
            foreach (long count in output) state.WriteI64(count);
            state.EndSection();
        }
    }

    /// <summary>
    /// Puts the machine and its overlaid disks back to <paramref name="bytes"/>, all or nothing:
    /// everything is read and checked before anything changes. <paramref name="requirePosition"/>:
    /// a replay can only continue from a state of its own recording, so such a state without one
    /// is refused (InvalidOperationException, naming <paramref name="what"/>) with nothing changed.
    /// <paramref name="afterMachine"/> runs once the machine is loaded (a qcow2 store restores its
    /// disks there). The caller moves the replay to the returned position.
    /// </summary>
    public LoadedVmState Load(byte[] bytes, bool requirePosition, string what, Action? afterMachine = null)
    {
        var reader = new StateReader(bytes);
        var position = ReadPosition(reader);
        if (requirePosition && position is null)
            throw new InvalidOperationException($"{what} was not taken during this replay, so the replay cannot continue from it");
        var output = ReadOutput(reader);
        // Disks behind an overlay keep their written sectors in the VM state. A state without them
        // was taken before anything was written there (rrsnapshot at the start of a recording), so
        // the disk reads as its image then.
        var overlays = Overlays().Select(o => reader.HasSection(OverlaySection(o.Index))
            ? o.Disk.ReadState(reader, OverlaySection(o.Index))
            : o.Disk.EmptyOverlay()).ToList();
        // The machine first: a state it cannot load leaves machine and disks untouched.
        machine.LoadState(reader);
        afterMachine?.Invoke();
        foreach (var overlay in overlays) overlay.Device.RestoreOverlay(overlay);
        return new LoadedVmState(position, output);
    }

    /// <summary>The guest's disks that sit behind an in-memory overlay, with their IDE index.</summary>
    private IEnumerable<(int Index, CopyOnWriteBlockDevice Disk)> Overlays() =>
        machine.Config.Disks.Select((disk, index) => (index, disk)).Where(d => d.disk is CopyOnWriteBlockDevice)
            .Select(d => (d.index, (CopyOnWriteBlockDevice)d.disk!));

    private static string OverlaySection(int index) => $"disk-overlay.{index}";

    /// <summary>The replay position saved with a state, if it belongs to this replay.</summary>
    private ReplayPosition? ReadPosition(StateReader reader)
    {
        if (!reader.HasSection(ReplaySection)) return null;
        var section = reader.Open(ReplaySection, ReplaySectionVersion);
        long events = section.ReadI64();
        long icount = section.ReadI64();
        uint length = section.ReadU32();
        if (length > section.Remaining) throw new StateFormatException("the replay section of this state is damaged");
        var identity = new byte[length];
        section.ReadBytes(identity);
        return Encoding.UTF8.GetString(identity) == (replayIdentity ?? "") ? new ReplayPosition(events, icount) : null;
    }

    private static long[]? ReadOutput(StateReader reader)
    {
        if (!reader.HasSection(OutputSection)) return null;
        var section = reader.Open(OutputSection, OutputSectionVersion);
        uint count = section.ReadU32();
        if (count > section.Remaining / sizeof(long)) throw new StateFormatException("the replay output section of this state is damaged");
        var output = new long[count];
        for (int k = 0; k < output.Length; k++) output[k] = section.ReadI64();
        return output;
    }
}
