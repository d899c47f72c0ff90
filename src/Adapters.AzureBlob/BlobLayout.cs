using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Where things live in the container, and the blob metadata that describes them:
/// <list type="bullet">
/// <item><c>snapshot-store</c>: an empty marker blob whose metadata holds the store's format and
/// the next snapshot id (updated under an ETag condition, so ids are never handed out twice).</item>
/// <item><c>snapshots/{id}</c>: one block blob per VM snapshot, its metadata the listing
/// (name, icount, clock, date, size) plus the SHA-256 of the state (and, for states of several
/// blocks, of its blocks' digests), so one List Blobs call lists every snapshot and a download
/// can be verified.</item>
/// <item><c>checkpoints/{sha256(recording)}/{icount:D20}</c>: one block blob per checkpoint;
/// zero-padded icounts make the service's name order the icount order.</item>
/// </list>
/// </summary>
internal static class BlobLayout
{
    /// <summary>The format this code writes and the only one it reads; bump on any change of layout or metadata.</summary>
    public const int Format = 1;

    public const string MarkerBlob = "snapshot-store";
    public const string SnapshotPrefix = "snapshots/";
    public const string CheckpointPrefix = "checkpoints/";

    // Metadata keys are lower case: the service treats them case-insensitively and may return them so.
    public const string FormatKey = "hexemuformat";
    public const string NextIdKey = "nextid";
    public const string NameKey = "name";
    public const string IcountKey = "icount";
    public const string ClockKey = "vmclockns";
    public const string DateKey = "date";
    public const string SizeKey = "size";
    public const string Sha256Key = "sha256";
    /// <summary>
    /// Written beside <see cref="Sha256Key"/> for states of more than one block: the SHA-256 of the
    /// concatenated SHA-256 digests of the <see cref="BlobTransfer.BlockSize"/> blocks, in order.
    /// Each block's digest can be computed as the block arrives, on whichever core fetched it, so a
    /// reader checks this one when it is there (the whole-state hash needs one core for all of it).
    /// Optional, so format 1 readers that predate it still check the whole-state hash.
    /// </summary>
    public const string BlockListSha256Key = "blocklistsha256";

    /// <summary>qcow2's limit, so a snapshot can move between stores; escaped it still fits the service's 8 KiB of metadata.</summary>
    public const int MaxNameLength = 1024;

    public static string SnapshotBlob(long id) => SnapshotPrefix + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Recording identities are arbitrary strings; a hash makes them a fixed, safe path segment.</summary>
    public static string CheckpointFolder(string recording) =>
        CheckpointPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recording))) + "/";

    public static string CheckpointBlob(string recording, long icount) =>
        CheckpointFolder(recording) + icount.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>The icount a checkpoint blob's name ends with, or null for a name this store did not write.</summary>
    public static long? CheckpointIcount(string blobName)
    {
        var last = blobName[(blobName.LastIndexOf('/') + 1)..];
        return last.Length == 20 && long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long icount) ? icount : null;
    }

    /// <summary>Metadata values must be ASCII; names may be any text.</summary>
    public static string EncodeName(string name) => Uri.EscapeDataString(name);

    public static string DecodeName(string encoded) => Uri.UnescapeDataString(encoded);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset date) => date.ToString("o", CultureInfo.InvariantCulture);

    public static bool TryParseNumber(string? text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseDate(string? text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(text, "o", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Looks a key up without relying on the case the service returned it in.</summary>
    public static string? Get(IDictionary<string, string> metadata, string key)
    {
        if (metadata.TryGetValue(key, out var value)) return value;
        foreach (var (k, v) in metadata)
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    /// <summary>Null when the metadata carries this code's format; otherwise why it is refused.</summary>
    public static string? FormatProblem(IDictionary<string, string> metadata)
    {
        var format = Get(metadata, FormatKey);
        if (format is null) return "has no format version (not written by HexEmu?)";
        if (format == Number(Format)) return null;
        return $"has format {Truncate(format)}, and this HexEmu reads format {Format} only";
    }

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
