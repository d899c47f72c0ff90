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
/// The overlay is an immutable map whose sectors are never changed in place (a write stores a
/// new array), so <see cref="CaptureOverlay"/> is O(1) and a captured overlay shares every
/// sector with the live one: the reverse debugger's checkpoints capture it every few million
/// instructions.
/// </para>
/// </summary>
public sealed class CopyOnWriteBlockDevice : IBlockDevice
{
    private const int SectorSize = IBlockDevice.SectorSize;

    private readonly IBlockDevice _base;
    // Written sectors by LBA. A sector at a time: guests write little, and a map per sector
    // makes partial overlaps of reads and earlier writes trivial.
    private ImmutableDictionary<long, byte[]> _written = ImmutableDictionary<long, byte[]>.Empty;
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
    public int WrittenSectors => _written.Count;

    public bool TryRead(long lba, Span<byte> destination)
    {
        if (!InRange(lba, destination.Length)) return false;
        var written = _written;
        if (written.IsEmpty) return _base.TryRead(lba, destination);
        int sectors = destination.Length / SectorSize;
        int k = 0;
        while (k < sectors)
        {
            if (written.TryGetValue(lba + k, out byte[]? sector))
            {
                sector.CopyTo(destination.Slice(k * SectorSize, SectorSize));
                k++;
                continue;
            }
            // A run of sectors the guest never wrote: one read from the base.
            int run = 1;
            while (k + run < sectors && !written.ContainsKey(lba + k + run)) run++;
            if (!_base.TryRead(lba + k, destination.Slice(k * SectorSize, run * SectorSize))) return false;
            k += run;
        }
        return true;
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly || !InRange(lba, source.Length)) return false;
        int sectors = source.Length / SectorSize;
        var written = _written;
        for (int k = 0; k < sectors; k++)
        {
            // Always a new array: captured overlays may share the old one.
            written = written.SetItem(lba + k, source.Slice(k * SectorSize, SectorSize).ToArray());
            _writtenSinceMark.Add(lba + k);
        }
        _written = written;
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
        return new DiskOverlay(this, _written, fresh);
    }

    /// <summary>Puts back an overlay this device captured: every sector reads as it did then.</summary>
    public void RestoreOverlay(DiskOverlay overlay)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        if (!ReferenceEquals(overlay.Device, this))
            throw new ArgumentException("the overlay was captured from another disk", nameof(overlay));
        _written = overlay.Sectors;
        _writtenSinceMark.Clear();
    }

    private bool InRange(long lba, int length) =>
        length % SectorSize == 0 && lba >= 0 && lba <= SectorCount - length / SectorSize;
}

/// <summary>
/// A captured <see cref="CopyOnWriteBlockDevice"/> overlay: immutable, sharing its sectors with
/// the device and with every other capture that holds the same ones.
/// </summary>
public sealed class DiskOverlay
{
    internal DiskOverlay(CopyOnWriteBlockDevice device, ImmutableDictionary<long, byte[]> sectors, long[] freshSectors)
    {
        Device = device;
        Sectors = sectors;
        FreshSectors = freshSectors;
    }

    /// <summary>The device that captured it (and the only one it can be restored to).</summary>
    public CopyOnWriteBlockDevice Device { get; }

    internal ImmutableDictionary<long, byte[]> Sectors { get; }

    /// <summary>How many sectors the overlay holds.</summary>
    public int SectorCount => Sectors.Count;

    /// <summary>
    /// The sectors written since the device's previous capture or restore: the ones whose bytes
    /// this capture is the first to hold (what it costs beyond the capture it follows).
    /// </summary>
    public IReadOnlyList<long> FreshSectors { get; }

    /// <summary>The bytes this overlay holds for <paramref name="lba"/>, or null when it reads from the base (the very array: do not change it).</summary>
    internal byte[]? SectorOrNull(long lba) => Sectors.TryGetValue(lba, out var bytes) ? bytes : null;
}
