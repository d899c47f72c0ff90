using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace HexEmu.Adapters.Qcow2;

/// <summary>Positional reads and writes on one host file; reads past the end see zeros, as a sparse file would.</summary>
internal sealed class ImageFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    public ImageFile(string path, bool writable)
    {
        Path = path;
        try
        {
            _handle = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                writable ? FileShare.Read : FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Qcow2Exception($"{path}: cannot open: {e.Message}");
        }
        Length = RandomAccess.GetLength(_handle);
    }

    public string Path { get; }

    /// <summary>Current length of the file in bytes, including our own appends.</summary>
    public long Length { get; private set; }

    public void Read(long offset, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var n = RandomAccess.Read(_handle, destination[done..], offset + done);
            if (n <= 0) break;
            done += n;
        }
        destination[done..].Clear();
    }

    /// <summary>Called before every write with its offset; tests use it to simulate the process dying at that point.</summary>
    internal Action<long>? BeforeWrite { get; set; }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BeforeWrite?.Invoke(offset);
        RandomAccess.Write(_handle, source, offset);
        Length = Math.Max(Length, offset + source.Length);
    }

    public void WriteUInt64(long offset, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        Write(offset, b);
    }

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
