using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Moves a whole state into or out of one block blob. Up: the state is cut into blocks staged in
/// parallel (a bounded number at a time), each hashed by the thread that stages it, while the
/// whole state's SHA-256 is computed beside them; committing the block list sets the metadata,
/// both hashes included, in the same request, so a blob never shows without the hashes of what
/// it holds. Down: ranges fetched in parallel, each under the ETag the metadata was read with;
/// each block is hashed as it arrives and the hash of the blocks' digests checked at the end (or,
/// for a blob written before that hash existed, the whole state's SHA-256 fed in order).
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
        var digests = new byte[blocks * SHA256.HashSizeInBytes];
        await Parallel.ForEachAsync(Enumerable.Range(0, blocks),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancel },
            async (i, token) =>
            {
                int offset = i * BlockSize;
                var block = state.Slice(offset, Math.Min(BlockSize, state.Length - offset));
                SHA256.HashData(block.Span, digests.AsSpan(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes));
                await blob.StageBlockAsync(ids[i], new ReadOnlyMemoryStream(block), options: null, token);
            });
        metadata[BlobLayout.BlockListSha256Key] = Convert.ToHexStringLower(SHA256.HashData(digests));
        metadata[BlobLayout.Sha256Key] = await hashing;
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Metadata = metadata }, cancel);
    }

    /// <summary>
    /// The blob's bytes, or null if they do not hash to <paramref name="blockListSha256"/> when
    /// given (blocks hashed as they arrive, on the threads that fetched them) or else to
    /// <paramref name="sha256"/> (one hash over the whole state, fed in order beside the transfer).
    /// </summary>
    public async Task<byte[]?> DownloadAsync(string blobName, long size, ETag etag, string sha256, string? blockListSha256, CancellationToken cancel)
    {
        var state = GC.AllocateUninitializedArray<byte>(checked((int)size));
        int chunks = (int)((size + DownloadChunk - 1) / DownloadChunk);
        if (blockListSha256 is { Length: 64 } && chunks > 1)
        {
            var digests = new byte[chunks * SHA256.HashSizeInBytes];
            await DownloadChunksAsync(blobName, state, etag, BlockDownloadParallelism, RangeBlocks, (i, chunk) =>
                SHA256.HashData(chunk, digests.AsSpan(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes)), cancel);
            return Convert.ToHexStringLower(SHA256.HashData(digests)) == blockListSha256 ? state : null;
        }
        return await DownloadHashingWholeAsync(blobName, state, etag, sha256, cancel);
    }

    /// <summary>Ranges in flight at once when each block is hashed by the thread that fetched it, so the hashing spreads over the cores.</summary>
    public const int BlockDownloadParallelism = 4;

    /// <summary>
    /// Blocks per ranged request when each block is hashed as it arrives: fewer, longer requests
    /// cost the service less per byte (measured against one block per range on the local emulator).
    /// </summary>
    public const int RangeBlocks = 2;

    /// <summary>
    /// Fetches the blob into <paramref name="state"/> in ranges of <paramref name="rangeBlocks"/>
    /// blocks, <paramref name="parallelism"/> at a time, each under the ETag; <paramref name="arrived"/>
    /// is called with each block (index, bytes) as soon as it is in, on the thread that read it.
    /// </summary>
    private async Task DownloadChunksAsync(string blobName, byte[] state, ETag etag, int parallelism, int rangeBlocks,
                                           Action<int, ReadOnlySpan<byte>> arrived, CancellationToken cancel)
    {
        var blob = data.GetBlobClient(blobName);
        var conditions = new BlobRequestConditions { IfMatch = etag };
        long size = state.Length;
        long rangeSize = (long)rangeBlocks * DownloadChunk;
        int ranges = (int)((size + rangeSize - 1) / rangeSize);
        await Parallel.ForEachAsync(Enumerable.Range(0, ranges),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancel },
            async (r, token) =>
            {
                long start = r * rangeSize;
                long end = Math.Min(start + rangeSize, size);
                var response = await blob.DownloadStreamingAsync(
                    new BlobDownloadOptions { Range = new HttpRange(start, end - start), Conditions = conditions }, token);
                await using var content = response.Value.Content;
                for (long offset = start; offset < end; offset += DownloadChunk)
                {
                    int length = (int)Math.Min(DownloadChunk, end - offset);
                    int read = await content.ReadAtLeastAsync(state.AsMemory((int)offset, length), length, throwOnEndOfStream: false, token);
                    if (read < length) throw new EndOfStreamException($"{blobName} ended {length - read} bytes early at {offset}");
                    arrived((int)(offset / DownloadChunk), state.AsSpan((int)offset, length));
                }
            });
    }

    private async Task<byte[]?> DownloadHashingWholeAsync(string blobName, byte[] state, ETag etag, string sha256, CancellationToken cancel)
    {
        long size = state.Length;
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
            await DownloadChunksAsync(blobName, state, etag, DownloadParallelism, rangeBlocks: 1, (i, _) => arrived[i].SetResult(), cancel);
        }
        catch (Exception e)
        {
            foreach (var chunk in arrived) chunk.TrySetException(e);
            throw;
        }
        return await hashing == sha256 ? state : null;
    }
}
