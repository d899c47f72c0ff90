using System.Globalization;

namespace HexEmu.Host.Img;

/// <summary>
/// <c>hexemu img check [-f FMT] FILE</c>: qemu-img's report and exit codes (0 clean, 2 corruption,
/// 3 leaked clusters only, 63 for a format without checks, 1 when the check itself failed).
/// </summary>
public static class ImgCheck
{
    public const int Clean = 0;
    public const int Corrupted = 2;
    public const int Leaked = 3;
    public const int NotSupported = 63;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = ImgArguments.Parse(args, ["f", "output", "r", "T", "object"], ["q", "U", "image-opts", "h", "help"]);
        var output = options.Value("output") ?? "human";
        if (output is not ("human" or "json")) throw new ImgException("--output must be used with human or json as argument.");
        if (options.Value("r") is not null) throw new ImgException("repairing (-r) is not supported by hexemu yet; open the image for writing in hexemu to repair a dirty image");
        if (options.Positional.Count != 1) throw new ImgException("Expecting one image file name", tryHelp: true);
        var path = options.Positional[0];
        if (ImageReader.Resolve(path, options.Value("f")) != "qcow2")
        {
            stderr.WriteLine($"{ImgTool.Prefix}This image format does not support checks");
            return NotSupported;
        }
        CheckResult result;
        try
        {
            result = new Qcow2Checker(path, stderr).Run();
        }
        catch (ImgException e)
        {
            throw new ImgException($"Could not open '{path}': {e.Message}");
        }
        stdout.Write(output == "json" ? Json(result, path) : Summary(result));
        return result.CheckErrors > 0 ? 1 : result.Corruptions > 0 ? Corrupted : result.Leaks > 0 ? Leaked : Clean;
    }

    /// <summary>qemu-img's JSON report: counters that are zero are left out, keys in qemu-img's order.</summary>
    public static string Json(CheckResult r, string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions
        {
            Indented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            void Optional(string key, long value)
            {
                if (value != 0) json.WriteNumber(key, value);
            }
            json.WriteStartObject();
            Optional("image-end-offset", r.ImageEndOffset);
            Optional("compressed-clusters", r.CompressedClusters);
            Optional("total-clusters", r.TotalClusters);
            Optional("corruptions", r.Corruptions);
            json.WriteNumber("check-errors", r.CheckErrors);
            Optional("leaks", r.Leaks);
            Optional("allocated-clusters", r.AllocatedClusters);
            json.WriteString("filename", path);
            json.WriteString("format", "qcow2");
            Optional("fragmented-clusters", r.FragmentedClusters);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string Summary(CheckResult r)
    {
        var text = new System.Text.StringBuilder();
        if (r.Corruptions == 0 && r.Leaks == 0 && r.CheckErrors == 0) text.Append("No errors were found on the image.\n");
        else
        {
            if (r.Corruptions > 0)
                text.Append($"\n{r.Corruptions} errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n");
            if (r.Leaks > 0)
                text.Append($"\n{r.Leaks} leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n");
            if (r.CheckErrors > 0) text.Append($"\n{r.CheckErrors} internal errors have occurred during the check.\n");
        }
        if (r.TotalClusters != 0 && r.AllocatedClusters != 0)
        {
            string Percent(long part, long whole) => (part * 100.0 / whole).ToString("F2", CultureInfo.InvariantCulture);
            text.Append($"{r.AllocatedClusters}/{r.TotalClusters} = {Percent(r.AllocatedClusters, r.TotalClusters)}% allocated, " +
                $"{Percent(r.FragmentedClusters, r.AllocatedClusters)}% fragmented, {Percent(r.CompressedClusters, r.AllocatedClusters)}% compressed clusters\n");
        }
        if (r.ImageEndOffset > 0) text.Append($"Image end offset: {r.ImageEndOffset}\n");
        return text.ToString();
    }
}
