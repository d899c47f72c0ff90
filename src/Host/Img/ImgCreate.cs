using HexEmu.Adapters.Qcow2;

namespace HexEmu.Host.Img;

/// <summary><c>hexemu img create -f qcow2|raw [-o OPTIONS] [-b BACKING -F FMT] FILE [SIZE]</c>, announced like qemu-img.</summary>
public static class ImgCreate
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var options = ImgArguments.Parse(args, ["f", "o", "b", "F", "object"], ["q", "u", "h", "help"]);
        var format = options.Value("f") ?? "raw";
        if (options.Positional.Count < 1) throw new ImgException("Expecting image file name", tryHelp: true);
        if (options.Positional.Count > 2) throw new ImgException("Unexpected argument: " + options.Positional[2], tryHelp: true);
        var path = options.Positional[0];
        if (!ImageReader.Formats.Contains(format)) throw new ImgException($"{path}: Unknown file format '{format}'");
        var create = CreateOptions.Parse(options.Values("o"), format, path);
        long? size = create.Size;
        if (options.Positional.Count == 2) size = ImgSizes.Parse(options.Positional[1]) ?? throw CreateOptions.InvalidSize();

        var backing = options.Value("b") ?? create.BackingFile;
        var backingFormat = options.Value("F") ?? create.BackingFormat;
        if (backing is not null && format != "qcow2") throw new ImgException($"{path}: Backing file not supported for file format '{format}'");
        if (backing is not null)
        {
            var resolved = ResolveBacking(path, backing);
            if (!File.Exists(resolved)) throw new ImgException($"{path}: Could not open '{resolved}': No such file or directory");
            if (backingFormat is null)
                throw new ImgException($"{path}: Backing file specified without backing format (detected format of {ImageReader.Resolve(resolved, null)}; give -F)");
            using var backingImage = ImageReader.Open(resolved, backingFormat);
            size ??= backingImage.Size;
        }
        if (size is not { } bytes) throw new ImgException($"{path}: Image creation needs a size parameter");
        if (!options.Has("q")) stdout.WriteLine(Announcement(path, format, bytes, create.ClusterSize, backing, backingFormat));

        if (format == "raw") CreateRaw(path, bytes);
        else
        {
            try
            {
                using var image = Qcow2Image.Create(path, bytes, System.Numerics.BitOperations.Log2((uint)create.ClusterSize), backing, backingFormat);
            }
            catch (Qcow2Exception e)
            {
                throw new ImgException($"{path}: {ImageReader.WithoutPathPrefix(path, e.Message)}");
            }
        }
        return 0;
    }

    /// <summary>qemu-img's "Formatting …" line, listing the options in its order.</summary>
    public static string Announcement(string path, string format, long size, int clusterSize, string? backing, string? backingFormat)
    {
        if (format == "raw") return $"Formatting '{path}', fmt=raw size={size}";
        var backingPart = backing is null ? "" : $" backing_file={backing}" + (backingFormat is null ? "" : $" backing_fmt={backingFormat}");
        return $"Formatting '{path}', fmt=qcow2 cluster_size={clusterSize} extended_l2=off compression_type=zlib size={size}{backingPart} lazy_refcounts=off refcount_bits=16";
    }

    /// <summary>A relative backing name is relative to the new image's directory.</summary>
    public static string ResolveBacking(string imagePath, string backing)
    {
        if (Path.IsPathRooted(backing)) return backing;
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(imagePath)) ?? ".", backing);
    }

    /// <summary>A sparse file of the size rounded up to whole sectors, as the block layer sees it.</summary>
    public static void CreateRaw(string path, long size)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            file.SetLength((size + 511) & ~511L);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImgException($"{path}: Could not create '{path}': {e.Message}");
        }
    }
}
