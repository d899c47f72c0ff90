namespace HexEmu.Host.Img;

/// <summary>
/// The "-o key=value,…" creation options hexemu understands. Values hexemu cannot produce (another
/// compat level, lazy refcounts, other refcount widths, extended L2, zstd, preallocation) are refused
/// by name rather than silently ignored.
/// </summary>
public sealed class CreateOptions
{
    public long? Size { get; private set; }
    public int ClusterSize { get; private set; } = 65536;
    public string? BackingFile { get; private set; }
    public string? BackingFormat { get; private set; }

    private static readonly Dictionary<string, string[]> OnlyValue = new()
    {
        ["compat"] = ["1.1", "v3"],
        ["lazy_refcounts"] = ["off"],
        ["refcount_bits"] = ["16"],
        ["extended_l2"] = ["off"],
        ["compression_type"] = ["zlib"],
        ["preallocation"] = ["off"],
        ["encryption"] = ["off"],
    };

    public static CreateOptions Parse(IEnumerable<string> optionLists, string format, string path)
    {
        var options = new CreateOptions();
        foreach (var list in optionLists)
            foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = item.IndexOf('=');
                var key = eq < 0 ? item : item[..eq];
                var value = eq < 0 ? "on" : item[(eq + 1)..];
                options.Set(key, value, format, path);
            }
        return options;
    }

    private void Set(string key, string value, string format, string path)
    {
        var qcow2 = format == "qcow2";
        switch (key)
        {
            case "size":
                Size = ImgSizes.Parse(value) ?? throw InvalidSize();
                return;
            case "cluster_size" when qcow2:
                var size = ImgSizes.Parse(value);
                if (size is not { } cs || cs < 512 || cs > 2 * 1024 * 1024 || (cs & (cs - 1)) != 0)
                    throw new ImgException($"{path}: Cluster size must be a power of two between 512 and 2048k");
                ClusterSize = (int)cs;
                return;
            case "backing_file" when qcow2:
                BackingFile = value;
                return;
            case "backing_fmt" when qcow2:
                BackingFormat = value;
                return;
            case "preallocation":
            case var _ when qcow2 && OnlyValue.ContainsKey(key):
                if (!OnlyValue[key].Contains(value))
                    throw new ImgException($"{path}: {key}={value} is not supported by hexemu (it creates {key}={OnlyValue[key][0]} images)");
                return;
            default:
                throw new ImgException($"{path}: Invalid parameter '{key}'");
        }
    }

    public static ImgException InvalidSize() => new(
        "Invalid image size specified. You may use k, M, G, T, P or E suffixes for kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
}
