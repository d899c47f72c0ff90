using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Moves a whole state into or out of one block blob. Up: the state is cut into blocks staged in
/// parallel (a bounded number at a time) while its SHA-256 is computed beside them; committing the
/// block list sets the metadata, hash included, in the same request, so a blob never shows
/// without the hash of what it holds. Down: ranges fetched in parallel, each under the ETag the
/// metadata was read with, then the hash is checked.
/// </summary>
internal sealed partial class BlobTransfer(BlobContainerClient data)
{
    public const int BlockSize = 8 << 20;
    /// <summary>Blocks in flight at once going up: enough to fill a link to a distant service.</summary>
    public const int Parallelism = 8;

    /// <summary>
    /// Ranges in flight at once coming down, each one block long. Fewer than going up: the hash
    /// is computed beside the download and needs a core of its own (on a 2-core machine with a
    /// local emulator, 8 ranges only made the two fight).
    /// </summary>
    public const int DownloadParallelism = 4;
    private const int DownloadChunk = BlockSize;

    public async Task UploadAsync(string blobName, ReadOnlyMemory<byte> state, Dictionary<string, string> metadata, CancellationToken cancel)
    {
        var blob = data.GetBlockBlobClient(blobName);
        var hashing = Task.Run(() => Convert.ToHexStringLower(SHA256.HashData(state.Span)), cancel);
        if (state.Length <= BlockSize)
        {
            metadata[BlobLayout.Sha256Key] = await hashing;
            await blob.UploadAsync(new ReadOnlyMemoryStream(state), new BlobUploadOptions { Metadata = metadata }, cancel);
            return;
        }

        // Block ids unique to this upload: two writers of one blob (a checkpoint saved twice at
        // once) then never commit a mixture of each other's blocks. All ids of a blob have one length.
        string upload = Guid.NewGuid().ToString("N");
        int blocks = (int)((state.Length + BlockSize - 1) / BlockSize);
        var ids = Enumerable.Range(0, blocks)
            .Select(i => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}-{i:D6}")))
            .ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, blocks),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancel },
            async (i, token) =>
            {
                int offset = i * BlockSize;
                var block = state.Slice(offset, Math.Min(BlockSize, state.Length - offset));
                await blob.StageBlockAsync(ids[i], new ReadOnlyMemoryStream(block), options: null, token);
            });
        metadata[BlobLayout.Sha256Key] = await hashing;
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Metadata = metadata }, cancel);
    }

    /// <summary>The blob's bytes, or null if they do not hash to <paramref name="sha256"/>.</summary>
    public async Task<byte[]?> DownloadAsync(string blobName, long size, ETag etag, string sha256, CancellationToken cancel)
    {
        var blob = data.GetBlobClient(blobName);
        var state = GC.AllocateUninitializedArray<byte>(checked((int)size));
        var conditions = new BlobRequestConditions { IfMatch = etag };
        int chunks = (int)((size + DownloadChunk - 1) / DownloadChunk);
        // The hash is fed chunk by chunk in order, each as soon as it and those before it are
        // in, so hashing overlaps the transfer instead of following it.
        var arrived = Enumerable.Range(0, chunks).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var hashing = Task.Run(async () =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (int i = 0; i < chunks; i++)
            {
                await arrived[i].Task;
                long offset = (long)i * DownloadChunk;
                hash.AppendData(state, (int)offset, (int)Math.Min(DownloadChunk, size - offset));
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }, cancel);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, chunks),
                new ParallelOptions { MaxDegreeOfParallelism = DownloadParallelism, CancellationToken = cancel },
                async (i, token) =>
                {
                    long offset = (long)i * DownloadChunk;
                    int length = (int)Math.Min(DownloadChunk, size - offset);
                    var response = await blob.DownloadStreamingAsync(
                        new BlobDownloadOptions { Range = new HttpRange(offset, length), Conditions = conditions }, token);
                    await using var content = response.Value.Content;
                    int read = await content.ReadAtLeastAsync(state.AsMemory((int)offset, length), length, throwOnEndOfStream: false, token);
                    if (read < length) throw new EndOfStreamException($"{blobName} ended {length - read} bytes early at {offset}");
                    arrived[i].SetResult();
                });
        }
        catch (Exception e)
        {
            foreach (var chunk in arrived) chunk.TrySetException(e);
            throw;
        }
        return await hashing == sha256 ? state : null;
    }
}
