using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using HexEmu.Application.Archive;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Archived recordings in an Azure Blob Storage container (layout in <see cref="ArchiveLayout"/>),
/// beside the snapshot store if they share a container. Files move in parallel 8 MiB blocks
/// (<see cref="BlobTransfer"/>), each block's SHA-256 in the manifest and checked as it comes
/// down. Nothing is sent until the first operation; errors are one-line
/// <see cref="RecordingArchiveException"/>s that name the account and container but never a secret.
/// </summary>
public sealed partial class AzureBlobRecordingArchive : IRecordingArchive
{
    private readonly BlobContainerClient _control;
    private readonly BlobTransfer _transfer;
    private readonly StorageErrors _errors;

    private AzureBlobRecordingArchive(BlobConnection connection)
    {
        _control = connection.Control;
        _transfer = new BlobTransfer(connection.Data);
        _errors = connection.Errors;
    }

    /// <summary>The archive in <paramref name="container"/> of the account a connection string names.</summary>
    public static AzureBlobRecordingArchive Connect(string connectionString, string container) =>
        Open(() => BlobConnection.FromConnectionString(connectionString, container));

    /// <summary>The archive in the container a URI with a SAS names.</summary>
    public static AzureBlobRecordingArchive Connect(Uri containerUri) => Open(() => BlobConnection.FromContainerUri(containerUri));

    /// <summary>The archive in <paramref name="container"/> of the account a service URI with a SAS names.</summary>
    public static AzureBlobRecordingArchive Connect(Uri serviceUri, string container) =>
        Open(() => BlobConnection.FromServiceUri(serviceUri, container));

    private static AzureBlobRecordingArchive Open(Func<BlobConnection> connect)
    {
        try
        {
            return new AzureBlobRecordingArchive(connect());
        }
        catch (SnapshotStoreException e)
        {
            throw new RecordingArchiveException(e.Message);
        }
    }

    public Task<RecordingManifest> PushAsync(string name, IReadOnlyList<ArchiveSource> files, ArchivePushOptions options, CancellationToken cancel = default)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var file in files)
            if (ArchiveNames.PathProblem(file.RelativePath) is { } problem) throw new RecordingArchiveException(problem);
        var duplicate = files.GroupBy(f => f.RelativePath, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RecordingArchiveException($"'{duplicate.Key}' is listed twice");
        return Run($"pushing '{name}'", async () =>
        {
            var manifestBlob = _control.GetBlockBlobClient(ArchiveLayout.ManifestBlob(name));
            if (await ManifestExistsAsync(manifestBlob, cancel))
            {
                if (!options.Replace)
                    throw new RecordingArchiveException($"archive {name} already exists in {_errors.Where}; push with --replace to overwrite it");
                // The old manifest goes first: from here on the name is incomplete, never a manifest over mixed files.
                await manifestBlob.DeleteIfExistsAsync(cancellationToken: cancel);
            }
            // Leftovers of an interrupted push (or of the replaced recording) must not linger beside the new files.
            await DeleteFolderAsync(name, cancel);

            var entries = new List<ManifestFile>(files.Count);
            foreach (var file in files)
            {
                var hashes = await _transfer.UploadFileAsync(ArchiveLayout.FileBlob(name, file.RelativePath), file.FullPath, [], cancel);
                entries.Add(new ManifestFile(file.RelativePath, hashes.Size, hashes.Sha256, file.Kind, file.FormatVersion,
                                             BlobTransfer.BlockSize, hashes.BlockSha256));
            }
            var manifest = new RecordingManifest(RecordingManifest.CurrentFormat, options.HexEmuVersion, options.Created, entries);
            try
            {
                await manifestBlob.UploadAsync(new MemoryStream(ManifestJson.Write(manifest)), new BlobUploadOptions
                {
                    Metadata = Summary(manifest),
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                }, cancel);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                throw new RecordingArchiveException($"archive {name} in {_errors.Where} was pushed by someone else at the same time; its files may be mixed: push again with --replace");
            }
            return manifest;
        }, cancel);
    }

    public Task<IReadOnlyList<ArchivedRecording>> ListAsync(CancellationToken cancel = default) =>
        Run("listing archived recordings", async () =>
        {
            var recordings = new List<ArchivedRecording>();
            try
            {
                await foreach (var item in _control.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, ArchiveLayout.Prefix, cancel))
                {
                    if (ArchiveLayout.NameOfManifest(item.Name) is not { } name) continue;
                    recordings.Add(Listed(name, item.Metadata));
                }
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Nothing was ever pushed here.
            }
            return (IReadOnlyList<ArchivedRecording>)[.. recordings.OrderBy(r => r.Name, StringComparer.Ordinal)];
        }, cancel);

    public Task<RecordingManifest> ReadManifestAsync(string name, CancellationToken cancel = default)
    {
        CheckName(name);
        return Run($"reading the manifest of '{name}'", () => ManifestAsync(name, cancel), cancel);
    }

    public Task<RecordingManifest> PullAsync(string name, string directory, CancellationToken cancel = default)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(directory);
        return Run($"pulling '{name}'", async () =>
        {
            var manifest = await ManifestAsync(name, cancel);
            foreach (var file in manifest.Files)
            {
                string target = Path.Combine(directory, file.Path.Replace('/', Path.DirectorySeparatorChar));
                LocalFileException.Wrap(target, "create the directory of", () => Directory.CreateDirectory(Path.GetDirectoryName(target)!));
                string temporary = $"{target}.partial-{Guid.NewGuid():N}";
                bool intact = await _transfer.DownloadFileAsync(ArchiveLayout.FileBlob(name, file.Path), temporary, file.Size, file.BlockSize, file.BlockSha256, cancel);
                if (!intact)
                    throw new RecordingArchiveException($"archive {name} is corrupt: '{file.Path}' in {_errors.Where} does not match the SHA-256 its manifest records (nothing was written for it)");
                LocalFileException.Wrap(target, "rename a pulled file to", () => { File.Move(temporary, target, overwrite: true); return true; });
            }
            return manifest;
        }, cancel);
    }

    public Task DeleteAsync(string name, CancellationToken cancel = default)
    {
        CheckName(name);
        return Run($"deleting '{name}'", async () =>
        {
            // The manifest first: an interrupted delete leaves an incomplete recording, never a manifest over missing files.
            bool hadManifest = await _control.GetBlobClient(ArchiveLayout.ManifestBlob(name)).DeleteIfExistsAsync(cancellationToken: cancel);
            int deleted = await DeleteFolderAsync(name, cancel);
            if (!hadManifest && deleted == 0) throw NotFound(name);
            return true;
        }, cancel);
    }

    private async Task<RecordingManifest> ManifestAsync(string name, CancellationToken cancel)
    {
        byte[] json;
        try
        {
            json = (await _control.GetBlobClient(ArchiveLayout.ManifestBlob(name)).DownloadContentAsync(cancel)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            bool leftovers = e.ErrorCode != BlobErrorCode.ContainerNotFound && await AnyBlobAsync(name, cancel);
            throw leftovers
                ? new RecordingArchiveException($"archive {name} is incomplete (interrupted push?): it has files but no manifest in {_errors.Where}; push it again or delete it")
                : NotFound(name);
        }
        try
        {
            return ManifestJson.Parse(json);
        }
        catch (FormatException e)
        {
            throw new RecordingArchiveException($"archive {name} in {_errors.Where} cannot be read: {e.Message}");
        }
    }

    private RecordingArchiveException NotFound(string name) => new($"archive {name} not found in {_errors.Where}");

    private static async Task<bool> ManifestExistsAsync(BlockBlobClient manifest, CancellationToken cancel)
    {
        try
        {
            await manifest.GetPropertiesAsync(cancellationToken: cancel);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            if (e.ErrorCode == BlobErrorCode.ContainerNotFound)
                await manifest.GetParentBlobContainerClient().CreateIfNotExistsAsync(cancellationToken: cancel);
            return false;
        }
    }

    private async Task<bool> AnyBlobAsync(string name, CancellationToken cancel)
    {
        await foreach (var page in _control.GetBlobsAsync(BlobTraits.None, BlobStates.None, ArchiveLayout.Folder(name), cancel).AsPages(pageSizeHint: 1))
            return page.Values.Count > 0;
        return false;
    }

    private async Task<int> DeleteFolderAsync(string name, CancellationToken cancel)
    {
        int deleted = 0;
        await foreach (var item in _control.GetBlobsAsync(BlobTraits.None, BlobStates.None, ArchiveLayout.Folder(name), cancel))
            if (await _control.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancel)) deleted++;
        return deleted;
    }

    private static Dictionary<string, string> Summary(RecordingManifest manifest) => new()
    {
        [BlobLayout.FormatKey] = BlobLayout.Number(manifest.Format),
        [ArchiveLayout.FilesKey] = BlobLayout.Number(manifest.Files.Count),
        [ArchiveLayout.BytesKey] = BlobLayout.Number(manifest.TotalBytes),
        [ArchiveLayout.CreatedKey] = BlobLayout.Date(manifest.Created),
    };

    private static ArchivedRecording Listed(string name, IDictionary<string, string> metadata)
    {
        BlobLayout.TryParseNumber(BlobLayout.Get(metadata, ArchiveLayout.FilesKey), out long files);
        BlobLayout.TryParseNumber(BlobLayout.Get(metadata, ArchiveLayout.BytesKey), out long bytes);
        BlobLayout.TryParseDate(BlobLayout.Get(metadata, ArchiveLayout.CreatedKey), out var created);
        return new ArchivedRecording(name, (int)files, bytes, created);
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ArchiveNames.NameProblem(name) is { } problem) throw new RecordingArchiveException(problem);
    }

    /// <summary>Runs an operation and turns its failures into one-line errors; a cancellation the caller asked for passes through.</summary>
    private async Task<T> Run<T>(string doing, Func<Task<T>> operation, CancellationToken cancel)
    {
        try
        {
            return await Task.Run(operation, CancellationToken.None);
        }
        catch (RecordingArchiveException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (LocalFileException e)
        {
            throw new RecordingArchiveException($"{doing}: {e.Message}");
        }
        catch (Exception e)
        {
            throw new RecordingArchiveException(_errors.Translate(e, doing).Message);
        }
    }
}
