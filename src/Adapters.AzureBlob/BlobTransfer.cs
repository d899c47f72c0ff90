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
internal sealed class BlobTransfer(BlobContainerClient data)
{
    public const int BlockSize = 8 << 20;
    public const int Parallelism = 8;

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
        int chunks = (int)((size + BlockSize - 1) / BlockSize);
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancel },
            async (i, token) =>
            {
                long offset = (long)i * BlockSize;
                int length = (int)Math.Min(BlockSize, size - offset);
                var response = await blob.DownloadStreamingAsync(
                    new BlobDownloadOptions { Range = new HttpRange(offset, length), Conditions = conditions }, token);
                await using var content = response.Value.Content;
                int read = await content.ReadAtLeastAsync(state.AsMemory((int)offset, length), length, throwOnEndOfStream: false, token);
                if (read < length) throw new EndOfStreamException($"{blobName} ended {length - read} bytes early at {offset}");
            });
        return Convert.ToHexStringLower(SHA256.HashData(state)) == sha256 ? state : null;
    }
}
