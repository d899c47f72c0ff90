using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// The <c>snapshot-store</c> blob: says which format the container holds, and counts snapshot
/// ids. Ids come from this counter rather than from the highest existing id, so an id whose
/// snapshot was deleted is never handed out again; the counter moves only under an ETag
/// condition, so two processes saving at once still get distinct ids.
/// </summary>
internal sealed class StoreMarker(BlobContainerClient container, StorageErrors errors)
{
    private const int MaxContention = 20;
    private BlobClient Blob => container.GetBlobClient(BlobLayout.MarkerBlob);

    /// <summary>
    /// Checks the format, creating the marker (and the container) when missing. Reads before it
    /// creates: a SAS scoped to one container may read and write blobs but not create containers.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancel)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var properties = await Blob.GetPropertiesAsync(cancellationToken: cancel);
                CheckFormat(properties.Value.Metadata);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt < 2)
            {
                if (e.ErrorCode == BlobErrorCode.ContainerNotFound)
                    await container.CreateIfNotExistsAsync(cancellationToken: cancel);
                await CreateAsync(cancel);
            }
        }
    }

    /// <summary>The next snapshot id, taken for good.</summary>
    public async Task<long> TakeIdAsync(CancellationToken cancel)
    {
        for (int attempt = 0; attempt < MaxContention; attempt++)
        {
            var properties = (await Blob.GetPropertiesAsync(cancellationToken: cancel)).Value;
            CheckFormat(properties.Metadata);
            if (!BlobLayout.TryParseNumber(BlobLayout.Get(properties.Metadata, BlobLayout.NextIdKey), out long id) || id < 1)
                throw errors.Fail($"The snapshot id counter of {errors.Where} is corrupt (blob '{BlobLayout.MarkerBlob}', metadata '{BlobLayout.NextIdKey}')");
            try
            {
                await Blob.SetMetadataAsync(Metadata(id + 1), new BlobRequestConditions { IfMatch = properties.ETag }, cancel);
                return id;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another writer took this id first: read the counter again.
            }
        }
        throw errors.Fail($"Could not take a snapshot id in {errors.Where}: {MaxContention} other writers took one first");
    }

    private async Task CreateAsync(CancellationToken cancel)
    {
        try
        {
            await container.GetBlockBlobClient(BlobLayout.MarkerBlob).UploadAsync(new MemoryStream([]),
                new BlobUploadOptions { Metadata = Metadata(1), Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancel);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another process created it first: theirs is as good.
        }
    }

    private void CheckFormat(IDictionary<string, string> metadata)
    {
        if (BlobLayout.FormatProblem(metadata) is { } problem)
            throw errors.Fail($"The {errors.Where} cannot be used as a snapshot store: its blob '{BlobLayout.MarkerBlob}' {problem}");
    }

    private static Dictionary<string, string> Metadata(long nextId) => new()
    {
        [BlobLayout.FormatKey] = BlobLayout.Number(BlobLayout.Format),
        [BlobLayout.NextIdKey] = BlobLayout.Number(nextId),
    };
}
