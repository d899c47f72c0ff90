using HexEmu.Adapters.Qcow2;
using Microsoft.Win32.SafeHandles;

namespace HexEmu.Host.Img;

/// <summary>Guest bytes of a disk image of any format hexemu reads (qcow2 with its backing chain, or raw).</summary>
public interface IImageReader : IDisposable
{
    string Format { get; }
    long Size { get; }
    void Read(long offset, Span<byte> destination);
}

/// <summary>Opens images read-only for the img commands, with qemu-img's error wording.</summary>
public static class ImageReader
{
    public static readonly string[] Formats = ["qcow2", "raw"];

    /// <summary>The format of <paramref name="path"/>: <paramref name="requested"/> checked against the file, or probed as QEMU does.</summary>
    public static string Resolve(string path, string? requested)
    {
        RequireFile(path);
        if (requested is not null && !Formats.Contains(requested)) throw new ImgException($"Could not open '{path}': Unknown driver '{requested}'");
        var isQcow2 = Qcow2Metadata.IsQcow2(path);
        if (requested == "qcow2" && !isQcow2) throw new ImgException($"Could not open '{path}': Image is not in qcow2 format");
        return requested ?? (isQcow2 ? "qcow2" : "raw");
    }

    public static void RequireFile(string path)
    {
        if (Directory.Exists(path)) throw new ImgException($"Could not open '{path}': Is a directory");
        if (!File.Exists(path)) throw new ImgException($"Could not open '{path}': No such file or directory");
    }

    public static IImageReader Open(string path, string? requested)
    {
        var format = Resolve(path, requested);
        return format == "qcow2" ? new Qcow2Reader(OpenQcow2(path)) : new RawReader(path);
    }

    public static Qcow2Image OpenQcow2(string path)
    {
        try
        {
            return Qcow2Image.Open(path, readOnly: true);
        }
        catch (Qcow2Exception e)
        {
            throw new ImgException($"Could not open '{path}': {WithoutPathPrefix(path, e.Message)}");
        }
    }

    /// <summary>Qcow2 messages start with the image path; ours already name it.</summary>
    public static string WithoutPathPrefix(string path, string message) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;

    private sealed class Qcow2Reader(Qcow2Image image) : IImageReader
    {
        public string Format => "qcow2";
        public long Size => image.Size;
        public void Read(long offset, Span<byte> destination)
        {
            try
            {
                image.ReadGuest(offset, destination);
            }
            catch (Qcow2Exception e)
            {
                throw new ImgException(WithoutPathPrefix(image.Path, e.Message));
            }
        }
        public void Dispose() => image.Dispose();
    }

    private sealed class RawReader : IImageReader
    {
        private readonly SafeFileHandle _handle;

        public RawReader(string path)
        {
            try
            {
                _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (UnauthorizedAccessException)
            {
                throw new ImgException($"Could not open '{path}': Permission denied");
            }
            catch (IOException e)
            {
                throw new ImgException($"Could not open '{path}': {e.Message}");
            }
            // The block layer counts whole sectors: a partial last sector reads zero-padded.
            Size = (RandomAccess.GetLength(_handle) + 511) & ~511L;
        }

        public string Format => "raw";
        public long Size { get; }

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

        public void Dispose() => _handle.Dispose();
    }
}
