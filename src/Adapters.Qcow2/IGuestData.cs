namespace HexEmu.Adapters.Qcow2;

/// <summary>Guest-visible bytes of a disk image: what a qcow2 image falls back to through its backing file.</summary>
internal interface IGuestData : IDisposable
{
    /// <summary>Virtual size in bytes; reads past it see zeros.</summary>
    long Size { get; }

    /// <summary>Path of the file, as opened (used for loop detection and messages).</summary>
    string Path { get; }

    /// <summary>Fills <paramref name="destination"/> with guest bytes from <paramref name="offset"/>; zeros past <see cref="Size"/>.</summary>
    void ReadGuest(long offset, Span<byte> destination);
}

/// <summary>A raw image used as a backing file: guest bytes are file bytes.</summary>
internal sealed class RawGuestData(string path) : IGuestData
{
    private readonly ImageFile _file = new(path, writable: false);

    public long Size => _file.Length;
    public string Path => path;

    public void ReadGuest(long offset, Span<byte> destination)
    {
        var inside = (int)Math.Clamp(Size - offset, 0, destination.Length);
        _file.Read(offset, destination[..inside]);
        destination[inside..].Clear();
    }

    public void Dispose() => _file.Dispose();
}
