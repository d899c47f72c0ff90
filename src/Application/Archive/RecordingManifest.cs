namespace HexEmu.Application.Archive;

/// <summary>What an archived file is, so that a reader knows what it pulls before opening it.</summary>
public enum ArchiveFileKind
{
    /// <summary>A HexEmu replay log; its format version is the one in its header.</summary>
    ReplayLog,
    /// <summary>A qcow2 image; its format version is the qcow2 version (2 or 3).</summary>
    Qcow2,
    /// <summary>Anything else: raw disk images, kernels, modules, serial captures.</summary>
    Other,
}

/// <summary>
/// One archived file: its path in the recording ('/'-separated, relative), size, SHA-256 of the
/// whole file, and the SHA-256 of each <see cref="BlockSize"/>-byte block in order (the last one
/// shorter), so a download can check each block as it arrives, in parallel, instead of hashing the
/// whole file once it is in.
/// </summary>
public sealed record ManifestFile(
    string Path,
    long Size,
    string Sha256,
    ArchiveFileKind Kind,
    int? FormatVersion,
    int BlockSize,
    IReadOnlyList<string> BlockSha256)
{
    /// <summary>How many blocks a file of <paramref name="size"/> bytes has (0 for an empty file).</summary>
    public static int BlockCount(long size, int blockSize) => checked((int)((size + blockSize - 1) / blockSize));
}

/// <summary>
/// The manifest of an archived recording, written last by a push: its presence is what makes a
/// recording complete. Persisted as versioned JSON (<see cref="ManifestJson"/>).
/// </summary>
public sealed record RecordingManifest(int Format, string HexEmuVersion, DateTimeOffset Created, IReadOnlyList<ManifestFile> Files)
{
    /// <summary>The manifest format this code writes and the only one it reads; bump on any change.</summary>
    public const int CurrentFormat = 1;

    public long TotalBytes => Files.Sum(f => f.Size);

    public IEnumerable<ManifestFile> ReplayLogs => Files.Where(f => f.Kind == ArchiveFileKind.ReplayLog);

    public ManifestFile? Find(string relativePath) => Files.FirstOrDefault(f => f.Path == relativePath);

    /// <summary>Same files with the same contents (the creation time and version aside, those too).</summary>
    public bool SameAs(RecordingManifest other) =>
        Format == other.Format && HexEmuVersion == other.HexEmuVersion && Created == other.Created &&
        Files.Count == other.Files.Count &&
        Files.Zip(other.Files).All(p => p.First.Path == p.Second.Path && p.First.Size == p.Second.Size &&
                                        p.First.Sha256 == p.Second.Sha256 && p.First.Kind == p.Second.Kind &&
                                        p.First.FormatVersion == p.Second.FormatVersion && p.First.BlockSize == p.Second.BlockSize &&
                                        p.First.BlockSha256.SequenceEqual(p.Second.BlockSha256));
}
