namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Where an archived recording lives in the container, beside the snapshot store's blobs:
/// <list type="bullet">
/// <item><c>recordings/NAME/files/RELPATH</c>: one block blob per file (metadata: its SHA-256).</item>
/// <item><c>recordings/NAME/manifest.json</c>: the manifest, written last; its metadata repeats
/// what <c>archive list</c> shows (format, files, bytes, created) so one listing call lists every
/// recording. A name with files but no manifest is an interrupted push.</item>
/// </list>
/// </summary>
internal static class ArchiveLayout
{
    public const string Prefix = "recordings/";
    public const string ManifestName = "manifest.json";

    public const string FilesKey = "files";
    public const string BytesKey = "bytes";
    public const string CreatedKey = "created";

    public static string Folder(string name) => $"{Prefix}{name}/";

    public static string ManifestBlob(string name) => Folder(name) + ManifestName;

    public static string FileBlob(string name, string relativePath) => $"{Folder(name)}files/{relativePath}";

    /// <summary>The recording a manifest blob belongs to, or null for any other blob.</summary>
    public static string? NameOfManifest(string blobName)
    {
        if (!blobName.StartsWith(Prefix, StringComparison.Ordinal) || !blobName.EndsWith("/" + ManifestName, StringComparison.Ordinal)) return null;
        string name = blobName[Prefix.Length..^(ManifestName.Length + 1)];
        return name.Length > 0 && !name.Contains('/') ? name : null;
    }
}
