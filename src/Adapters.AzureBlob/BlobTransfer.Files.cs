using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>The hashes of a file as it went up: the whole file's SHA-256 and each block's.</summary>
internal sealed record FileHashes(long Size, string Sha256, IReadOnlyList<string> BlockSha256);

/// <summary>
/// Files of any size (a recording's disk images may be gigabytes), moved block by block without
/// holding the file in memory. Going up, each block is read, hashed and staged in parallel, while
/// the whole file's SHA-256 is computed beside them; going down, blocks are fetched in ranges of
/// <see cref="RangeBlocks"/> under the blob's ETag, each checked against its own SHA-256 on the
/// thread that fetched it (so hashing spreads over the cores instead of following the transfer on
/// one), and written at its offset.
/// </summary>
internal sealed partial class BlobTransfer
{
    public async Task<FileHashes> UploadFileAsync(string blobName, string path, Dictionary<string, string> metadata, CancellationToken cancel)
    {
        using var file = LocalFileException.Wrap(path, "open", () => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous));
        long size = RandomAccess.GetLength(file);
        int blocks = Application.Archive.ManifestFile.BlockCount(size, BlockSize);
        var blob = data.GetBlockBlobClient(blobName);
        if (blocks <= 1)
        {
            var whole = new byte[size];
            await ReadExactlyAsync(file, path, whole, 0, cancel);
            string sha = Convert.ToHexStringLower(SHA256.HashData(whole));
            metadata[BlobLayout.Sha256Key] = sha;
            await blob.UploadAsync(new ReadOnlyMemoryStream(whole), new BlobUploadOptions { Metadata = metadata }, cancel);
            return new FileHashes(size, sha, blocks == 0 ? [] : [sha]);
        }

        var wholeHash = Task.Run(() => HashWholeFileAsync(file, path, size, cancel), cancel);
        string upload = Guid.NewGuid().ToString("N");
        var ids = Enumerable.Range(0, blocks)
            .Select(i => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}-{i:D6}")))
            .ToArray();
        var blockHashes = new string[blocks];
        await Parallel.ForEachAsync(Enumerable.Range(0, blocks),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancel },
            async (i, token) =>
            {
                long offset = (long)i * BlockSize;
                int length = (int)Math.Min(BlockSize, size - offset);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    var block = buffer.AsMemory(0, length);
                    await ReadExactlyAsync(file, path, block, offset, token);
                    blockHashes[i] = Convert.ToHexStringLower(SHA256.HashData(block.Span));
                    await blob.StageBlockAsync(ids[i], new ReadOnlyMemoryStream(block), options: null, token);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            });
        string sha256 = await wholeHash;
        metadata[BlobLayout.Sha256Key] = sha256;
        await blob.CommitBlockListAsync(ids, new CommitBlockListOptions { Metadata = metadata }, cancel);
        return new FileHashes(size, sha256, blockHashes);
    }

    /// <summary>
    /// Downloads <paramref name="blobName"/> into <paramref name="path"/> (which must not exist),
    /// checking every block against <paramref name="blockSha256"/>. False, with nothing left at
    /// <paramref name="path"/>, if the blob's size or any block differs; on any other failure the
    /// file is removed too before the exception goes on.
    /// </summary>
    public async Task<bool> DownloadFileAsync(string blobName, string path, long size, int blockSize, IReadOnlyList<string> blockSha256, CancellationToken cancel)
    {
        var blob = data.GetBlobClient(blobName);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancel)).Value;
        if (properties.ContentLength != size) return false;
        var conditions = new BlobRequestConditions { IfMatch = properties.ETag };
        bool intact = true;
        try
        {
            using (var file = LocalFileException.Wrap(path, "create", () => File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous, preallocationSize: size)))
            {
                using var mismatch = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                try
                {
                    int ranges = (blockSha256.Count + RangeBlocks - 1) / RangeBlocks;
                    await Parallel.ForEachAsync(Enumerable.Range(0, ranges),
                        new ParallelOptions { MaxDegreeOfParallelism = BlockDownloadParallelism, CancellationToken = mismatch.Token },
                        async (r, token) =>
                        {
                            long start = (long)r * RangeBlocks * blockSize;
                            long end = Math.Min(start + (long)RangeBlocks * blockSize, size);
                            byte[] buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                            try
                            {
                                var response = await blob.DownloadStreamingAsync(
                                    new BlobDownloadOptions { Range = new HttpRange(start, end - start), Conditions = conditions }, token);
                                await using var content = response.Value.Content;
                                for (long offset = start; offset < end; offset += blockSize)
                                {
                                    int length = (int)Math.Min(blockSize, end - offset);
                                    var block = buffer.AsMemory(0, length);
                                    int read = await content.ReadAtLeastAsync(block, length, throwOnEndOfStream: false, token);
                                    if (read < length) throw new EndOfStreamException($"{blobName} ended {length - read} bytes early at {offset}");
                                    if (Convert.ToHexStringLower(SHA256.HashData(block.Span)) != blockSha256[(int)(offset / blockSize)])
                                    {
                                        intact = false;
                                        await mismatch.CancelAsync();
                                        return;
                                    }
                                    try
                                    {
                                        await RandomAccess.WriteAsync(file, block, offset, token);
                                    }
                                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                                    {
                                        throw new LocalFileException(path, "write", e);
                                    }
                                }
                            }
                            finally
                            {
                                ArrayPool<byte>.Shared.Return(buffer);
                            }
                        });
                }
                catch (OperationCanceledException) when (!intact && !cancel.IsCancellationRequested)
                {
                    // A block did not match: the others were stopped on purpose.
                }
            }
            if (!intact) File.Delete(path);
            return intact;
        }
        catch (Exception e) when (e is not LocalFileException { Created: false })
        {
            File.Delete(path);
            throw;
        }
    }

    private static async Task<string> HashWholeFileAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, long size, CancellationToken cancel)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long offset = 0; offset < size;)
            {
                int n = await Read(file, path, buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - offset)), offset, cancel);
                hash.AppendData(buffer, 0, n);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task ReadExactlyAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, Memory<byte> into, long offset, CancellationToken cancel)
    {
        while (into.Length > 0)
        {
            int n = await Read(file, path, into, offset, cancel);
            into = into[n..];
            offset += n;
        }
    }

    /// <summary>Some bytes at <paramref name="offset"/>; a local failure (or the file shrinking) is a <see cref="LocalFileException"/>.</summary>
    private static async Task<int> Read(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, Memory<byte> into, long offset, CancellationToken cancel)
    {
        int n;
        try
        {
            n = await RandomAccess.ReadAsync(file, into, offset, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalFileException(path, "read", e);
        }
        return n > 0 ? n : throw new LocalFileException(path, "read", new EndOfStreamException("it became shorter while it was being pushed"));
    }
}
