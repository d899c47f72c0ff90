using HexEmu.Domain.Storage;
using Microsoft.Win32.SafeHandles;

namespace HexEmu.Host.Storage;

/// <summary>
/// A raw disk image file (<c>format=raw</c>) as a block device: sector n is bytes
/// n × 512 … n × 512 + 511 of the file, read and written in place with positional I/O.
/// <list type="bullet">
/// <item>A size that is not a multiple of 512 counts its last, partial sector as a whole one that
/// reads zero-padded; writing it extends the file to the full sector (QEMU's raw driver does both).</item>
/// <item>Read-only images are opened for reading only, so a write cannot reach them.</item>
/// <item>Host I/O failures come back as <c>false</c>, which the disk controller reports to the guest;
/// nothing is thrown after the image is open.</item>
/// <item>Other processes may read the image but not open it for writing too (where the host OS
/// enforces sharing modes).</item>
/// </list>
/// </summary>
public sealed class RawImageBlockDevice : IBlockDevice, IDisposable
{
    private const int SectorSize = IBlockDevice.SectorSize;

    private readonly SafeFileHandle _file;

    /// <summary>Opens <paramref name="path"/>; throws <see cref="DiskImageException"/> with a one-line reason if it cannot.</summary>
    public RawImageBlockDevice(string path, bool readOnly)
    {
        Path = path;
        IsReadOnly = readOnly;
        long fileLength;
        if (Directory.Exists(path))
            throw new DiskImageException(path, "is a directory");
        try
        {
            _file = File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite,
                FileShare.Read, FileOptions.RandomAccess);
            fileLength = RandomAccess.GetLength(_file);
        }
        catch (FileNotFoundException e) { throw new DiskImageException(path, "No such file or directory", e); }
        catch (DirectoryNotFoundException e) { throw new DiskImageException(path, "No such file or directory", e); }
        catch (UnauthorizedAccessException e) { throw new DiskImageException(path, "Permission denied", e); }
        catch (IOException e) { throw new DiskImageException(path, e.Message, e); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { throw new DiskImageException(path, "not a valid file name", e); }
        SectorCount = (fileLength + SectorSize - 1) / SectorSize;
    }

    public string Path { get; }
    public long SectorCount { get; }
    public bool IsReadOnly { get; }

    public bool TryRead(long lba, Span<byte> destination)
    {
        if (!InRange(lba, destination.Length)) return false;
        try
        {
            long offset = lba * SectorSize;
            int total = 0;
            // Positional reads may return short counts; past the end of the file there is only padding.
            while (total < destination.Length)
            {
                int n = RandomAccess.Read(_file, destination[total..], offset + total);
                if (n == 0) break;
                total += n;
            }
            destination[total..].Clear();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly || !InRange(lba, source.Length)) return false;
        try
        {
            RandomAccess.Write(_file, source, lba * SectorSize);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    public bool TryFlush()
    {
        if (IsReadOnly) return true;
        try
        {
            RandomAccess.FlushToDisk(_file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _file.Dispose();

    private bool InRange(long lba, int length) =>
        length % SectorSize == 0 && lba >= 0 && lba <= SectorCount - length / SectorSize;
}
