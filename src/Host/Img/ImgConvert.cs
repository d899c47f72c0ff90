using HexEmu.Adapters.Qcow2;

namespace HexEmu.Host.Img;

/// <summary>
/// <c>hexemu img convert [-f FMT] [-O qcow2|raw] [-o OPTIONS] SRC DST</c>: copies the guest view of
/// SRC (its whole backing chain flattened) into a new image. Chunks that read as zeros are not
/// written, so they stay unallocated in qcow2 and holes in raw.
/// </summary>
public static class ImgConvert
{
    public static int Run(string[] args)
    {
        var options = ImgArguments.Parse(args, ["f", "O", "o", "B", "F", "l", "s", "S", "t", "T", "m", "r", "object"],
            ["c", "p", "q", "n", "U", "C", "W", "h", "help", "target-is-zero", "salvage"]);
        if (options.Has("c")) throw new ImgException("convert: compressed output (-c) is not supported by hexemu yet");
        if (options.Value("B") is not null) throw new ImgException("convert: a backing file for the output (-B) is not supported by hexemu yet");
        if (options.Value("l") is not null || options.Value("s") is not null)
            throw new ImgException("convert: converting an internal snapshot (-l/-s) is not supported by hexemu yet");
        if (options.Has("n")) throw new ImgException("convert: -n (skip target creation) is not supported by hexemu yet");
        if (options.Positional.Count < 2) throw new ImgException("Must specify image file name", tryHelp: true);
        if (options.Positional.Count > 2) throw new ImgException("convert: several source images are not supported by hexemu yet");
        var (source, target) = (options.Positional[0], options.Positional[1]);
        var outputFormat = options.Value("O") ?? "raw";
        if (!ImageReader.Formats.Contains(outputFormat)) throw new ImgException($"Unknown file format '{outputFormat}'");
        var create = CreateOptions.Parse(options.Values("o"), outputFormat, target);
        if (create.BackingFile is not null) throw new ImgException("convert: a backing file for the output is not supported by hexemu yet");

        using var reader = ImageReader.Open(source, options.Value("f"));
        if (Path.GetFullPath(source) == Path.GetFullPath(target)) throw new ImgException($"convert: the output '{target}' is the source image");
        var chunk = outputFormat == "qcow2" ? create.ClusterSize : 64 * 1024;
        if (outputFormat == "qcow2")
        {
            try
            {
                using var image = Qcow2Image.Create(target, reader.Size, System.Numerics.BitOperations.Log2((uint)create.ClusterSize));
                Copy(reader, chunk, image.Write);
                if (!image.TryFlush()) throw new ImgException($"{target}: {image.LastError}");
            }
            catch (Qcow2Exception e)
            {
                throw new ImgException($"{target}: {ImageReader.WithoutPathPrefix(target, e.Message)}");
            }
        }
        else
        {
            ImgCreate.CreateRaw(target, reader.Size);
            using var handle = File.OpenHandle(target, FileMode.Open, FileAccess.Write);
            Copy(reader, chunk, (offset, data) => RandomAccess.Write(handle, data, offset));
        }
        return 0;
    }

    private delegate void ChunkWriter(long offset, ReadOnlySpan<byte> data);

    private static void Copy(IImageReader reader, int chunk, ChunkWriter write)
    {
        var buffer = new byte[chunk];
        for (var offset = 0L; offset < reader.Size; offset += chunk)
        {
            var piece = buffer.AsSpan(0, (int)Math.Min(chunk, reader.Size - offset));
            reader.Read(offset, piece);
            if (piece.ContainsAnyExcept((byte)0)) write(offset, piece);
        }
    }
}
