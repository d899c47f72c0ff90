using System.Globalization;
using System.Text.Json;

namespace HexEmu.Application.Archive;

/// <summary>
/// A <see cref="RecordingManifest"/> as JSON, written and read field by field (no reflection, so
/// it works under Native AOT, and every malformed field is named in the error):
/// <code>
/// { "format": 1, "hexemu": "0.1.0", "created": "2026-11-26T10:30:15.0000000+00:00",
///   "files": [ { "path": "recording.rr", "size": 1234, "sha256": "…", "kind": "replay-log",
///                "formatVersion": 1213747713, "blockSize": 8388608, "blockSha256": ["…"] } ] }
/// </code>
/// </summary>
public static class ManifestJson
{
    public static byte[] Write(RecordingManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", manifest.Format);
            json.WriteString("hexemu", manifest.HexEmuVersion);
            json.WriteString("created", manifest.Created.ToString("o", CultureInfo.InvariantCulture));
            json.WriteStartArray("files");
            foreach (var f in manifest.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", f.Path);
                json.WriteNumber("size", f.Size);
                json.WriteString("sha256", f.Sha256);
                json.WriteString("kind", KindName(f.Kind));
                if (f.FormatVersion is { } version) json.WriteNumber("formatVersion", version);
                json.WriteNumber("blockSize", f.BlockSize);
                json.WriteStartArray("blockSha256");
                foreach (var block in f.BlockSha256) json.WriteStringValue(block);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The manifest in <paramref name="utf8"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static RecordingManifest Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException($"the manifest is not valid JSON (line {e.LineNumber + 1})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the manifest is not a JSON object");
            int format = Int(root, "format", "the manifest");
            if (format != RecordingManifest.CurrentFormat)
                throw new FormatException($"the manifest has format {format}, and this HexEmu reads format {RecordingManifest.CurrentFormat} only");
            string version = String(root, "hexemu", "the manifest");
            if (!DateTimeOffset.TryParseExact(String(root, "created", "the manifest"), "o", CultureInfo.InvariantCulture, DateTimeStyles.None, out var created))
                throw new FormatException("the manifest's 'created' is not a date");
            if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
                throw new FormatException("the manifest has no 'files' array");
            var list = new List<ManifestFile>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files.EnumerateArray())
            {
                var parsed = File(file, list.Count + 1);
                if (!seen.Add(parsed.Path)) throw new FormatException($"the manifest lists '{parsed.Path}' twice");
                list.Add(parsed);
            }
            return new RecordingManifest(format, version, created, list);
        }
    }

    public static string KindName(ArchiveFileKind kind) => kind switch
    {
        ArchiveFileKind.ReplayLog => "replay-log",
        ArchiveFileKind.Qcow2 => "qcow2",
        _ => "other",
    };

    private static ManifestFile File(JsonElement file, int number)
    {
        string where = $"file {number} of the manifest";
        if (file.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} is not an object");
        string path = String(file, "path", where);
        if (ArchiveNames.PathProblem(path) is { } problem) throw new FormatException($"{where}: {problem}");
        where = $"'{path}' in the manifest";
        long size = file.TryGetProperty("size", out var s) && s.TryGetInt64(out long n) && n >= 0 ? n : throw new FormatException($"{where} has no valid 'size'");
        string sha256 = Hash(String(file, "sha256", where), where);
        var kind = String(file, "kind", where) switch
        {
            "replay-log" => ArchiveFileKind.ReplayLog,
            "qcow2" => ArchiveFileKind.Qcow2,
            "other" => ArchiveFileKind.Other,
            var other => throw new FormatException($"{where} has an unknown kind '{other}'"),
        };
        int? formatVersion = file.TryGetProperty("formatVersion", out var v) ? (v.TryGetInt32(out int fv) ? fv : throw new FormatException($"{where} has an invalid 'formatVersion'")) : null;
        int blockSize = Int(file, "blockSize", where);
        if (blockSize <= 0) throw new FormatException($"{where} has an invalid 'blockSize'");
        if (!file.TryGetProperty("blockSha256", out var blocks) || blocks.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{where} has no 'blockSha256' array");
        var blockHashes = blocks.EnumerateArray()
            .Select(b => b.ValueKind == JsonValueKind.String ? Hash(b.GetString()!, where) : throw new FormatException($"{where} has a block hash that is not a string"))
            .ToList();
        if (blockHashes.Count != ManifestFile.BlockCount(size, blockSize))
            throw new FormatException($"{where} lists {blockHashes.Count} block hashes for {ManifestFile.BlockCount(size, blockSize)} blocks");
        return new ManifestFile(path, size, sha256, kind, formatVersion, blockSize, blockHashes);
    }

    private static string String(JsonElement element, string key, string where) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{where} has no '{key}' string");

    private static int Int(JsonElement element, string key, string where) =>
        element.TryGetProperty(key, out var value) && value.TryGetInt32(out int n)
            ? n
            : throw new FormatException($"{where} has no '{key}' number");

    private static string Hash(string text, string where) =>
        text.Length == 64 && text.All(char.IsAsciiHexDigitLower) ? text : throw new FormatException($"{where} has a SHA-256 that is not 64 lower-case hex digits");
}
