using HexEmu.Domain.State;
using System.Collections.Immutable;

namespace HexEmu.Domain.Storage;

/// <summary>
/// A disk whose writes never reach its image: written sectors are kept in memory and read back
/// from there, every other sector comes from the base device, which is only ever read. Record
/// and replay run on it so that the images stay exactly what the recording's header identified
/// (a replay could not start from a disk its recording had changed) — QEMU's <c>-snapshot</c>
/// idea, with the overlay in memory instead of a temporary file.
/// <para>
/// Flushing succeeds without touching the base. The overlay lives as long as this object: it
/// is gone when the process ends.
/// </para>
/// <para>
/// The overlay is an immutable map whose chunks and sectors are never changed in place (a write
/// stores new arrays), so <see cref="CaptureOverlay"/> is O(1) and a captured overlay shares every
/// sector with the live one: the reverse debugger's checkpoints capture it every few million
/// instructions.
/// </para>
/// </summary>
public sealed class CopyOnWriteBlockDevice : IBlockDevice
{
    private const int SectorSize = IBlockDevice.SectorSize;

    /// <summary>Sectors per chunk of the overlay map (log2).</summary>
    internal const int ChunkShift = 6;
    internal const int ChunkSectors = 1 << ChunkShift;

    private readonly IBlockDevice _base;
    // Written sectors by chunk of 64 LBAs: per chunk an array of the sectors written (null where
    // the base is read). Neither a chunk array nor a sector is changed once stored: a write
    // stores new ones, so a captured map stays as it was. A sector at a time keeps partial
    // overlaps of reads and earlier writes trivial; chunks keep lookups few and the map small.
    private ImmutableDictionary<long, byte[]?[]> _written = ImmutableDictionary<long, byte[]?[]>.Empty;
    private int _writtenCount;
    // Sectors written since the last capture or restore: what the next capture holds that the
    // one before it (or the one restored) did not.
    private readonly HashSet<long> _writtenSinceMark = [];

    /// <param name="baseDevice">The image, read and never written (open it read-only).</param>
    /// <param name="isReadOnly">What the guest sees: true for a drive given as read-only, which then refuses writes as before.</param>
    public CopyOnWriteBlockDevice(IBlockDevice baseDevice, bool isReadOnly)
    {
        ArgumentNullException.ThrowIfNull(baseDevice);
        _base = baseDevice;
        IsReadOnly = isReadOnly;
    }

    public long SectorCount => _base.SectorCount;
    public bool IsReadOnly { get; }

    /// <summary>How many distinct sectors the guest has written (and the overlay holds).</summary>
    public int WrittenSectors => _writtenCount;

    public bool TryRead(long lba, Span<byte> destination)
    {
        if (!InRange(lba, destination.Length)) return false;
        var written = _written;
        if (written.IsEmpty) return _base.TryRead(lba, destination);
        var chunks = new ChunkCursor(written);
        int sectors = destination.Length / SectorSize;
        int k = 0;
        while (k < sectors)
        {
            if (chunks.Sector(lba + k) is { } sector)
            {
                sector.CopyTo(destination.Slice(k * SectorSize, SectorSize));
                k++;
                continue;
            }
            // A run of sectors the guest never wrote: one read from the base.
            int run = 1;
            while (k + run < sectors && chunks.Sector(lba + k + run) is null) run++;
            if (!_base.TryRead(lba + k, destination.Slice(k * SectorSize, run * SectorSize))) return false;
            k += run;
        }
        return true;
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly || !InRange(lba, source.Length)) return false;
        int sectors = source.Length / SectorSize;
        var written = _written.ToBuilder(); // one new version of the map for the whole transfer
        long chunkIndex = -1;
        byte[]?[]? chunk = null;
        for (int k = 0; k < sectors; k++)
        {
            long at = lba + k;
            if (at >> ChunkShift != chunkIndex)
            {
                if (chunk is not null) written[chunkIndex] = chunk;
                chunkIndex = at >> ChunkShift;
                // A new chunk array: captured maps may share the old one.
                chunk = written.TryGetValue(chunkIndex, out var old) ? (byte[]?[])old.Clone() : new byte[]?[ChunkSectors];
            }
            ref byte[]? slot = ref chunk![(int)(at & (ChunkSectors - 1))];
            if (slot is null) _writtenCount++;
            slot = source.Slice(k * SectorSize, SectorSize).ToArray(); // always a new array, for the same reason
            _writtenSinceMark.Add(at);
        }
        written[chunkIndex] = chunk!;
        _written = written.ToImmutable();
        return true;
    }

    /// <summary>Nothing to make durable: the overlay is meant to vanish, and the base is never written.</summary>
    public bool TryFlush() => true;

    /// <summary>
    /// The overlay as it is now, in O(1): the written sectors are shared, never copied. Hand it to
    /// <see cref="RestoreOverlay"/> to make the disk read as it does now again.
    /// </summary>
    public DiskOverlay CaptureOverlay()
    {
        long[] fresh = [.. _writtenSinceMark];
        _writtenSinceMark.Clear();
        return new DiskOverlay(this, _written, _writtenCount, fresh);
    }

    /// <summary>Puts back an overlay this device captured: every sector reads as it did then.</summary>
    public void RestoreOverlay(DiskOverlay overlay)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        if (!ReferenceEquals(overlay.Device, this))
            throw new ArgumentException("the overlay was captured from another disk", nameof(overlay));
        _written = overlay.Chunks;
        _writtenCount = overlay.SectorCount;
        _writtenSinceMark.Clear();
    }

    // ---- saved state (savevm/loadvm of a machine whose disk is behind this overlay) ----

    public const ushort StateVersion = 1;

    /// <summary>
    /// The written sectors as a state section named <paramref name="section"/> (one per disk):
    /// the disk's size in sectors (u64), the number of written sectors (u32), then each as its
    /// LBA (u64) and its 512 bytes, in LBA order.
    /// </summary>
    public void SaveState(StateWriter w, string section)
    {
        w.BeginSection(section, StateVersion);
        w.WriteU64((ulong)SectorCount);
        var lbas = new List<long>(_writtenCount);
        foreach (var (index, chunk) in _written)
            for (int k = 0; k < ChunkSectors; k++)
                if (chunk[k] is not null) lbas.Add(index << ChunkShift | (long)k);
        lbas.Sort();
        w.WriteU32((uint)lbas.Count);
        var cursor = new ChunkCursor(_written);
        foreach (long lba in lbas)
        {
            w.WriteU64((ulong)lba);
            w.WriteBytes(cursor.Sector(lba)!);
        }
        w.EndSection();
    }

    /// <summary>
    /// Reads what <see cref="SaveState"/> wrote, without changing the disk: apply the result with
    /// <see cref="RestoreOverlay"/> (so that a machine state that fails to load leaves the disk as it was).
    /// </summary>
    public DiskOverlay ReadState(StateReader r, string section)
    {
        var s = r.Open(section, StateVersion);
        ulong size = s.ReadU64();
        if (size != (ulong)SectorCount)
            throw new StateFormatException($"section '{section}': the saved disk has {size} sectors, this one {SectorCount}");
        uint count = s.ReadU32();
        if (count > (ulong)s.Remaining / (8 + SectorSize))
            throw new StateFormatException($"section '{section}': {count} sectors do not fit in it");
        var written = ImmutableDictionary.CreateBuilder<long, byte[]?[]>();
        for (uint n = 0; n < count; n++)
        {
            ulong lba = s.ReadU64();
            if (lba >= (ulong)SectorCount) throw new StateFormatException($"section '{section}': sector {lba} lies beyond the disk");
            long index = (long)lba >> ChunkShift;
            if (!written.TryGetValue(index, out var chunk)) written[index] = chunk = new byte[]?[ChunkSectors];
            ref byte[]? slot = ref chunk[(int)((long)lba & (ChunkSectors - 1))];
            if (slot is not null) throw new StateFormatException($"section '{section}': sector {lba} is there twice");
            slot = new byte[SectorSize];
            s.ReadBytes(slot);
        }
        s.End();
        var map = written.ToImmutable();
        return new DiskOverlay(this, map, (int)count, [.. map.SelectMany(c => Enumerable.Range(0, ChunkSectors)
            .Where(k => c.Value[k] is not null).Select(k => c.Key << ChunkShift | (long)k))]);
    }

    /// <summary>The overlay of a disk nobody wrote: every sector reads from the base image.</summary>
    public DiskOverlay EmptyOverlay() => new(this, ImmutableDictionary<long, byte[]?[]>.Empty, 0, []);

    private bool InRange(long lba, int length) =>
        length % SectorSize == 0 && lba >= 0 && lba <= SectorCount - length / SectorSize;

    /// <summary>Looks sectors up in a map, remembering the last chunk (transfers go through consecutive sectors).</summary>
    internal struct ChunkCursor(ImmutableDictionary<long, byte[]?[]> map)
    {
        private long _index = -1;
        private byte[]?[]? _chunk;

        public byte[]? Sector(long lba)
        {
            if (lba >> ChunkShift != _index)
            {
                _index = lba >> ChunkShift;
                _chunk = map.TryGetValue(_index, out var chunk) ? chunk : null;
            }
            return _chunk?[(int)(lba & (ChunkSectors - 1))];
        }
    }
}

/// <summary>
/// A captured <see cref="CopyOnWriteBlockDevice"/> overlay: immutable, sharing its sectors with
/// the device and with every other capture that holds the same ones.
/// </summary>
public sealed class DiskOverlay
{
    internal DiskOverlay(CopyOnWriteBlockDevice device, ImmutableDictionary<long, byte[]?[]> chunks, int sectorCount, long[] freshSectors)
    {
        Device = device;
        Chunks = chunks;
        SectorCount = sectorCount;
        FreshSectors = freshSectors;
    }

    /// <summary>The device that captured it (and the only one it can be restored to).</summary>
    public CopyOnWriteBlockDevice Device { get; }

    internal ImmutableDictionary<long, byte[]?[]> Chunks { get; }

    /// <summary>How many sectors the overlay holds.</summary>
    public int SectorCount { get; }

    /// <summary>
    /// The sectors written since the device's previous capture or restore: the ones whose bytes
    /// this capture is the first to hold (what it costs beyond the capture it follows).
    /// </summary>
    public IReadOnlyList<long> FreshSectors { get; }

    /// <summary>The bytes this overlay holds for <paramref name="lba"/>, or null when it reads from the base (the very array: do not change it).</summary>
    internal byte[]? SectorOrNull(long lba) => new CopyOnWriteBlockDevice.ChunkCursor(Chunks).Sector(lba);
}
