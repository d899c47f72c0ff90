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
/// </summary>
public sealed class CopyOnWriteBlockDevice : IBlockDevice
{
    private const int SectorSize = IBlockDevice.SectorSize;

    private readonly IBlockDevice _base;
    // Written sectors by LBA. A sector at a time: guests write little, and a map per sector
    // makes partial overlaps of reads and earlier writes trivial.
    private readonly Dictionary<long, byte[]> _written = [];

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
        int sectors = destination.Length / SectorSize;
        int k = 0;
        while (k < sectors)
        {
            if (_written.TryGetValue(lba + k, out byte[]? sector))
            {
                sector.CopyTo(destination.Slice(k * SectorSize, SectorSize));
                k++;
                continue;
            }
            // A run of sectors the guest never wrote: one read from the base.
            int run = 1;
            while (k + run < sectors && !_written.ContainsKey(lba + k + run)) run++;
            if (!_base.TryRead(lba + k, destination.Slice(k * SectorSize, run * SectorSize))) return false;
            k += run;
        }
        return true;
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly || !InRange(lba, source.Length)) return false;
        for (int k = 0; k < source.Length / SectorSize; k++)
        {
            if (!_written.TryGetValue(lba + k, out byte[]? sector))
                _written[lba + k] = sector = new byte[SectorSize];
            source.Slice(k * SectorSize, SectorSize).CopyTo(sector);
        }
        return true;
    }

    /// <summary>Nothing to make durable: the overlay is meant to vanish, and the base is never written.</summary>
    public bool TryFlush() => true;

    private bool InRange(long lba, int length) =>
        length % SectorSize == 0 && lba >= 0 && lba <= SectorCount - length / SectorSize;
}
