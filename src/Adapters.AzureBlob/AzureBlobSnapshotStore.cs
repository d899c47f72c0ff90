using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// VM snapshots and reverse-debugging checkpoints as block blobs in one Azure Blob Storage
/// container (layout in <see cref="BlobLayout"/>). States move in parallel blocks and are checked
/// against their SHA-256 when read back. The store holds bytes only: a VM state already carries
/// the written sectors of disks behind in-memory overlays, so <see cref="RestoreDisks"/> only
/// checks that the snapshot exists. Errors are one-line <see cref="SnapshotStoreException"/>s that
/// name the account and container but never the key or SAS.
/// </summary>
public sealed partial class AzureBlobSnapshotStore : ISnapshotStore, ICheckpointStore
{
    private readonly BlobContainerClient _control;
    private readonly BlobTransfer _transfer;
    private readonly StorageErrors _errors;
    private readonly StoreMarker _marker;

    private AzureBlobSnapshotStore(BlobContainerClient control, BlobContainerClient data, StorageErrors errors)
    {
        _control = control;
        _transfer = new BlobTransfer(data);
        _errors = errors;
        _marker = new StoreMarker(control, errors);
    }

    public IReadOnlyList<VmSnapshotInfo> List() =>
        Run("listing snapshots", async cancel => Visible(await ListAllAsync(cancel)).Select(e => e.Info).ToList());

    public void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw _errors.Fail("A snapshot needs a name");
        if (name.Length > BlobLayout.MaxNameLength) throw _errors.Fail($"Snapshot name is longer than {BlobLayout.MaxNameLength} characters");
        var state = vmState.ToArray();
        Run($"saving snapshot '{name}'", async cancel =>
        {
            long id = await _marker.TakeIdAsync(cancel);
            var metadata = SnapshotEntry.Metadata(name, icount, vmClockNs, date, state.Length);
            await _transfer.UploadAsync(BlobLayout.SnapshotBlob(id), state, metadata, cancel);
            // The new snapshot is complete before the one it replaces goes: a crash in between
            // leaves two of one name, and the newer (higher id) is the one that counts.
            foreach (var old in (await ListAllAsync(cancel)).Where(e => e.Name == name && e.Id != id))
                await DeleteBlobAsync(old.BlobName, cancel);
            return id;
        });
    }

    public byte[] ReadVmState(string idOrName) => Run($"reading snapshot '{idOrName}'", async cancel =>
    {
        for (int attempt = 0; ; attempt++)
        {
            var entry = Resolve(idOrName, await ListAllAsync(cancel));
            try
            {
                return await _transfer.DownloadAsync(entry.BlobName, entry.Size, entry.ETag, entry.Sha256, entry.BlockListSha256, cancel)
                    ?? throw _errors.Fail($"Snapshot '{entry.Name}' (id {entry.Id}) in {_errors.Where} is corrupt: its state does not match the SHA-256 recorded when it was saved");
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < 2)
            {
                // Replaced or deleted by another process while being read: look it up again.
            }
        }
    });

    public void RestoreDisks(string idOrName) =>
        Run($"looking up snapshot '{idOrName}'", async cancel => Resolve(idOrName, await ListAllAsync(cancel)));

    public void Delete(string idOrName) => Run($"deleting snapshot '{idOrName}'", async cancel =>
    {
        var all = await ListAllAsync(cancel);
        var entry = Resolve(idOrName, all);
        // Older blobs of the same name are leftovers of an interrupted save: they go too.
        foreach (var doomed in all.Where(e => e.Name == entry.Name && e.Id <= entry.Id))
            await DeleteBlobAsync(doomed.BlobName, cancel);
        return entry;
    });

    /// <summary>Every snapshot blob, leftovers of interrupted saves included.</summary>
    private async Task<List<SnapshotEntry>> ListAllAsync(CancellationToken cancel)
    {
        var all = new List<SnapshotEntry>();
        await foreach (var item in _control.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BlobLayout.SnapshotPrefix, cancel))
            all.Add(SnapshotEntry.Parse(item, _errors));
        return all;
    }

    /// <summary>The snapshots as users see them: the newest of each name, in the order they were taken.</summary>
    private static List<SnapshotEntry> Visible(IEnumerable<SnapshotEntry> all) =>
        [.. all.GroupBy(e => e.Name).Select(g => g.MaxBy(e => e.Id)!).OrderBy(e => e.Id)];

    /// <summary>QEMU's rule: an id matches first, then a name.</summary>
    private SnapshotEntry Resolve(string idOrName, IEnumerable<SnapshotEntry> all)
    {
        var visible = Visible(all);
        return visible.FirstOrDefault(e => BlobLayout.Number(e.Id) == idOrName)
            ?? visible.FirstOrDefault(e => e.Name == idOrName)
            ?? throw _errors.Fail($"No snapshot '{idOrName}' in {_errors.Where}");
    }

    private Task DeleteBlobAsync(string blobName, CancellationToken cancel) =>
        _control.GetBlobClient(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.None, conditions: null, cancel);

    /// <summary>
    /// Runs an operation to its end and turns its failures into one-line errors. The SDK is
    /// asynchronous and the ports are not: the operation runs on the thread pool, so that
    /// waiting for it here cannot deadlock on a caller's synchronization context.
    /// </summary>
    private T Run<T>(string doing, Func<CancellationToken, Task<T>> operation)
    {
        try
        {
            return Task.Run(() => operation(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw _errors.Translate(e, doing);
        }
    }

    private void Run(string doing, Func<CancellationToken, Task> operation) =>
        Run(doing, async cancel => { await operation(cancel); return true; });
}
