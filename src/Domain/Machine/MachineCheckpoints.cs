using HexEmu.Domain.Cpu;
using HexEmu.Domain.Memory;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Machine;

/// <summary>
/// Incremental in-memory checkpoints of a whole <see cref="PcMachine"/>, for the reverse
/// debugger's timeline (ARCHITECTURE.md §4–5): taken every few million instructions of a replay
/// and restored often, so both must be cheap. A checkpoint holds
/// <list type="bullet">
/// <item>the state of the CPU, clock and devices (a few KiB, the saved sections without RAM's) and the A20 gate;</item>
/// <item>RAM incrementally (<see cref="RamHistory"/>): only the pages that differ from the checkpoint
///   it was taken after, found through the dirty bits — so a guest that touches little memory costs little;</item>
/// <item>every disk's copy-on-write overlay, captured in O(1) (<see cref="CopyOnWriteBlockDevice.CaptureOverlay"/>).</item>
/// </list>
/// Checkpoints may be taken, restored and discarded in any order — a checkpoint taken after a
/// restore is relative to the one restored — and every live one stays restorable exactly.
/// Checkpoints are for replays, whose writable disks are all copy-on-write overlays; a machine
/// with another writable disk cannot take them. Not thread-safe: use it on the machine thread,
/// between runs.
/// <para>
/// It owns RAM's dirty bits: nothing else may clear them (<see cref="PhysicalMemory.ClearDirty"/>)
/// while checkpoints are live, and whatever writes RAM past the CPU must mark the pages
/// (<see cref="PhysicalMemory.NoteWrite"/>), as the boot loaders do. Taking a checkpoint changes
/// nothing the guest can see — not even the TLB, which a new dirty epoch leaves as it is. Restoring
/// one drops the TLB and decoded code, as loading any saved state does.
/// </para>
/// </summary>
public sealed class MachineCheckpoints
{
    /// <summary>A sector held by an overlay: its bytes and the array's header.</summary>
    internal const long SectorCost = IBlockDevice.SectorSize + 24;

    /// <summary>A chunk of the overlay map copied for new sectors: its array of 64 references and its map node.</summary>
    internal const long ChunkCost = CopyOnWriteBlockDevice.ChunkSectors * 8 + 24 + 64;

    /// <summary>A checkpoint's own bookkeeping beside its state bytes: the objects and arrays around them.</summary>
    private const long CheckpointOverhead = 160;

    private readonly PcMachine _machine;
    private readonly RamHistory _ram;
    private readonly CopyOnWriteBlockDevice[] _disks;
    private readonly string? _unsupportedDisk;
    private readonly Dictionary<int, Checkpoint> _live = [];
    private readonly StateWriter _stateWriter = new();
    private int _nextId = 1;
    private long _otherBytes;

    public MachineCheckpoints(PcMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        _machine = machine;
        _ram = new RamHistory(machine.Memory);
        var disks = new List<CopyOnWriteBlockDevice>();
        for (int index = 0; index < machine.Config.Disks.Count; index++)
        {
            switch (machine.Config.Disks[index])
            {
                case CopyOnWriteBlockDevice overlay:
                    if (!disks.Contains(overlay)) disks.Add(overlay);
                    break;
                case { IsReadOnly: false }:
                    _unsupportedDisk ??= $"IDE disk {index} is written in place, so checkpoints could not put it back; " +
                                         "checkpoints need every writable disk behind a copy-on-write overlay (as in record/replay)";
                    break;
            }
        }
        _disks = [.. disks];
    }

    /// <summary>Live checkpoints.</summary>
    public int Count => _live.Count;

    /// <summary>
    /// Memory held by all live checkpoints, in bytes: page copies (each shared copy once, in
    /// slabs, with the spare slabs kept for the next checkpoint), the per-page version
    /// bookkeeping, the saved device state, and the disk sectors checkpoints hold (each sector
    /// once however many checkpoints share it; the overlay map's chunks are counted when first
    /// captured, and not handed on when that checkpoint is discarded).
    /// </summary>
    public long BytesHeld => _ram.BytesHeld + _otherBytes;

    /// <summary>
    /// Records the machine as it is now; returns the checkpoint's id (ids are never reused).
    /// <paramref name="tag"/> is kept with it for the caller (the replay log position, say).
    /// </summary>
    /// <exception cref="InvalidOperationException">A writable disk is not a copy-on-write overlay.</exception>
    public int Take(object? tag = null)
    {
        if (_unsupportedDisk is { } why) throw new InvalidOperationException(why);
        _stateWriter.Clear();
        _machine.SaveState(_stateWriter, includeMemory: false);
        var overlays = new DiskOverlay[_disks.Length];
        var fresh = new List<long>[_disks.Length];
        long diskBytes = 0;
        for (int d = 0; d < _disks.Length; d++)
        {
            overlays[d] = _disks[d].CaptureOverlay();
            fresh[d] = [.. overlays[d].FreshSectors];
            diskBytes += fresh[d].Count * SectorCost
                         + fresh[d].Select(lba => lba >> CopyOnWriteBlockDevice.ChunkShift).Distinct().Count() * ChunkCost;
        }
        var checkpoint = new Checkpoint(
            _stateWriter.ToArray(),
            _machine.Memory.A20Mask == 0xFFFF_FFFF,
            _machine.Cpu.Icount,
            _ram.Take(),
            overlays,
            fresh,
            _machine.Cpu.CaptureTlb(),
            tag);
        checkpoint.DiskBytes = diskBytes;
        int id = _nextId++;
        _live.Add(id, checkpoint);
        _otherBytes += checkpoint.OwnBytes + diskBytes;
        return id;
    }

    /// <summary>Puts the machine back exactly as it was when <paramref name="id"/> was taken (CPU, devices, RAM, A20, disks).</summary>
    /// <exception cref="ArgumentException">No live checkpoint has that id.</exception>
    public void Restore(int id)
    {
        var checkpoint = Get(id);
        // The CPU's post-load hook drops its decoded code and its TLB, so nothing cached from the
        // pages rewritten below survives; those pages need no dirty marks: their new epoch starts
        // here. The TLB comes back at the end.
        _machine.LoadState(new StateReader(checkpoint.State), includeMemory: false);
        _ram.Restore(checkpoint.Ram);
        _machine.Memory.SetA20(checkpoint.A20);
        for (int d = 0; d < _disks.Length; d++) _disks[d].RestoreOverlay(checkpoint.Overlays[d]);
        // Last: loading state and A20 flush the TLB, and the guest must find it as it was (see TlbContents).
        _machine.Cpu.RestoreTlb(checkpoint.Tlb);
    }

    /// <summary>Forgets <paramref name="id"/> and reclaims what only it held; every other checkpoint stays restorable.</summary>
    /// <exception cref="ArgumentException">No live checkpoint has that id.</exception>
    public void Discard(int id)
    {
        var checkpoint = Get(id);
        _live.Remove(id);
        _ram.Discard(checkpoint.Ram);
        _otherBytes -= checkpoint.OwnBytes + checkpoint.DiskBytes;
        HandOverSectors(checkpoint);
    }

    /// <summary>What <see cref="Take"/> was given for <paramref name="id"/>.</summary>
    public object? TagOf(int id) => Get(id).Tag;

    /// <summary>The instruction count at which <paramref name="id"/> was taken.</summary>
    public long IcountOf(int id) => Get(id).Icount;

    /// <summary>The live checkpoints' ids.</summary>
    public IReadOnlyCollection<int> Ids => _live.Keys;

    /// <summary>Whether <paramref name="id"/> names a live checkpoint.</summary>
    public bool Contains(int id) => _live.ContainsKey(id);

    private Checkpoint Get(int id) =>
        _live.TryGetValue(id, out var checkpoint) ? checkpoint : throw new ArgumentException($"no checkpoint {id}", nameof(id));

    /// <summary>
    /// The sectors a discarded checkpoint was the first to hold may still be held by later ones
    /// (taken from it, or from a restore of it, before the sector was written again): the first
    /// such checkpoint now counts them, so <see cref="BytesHeld"/> counts each sector once.
    /// </summary>
    private void HandOverSectors(Checkpoint gone)
    {
        for (int d = 0; d < _disks.Length; d++)
        {
            foreach (long lba in gone.FreshSectors[d])
            {
                byte[]? bytes = gone.Overlays[d].SectorOrNull(lba);
                foreach (var other in _live.Values)
                {
                    if (bytes is null || !ReferenceEquals(other.Overlays[d].SectorOrNull(lba), bytes)) continue;
                    other.FreshSectors[d].Add(lba);
                    other.DiskBytes += SectorCost;
                    _otherBytes += SectorCost;
                    break;
                }
            }
        }
    }

    private sealed class Checkpoint(byte[] state, bool a20, long icount, RamPoint ram, DiskOverlay[] overlays, List<long>[] freshSectors,
                                    TlbContents tlb, object? tag)
    {
        public byte[] State { get; } = state;
        public bool A20 { get; } = a20;
        public long Icount { get; } = icount;
        public RamPoint Ram { get; } = ram;
        public DiskOverlay[] Overlays { get; } = overlays;
        /// <summary>Per disk, the sectors this checkpoint counts in <see cref="DiskBytes"/>: no other live checkpoint counts them.</summary>
        public List<long>[] FreshSectors { get; } = freshSectors;
        public TlbContents Tlb { get; } = tlb;
        public object? Tag { get; } = tag;
        public long DiskBytes { get; set; }
        public long OwnBytes => CheckpointOverhead + State.Length + 8L * Overlays.Length + Tlb.Bytes;
    }
}
