using HexEmu.Application.Archive;

namespace HexEmu.Application.Ports;

/// <summary>
/// Whole recordings (replay log, images, snapshots) kept under a name in remote storage, so that
/// they can be replayed on another machine (issue 7). A push uploads every file and then, last,
/// the <see cref="RecordingManifest"/>: a name without a manifest is an interrupted push, never
/// listed and never pulled. Errors are <see cref="RecordingArchiveException"/>s with a one-line
/// message that never holds a secret.
/// </summary>
public interface IRecordingArchive
{
    /// <summary>
    /// Uploads <paramref name="files"/> under <paramref name="name"/> and writes its manifest last.
    /// An existing complete recording of that name is refused unless <paramref name="replace"/>;
    /// replacing deletes the old manifest first, so a crash midway never leaves a manifest over a
    /// mixture of old and new files. Returns the manifest written.
    /// </summary>
    Task<RecordingManifest> PushAsync(string name, IReadOnlyList<ArchiveSource> files, ArchivePushOptions options, CancellationToken cancel = default);

    /// <summary>The complete recordings (those with a manifest), sorted by name.</summary>
    Task<IReadOnlyList<ArchivedRecording>> ListAsync(CancellationToken cancel = default);

    /// <summary>The manifest of <paramref name="name"/>; an error if it does not exist or is incomplete.</summary>
    Task<RecordingManifest> ReadManifestAsync(string name, CancellationToken cancel = default);

    /// <summary>
    /// Downloads every file of <paramref name="name"/> into <paramref name="directory"/> (created if
    /// missing), each checked against the manifest's hashes: a file is written under a temporary
    /// name and renamed only once it is whole and verified, so a failure leaves no partial file.
    /// Returns the manifest the files were checked against.
    /// </summary>
    Task<RecordingManifest> PullAsync(string name, string directory, CancellationToken cancel = default);

    /// <summary>Deletes <paramref name="name"/>, complete or not (leftovers of an interrupted push included).</summary>
    Task DeleteAsync(string name, CancellationToken cancel = default);
}

/// <summary>One file to push: where it is on disk, the path it gets in the recording, and what it is.</summary>
public sealed record ArchiveSource(string RelativePath, string FullPath, ArchiveFileKind Kind, int? FormatVersion = null);

/// <summary>What a push records beside the files, and whether it may replace a recording of the same name.</summary>
public sealed record ArchivePushOptions(string HexEmuVersion, DateTimeOffset Created, bool Replace = false);

/// <summary>A complete recording as <see cref="IRecordingArchive.ListAsync"/> shows it.</summary>
public sealed record ArchivedRecording(string Name, int Files, long Bytes, DateTimeOffset Created);

public sealed class RecordingArchiveException(string message) : Exception(message);
