namespace HexEmu.Domain.Storage;

/// <summary>A disk held in a byte array: for tests and small images. Its bytes are <see cref="Contents"/>.</summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly byte[] _contents;

    /// <summary>A zero-filled disk of <paramref name="sectorCount"/> sectors.</summary>
    public MemoryBlockDevice(long sectorCount, bool readOnly = false)
        : this(new byte[checked(sectorCount * IBlockDevice.SectorSize)], readOnly)
    {
    }

    /// <summary>A disk over <paramref name="contents"/> (whole sectors), used in place, not copied.</summary>
    public MemoryBlockDevice(byte[] contents, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(contents);
        if (contents.Length % IBlockDevice.SectorSize != 0)
            throw new ArgumentException($"a disk is whole {IBlockDevice.SectorSize}-byte sectors, not {contents.Length} bytes", nameof(contents));
        _contents = contents;
        IsReadOnly = readOnly;
    }

    public long SectorCount => _contents.Length / IBlockDevice.SectorSize;
    public bool IsReadOnly { get; }

    /// <summary>The disk's bytes, sector 0 first.</summary>
    public Span<byte> Contents => _contents;

    /// <summary>How many times <see cref="TryFlush"/> was called.</summary>
    public int Flushes { get; private set; }

    public bool TryRead(long lba, Span<byte> destination)
    {
        if (!InRange(lba, destination.Length)) return false;
        _contents.AsSpan((int)(lba * IBlockDevice.SectorSize), destination.Length).CopyTo(destination);
        return true;
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly || !InRange(lba, source.Length)) return false;
        source.CopyTo(_contents.AsSpan((int)(lba * IBlockDevice.SectorSize)));
        return true;
    }

    public bool TryFlush()
    {
        Flushes++;
        return true;
    }

    private bool InRange(long lba, int length) =>
        length % IBlockDevice.SectorSize == 0 && lba >= 0 && lba <= SectorCount - length / IBlockDevice.SectorSize;
}
