using System.Text;
using System.Text.Json;

namespace HexEmu.Host.Img;

/// <summary><c>hexemu img info [--output=human|json] [-f FMT] FILE</c>, printed like qemu-img 7.2.</summary>
public static class ImgInfo
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var options = ImgArguments.Parse(args, ["f", "output", "object", "T"], ["U", "backing-chain", "image-opts", "h", "help"]);
        var output = options.Value("output") ?? "human";
        if (output is not ("human" or "json")) throw new ImgException("--output must be used with human or json as argument.");
        if (options.Positional.Count != 1) throw new ImgException("Expecting one image file name", tryHelp: true);
        var path = options.Positional[0];
        var chain = new List<Facts> { Collect(path, ImageReader.Resolve(path, options.Value("f"))) };
        if (options.Has("backing-chain"))
            while (chain[^1].BackingFile is { } backing)
            {
                // Opening the first image already proved the chain opens and has no loops.
                var next = FullBackingName(chain[^1].Path, backing);
                chain.Add(Collect(next, ImageReader.Resolve(next, chain[^1].BackingFormat)));
            }
        if (output == "human") stdout.Write(string.Join("\n", chain.Select(Human)));
        else if (options.Has("backing-chain")) stdout.Write(Json(json =>
        {
            json.WriteStartArray();
            foreach (var facts in chain) WriteJson(json, facts);
            json.WriteEndArray();
        }));
        else stdout.Write(Json(json => WriteJson(json, chain[0])));
        return 0;
    }

    private sealed record Facts(string Path, string Format, long VirtualSize, long ActualSize, Qcow2Metadata? Qcow2,
        string? BackingFile, string? BackingFormat);

    private static Facts Collect(string path, string format)
    {
        if (format == "raw")
        {
            using var raw = ImageReader.Open(path, "raw");
            return new Facts(path, "raw", raw.Size, DiskUsage.Of(path), null, null, null);
        }
        // Opening through the qcow2 image validates the header and the backing chain as QEMU's open does.
        using var image = ImageReader.OpenQcow2(path);
        Qcow2Metadata metadata;
        try { metadata = Qcow2Metadata.Read(path); }
        catch (ImgException e) { throw new ImgException($"Could not open '{path}': {e.Message}"); }
        return new Facts(path, "qcow2", image.Size, DiskUsage.Of(path), metadata, image.BackingFile, image.BackingFormat);
    }

    /// <summary>qemu's path_combine: a relative backing name is taken from the directory of the image name as given.</summary>
    private static string FullBackingName(string imagePath, string backing)
    {
        if (Path.IsPathRooted(backing)) return backing;
        var slash = imagePath.LastIndexOf('/');
        return slash < 0 ? backing : imagePath[..(slash + 1)] + backing;
    }

    private static string Human(Facts f)
    {
        var text = new StringBuilder();
        text.Append($"image: {f.Path}\n");
        text.Append($"file format: {f.Format}\n");
        text.Append($"virtual size: {ImgSizes.Human(f.VirtualSize)} ({f.VirtualSize} bytes)\n");
        text.Append($"disk size: {ImgSizes.Human(f.ActualSize)}\n");
        if (f.Qcow2 is not { } q) return text.ToString();
        text.Append($"cluster_size: {q.ClusterSize}\n");
        if (q.IsDirty) text.Append("cleanly shut down: no\n");
        if (f.BackingFile is { } backing)
        {
            var full = FullBackingName(f.Path, backing);
            text.Append(full == backing ? $"backing file: {backing}\n" : $"backing file: {backing} (actual path: {full})\n");
            if (f.BackingFormat is { } backingFormat) text.Append($"backing file format: {backingFormat}\n");
        }
        if (q.Snapshots.Count > 0)
        {
            text.Append("Snapshot list:\n");
            SnapshotTable.Write(text, q.Snapshots);
        }
        text.Append("Format specific information:\n");
        text.Append($"    compat: {Compat(q)}\n");
        text.Append($"    compression type: {Compression(q)}\n");
        if (q.Version >= 3) text.Append($"    lazy refcounts: {Bool(q.HasLazyRefcounts)}\n");
        if (q.BitmapDirectory.Count > 0)
        {
            text.Append("    bitmaps:\n");
            for (var i = 0; i < q.BitmapDirectory.Count; i++)
            {
                var bitmap = q.BitmapDirectory[i];
                text.Append($"        [{i}]:\n            flags:\n");
                var flags = BitmapFlags(bitmap);
                for (var k = 0; k < flags.Count; k++) text.Append($"                [{k}]: {flags[k]}\n");
                text.Append($"            name: {bitmap.Name}\n            granularity: {1L << bitmap.GranularityBits}\n");
            }
        }
        text.Append($"    refcount bits: {q.RefcountBits}\n");
        if (q.Version >= 3)
        {
            text.Append($"    corrupt: {Bool(q.IsCorrupt)}\n");
            text.Append($"    extended l2: {Bool(q.HasExtendedL2)}\n");
        }
        return text.ToString();
    }

    private static List<string> BitmapFlags(BitmapInfo bitmap)
    {
        var flags = new List<string>();
        if (bitmap.InUse) flags.Add("in-use");
        if (bitmap.Auto) flags.Add("auto");
        return flags;
    }

    private static string Compat(Qcow2Metadata q) => q.Version >= 3 ? "1.1" : "0.10";
    private static string Compression(Qcow2Metadata q) => q.CompressionType == 1 ? "zstd" : "zlib";
    private static string Bool(bool value) => value ? "true" : "false";

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    /// <summary>The keys qemu-img writes, in its order, indented by four spaces like its JSON printer.</summary>
    private static void WriteJson(Utf8JsonWriter json, Facts f)
    {
        json.WriteStartObject();
        if (f.Qcow2 is { Snapshots.Count: > 0 } withSnapshots)
        {
            json.WriteStartArray("snapshots");
            foreach (var s in withSnapshots.Snapshots) SnapshotTable.WriteJson(json, s);
            json.WriteEndArray();
        }
        if (f.BackingFormat is { } backingFormat) json.WriteString("backing-filename-format", backingFormat);
        json.WriteNumber("virtual-size", f.VirtualSize);
        json.WriteString("filename", f.Path);
        if (f.Qcow2 is { } q) json.WriteNumber("cluster-size", q.ClusterSize);
        json.WriteString("format", f.Format);
        json.WriteNumber("actual-size", f.ActualSize);
        if (f.Qcow2 is { } qcow2)
        {
            json.WriteStartObject("format-specific");
            json.WriteString("type", "qcow2");
            json.WriteStartObject("data");
            json.WriteString("compat", Compat(qcow2));
            json.WriteString("compression-type", Compression(qcow2));
            if (qcow2.Version >= 3) json.WriteBoolean("lazy-refcounts", qcow2.HasLazyRefcounts);
            if (qcow2.BitmapDirectory.Count > 0)
            {
                json.WriteStartArray("bitmaps");
                foreach (var bitmap in qcow2.BitmapDirectory)
                {
                    json.WriteStartObject();
                    var flags = BitmapFlags(bitmap);
                    json.WritePropertyName("flags");
                    // qemu's printer puts an empty list's brackets on two lines.
                    if (flags.Count == 0) json.WriteRawValue("[\n" + new string(' ', json.CurrentDepth * 4) + "]", skipInputValidation: true);
                    else
                    {
                        json.WriteStartArray();
                        foreach (var flag in flags) json.WriteStringValue(flag);
                        json.WriteEndArray();
                    }
                    json.WriteString("name", bitmap.Name);
                    json.WriteNumber("granularity", 1L << bitmap.GranularityBits);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteNumber("refcount-bits", qcow2.RefcountBits);
            if (qcow2.Version >= 3)
            {
                json.WriteBoolean("corrupt", qcow2.IsCorrupt);
                json.WriteBoolean("extended-l2", qcow2.HasExtendedL2);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        if (f.BackingFile is { } backing)
        {
            json.WriteString("full-backing-filename", FullBackingName(f.Path, backing));
            json.WriteString("backing-filename", backing);
        }
        json.WriteBoolean("dirty-flag", f.Qcow2?.IsDirty ?? false);
        json.WriteEndObject();
    }
}
