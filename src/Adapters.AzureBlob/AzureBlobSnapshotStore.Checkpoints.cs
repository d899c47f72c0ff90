using Azure;
using Azure.Storage.Blobs.Models;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

public sealed partial class AzureBlobSnapshotStore
{
    public void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (icount < 0) throw _errors.Fail($"A checkpoint's icount cannot be negative ({icount})");
        var bytes = state.ToArray();
        var metadata = new Dictionary<string, string>
        {
            [BlobLayout.FormatKey] = BlobLayout.Number(BlobLayout.Format),
            [BlobLayout.IcountKey] = BlobLayout.Number(icount),
        };
        Run($"saving the checkpoint at icount {icount}", cancel =>
            _transfer.UploadAsync(BlobLayout.CheckpointBlob(recording, icount), bytes, metadata, cancel));
    }

    public StoredCheckpoint? FindCheckpoint(string recording, long icount) =>
        Run($"finding the checkpoint at or before icount {icount}", async cancel =>
        {
            for (int attempt = 0; ; attempt++)
            {
                var icounts = await ListIcountsAsync(recording, cancel);
                int at = icounts.BinarySearch(icount);
                if (at < 0) at = ~at - 1;
                if (at < 0) return null;
                try
                {
                    long found = icounts[at];
                    return new StoredCheckpoint(found, await ReadCheckpointAsync(recording, found, cancel));
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < 2)
                {
                    // Replaced or deleted by another process while being read: look again.
                }
            }
        });

    public IReadOnlyList<long> ListCheckpoints(string recording) =>
        Run("listing checkpoints", async cancel => (IReadOnlyList<long>)await ListIcountsAsync(recording, cancel));

    public void DeleteCheckpoints(string recording) => Run("deleting checkpoints", async cancel =>
    {
        var names = new List<string>();
        await foreach (var item in _control.GetBlobsAsync(BlobTraits.None, BlobStates.None, BlobLayout.CheckpointFolder(recording), cancel))
            names.Add(item.Name);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = BlobTransfer.Parallelism, CancellationToken = cancel },
            async (name, token) => await DeleteBlobAsync(name, token));
    });

    private async Task<List<long>> ListIcountsAsync(string recording, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var icounts = new List<long>();
        await foreach (var item in _control.GetBlobsAsync(BlobTraits.None, BlobStates.None, BlobLayout.CheckpointFolder(recording), cancel))
            if (BlobLayout.CheckpointIcount(item.Name) is { } icount) icounts.Add(icount);
        icounts.Sort(); // the service lists by name, which the zero padding already makes icount order
        return icounts;
    }

    private async Task<byte[]> ReadCheckpointAsync(string recording, long icount, CancellationToken cancel)
    {
        string name = BlobLayout.CheckpointBlob(recording, icount);
        string what = $"The checkpoint at icount {icount} (blob '{name}') in {_errors.Where}";
        var properties = (await _control.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancel)).Value;
        if (BlobLayout.FormatProblem(properties.Metadata) is { } problem)
            throw _errors.Fail($"{what} is refused: it {problem}");
        if (BlobLayout.Get(properties.Metadata, BlobLayout.Sha256Key) is not { Length: 64 } sha256)
            throw _errors.Fail($"{what} is corrupt: it has no SHA-256");
        return await _transfer.DownloadAsync(name, properties.ContentLength, properties.ETag, sha256,
                BlobLayout.Get(properties.Metadata, BlobLayout.BlockListSha256Key), cancel)
            ?? throw _errors.Fail($"{what} is corrupt: its state does not match the SHA-256 recorded when it was saved");
    }
}
