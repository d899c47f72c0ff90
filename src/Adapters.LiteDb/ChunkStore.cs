using System.Security.Cryptography;
using HexEmu.Application.Ports;
using LiteDB;

namespace HexEmu.Adapters.LiteDb;

/// <summary>
/// VM states kept as 8 KiB chunks, each stored once under its SHA-256 and counted by how many
/// states use it. A VM state is mostly RAM pages, many of them zero or unchanged since the last
/// snapshot, so the second snapshot of a barely changed machine costs little more than its
/// changed pages. Why 8 KiB (two RAM pages) and not 4: LiteDB's pages are 8 KiB, and two 4 KiB
/// chunks with their document headers do not fit in one, so every 4 KiB chunk took a whole page —
/// a 128 MiB state of distinct pages made a 260 MiB file. An 8 KiB chunk fills a page and spills
/// ~100 bytes into a shared one (132 MiB for the same state), and a changed RAM page costs 8 KiB
/// either way. A state is remembered by its <em>index</em>: the hashes of the chunks that hold the
/// list of its chunk hashes (two levels, so that the document that owns a state stays small —
/// 2 KiB for 128 MiB of state — whatever the state's size, far below LiteDB's document limit).
/// The use counts live in a collection of their own, so that counting one more use of an 8 KiB
/// chunk rewrites a small document, not the chunk (an incremental savevm touches every chunk).
/// Every chunk read is checked against its hash: a corrupt chunk is an error, never a wrong state.
/// Callers run these inside a LiteDB transaction, so counts and chunks change all or nothing.
/// </summary>
internal sealed class ChunkStore(ILiteCollection<BsonDocument> chunks, ILiteCollection<BsonDocument> refs, string databasePath)
{
    /// <summary>LiteDB's page size; see the class summary.</summary>
    public const int ChunkSize = 8192;
    private const int HashSize = 32;

    /// <summary>Stores <paramref name="state"/>'s chunks (or counts one more use of those already there); returns its index.</summary>
    public byte[] Add(ReadOnlySpan<byte> state)
    {
        var uses = new Dictionary<string, Use>();
        byte[] pageHashes = Hash(state, uses, fromIndex: false);
        byte[] index = Hash(pageHashes, uses, fromIndex: true);
        foreach (var use in uses.Values)
        {
            var id = new BsonValue(use.Hash);
            var existing = refs.FindById(id);
            if (existing is not null)
            {
                existing[Schema.ChunkRefs] = existing[Schema.ChunkRefs].AsInt64 + use.Count;
                refs.Update(existing);
                continue;
            }
            var source = use.FromIndex ? pageHashes.AsSpan() : state;
            chunks.Insert(new BsonDocument { ["_id"] = id, [Schema.ChunkData] = source.Slice(use.Offset, use.Length).ToArray() });
            refs.Insert(new BsonDocument { ["_id"] = id, [Schema.ChunkRefs] = use.Count });
        }
        return index;
    }

    /// <summary>The state of <paramref name="size"/> bytes behind <paramref name="index"/>, every chunk checked.</summary>
    public byte[] Read(byte[] index, long size, string owner)
    {
        byte[] pageHashes = ReadPageHashes(index, size, owner);
        var state = new byte[size];
        var seen = new Dictionary<string, byte[]>();
        for (int page = 0; page < pageHashes.Length / HashSize; page++)
        {
            long offset = (long)page * ChunkSize;
            int length = (int)Math.Min(ChunkSize, size - offset);
            byte[] hash = pageHashes.AsSpan(page * HashSize, HashSize).ToArray();
            string key = Convert.ToHexString(hash);
            if (!seen.TryGetValue(key, out var data)) seen[key] = data = Load(hash, length, owner);
            data.CopyTo(state.AsSpan((int)offset));
        }
        return state;
    }

    /// <summary>
    /// One use fewer of each chunk of the state behind <paramref name="index"/>; chunks no longer
    /// used are deleted. A damaged part of the hash list must not make a snapshot impossible to
    /// delete or replace: the chunks it listed then stay counted (a leak, never a loss).
    /// </summary>
    public void Release(byte[] index, long size)
    {
        var uses = new Dictionary<string, Use>();
        if (IndexMatches(index, size))
            for (int i = 0; i < index.Length / HashSize; i++)
            {
                int length = (int)Math.Min(ChunkSize, HashListLength(size) - (long)i * ChunkSize);
                if (TryLoad(index.AsSpan(i * HashSize, HashSize).ToArray(), length) is { } pageHashes) Count(pageHashes, uses);
            }
        Count(index, uses);
        foreach (var use in uses.Values)
        {
            var id = new BsonValue(use.Hash);
            var count = refs.FindById(id);
            if (count is null) continue; // already gone: nothing left to release
            long left = count[Schema.ChunkRefs].AsInt64 - use.Count;
            if (left > 0)
            {
                count[Schema.ChunkRefs] = left;
                refs.Update(count);
            }
            else
            {
                refs.Delete(id);
                chunks.Delete(id);
            }
        }
    }

    private static long HashListLength(long size) => (size + ChunkSize - 1) / ChunkSize * HashSize;

    private static bool IndexMatches(byte[] index, long size) =>
        size >= 0 && HashListLength(size) <= Array.MaxLength && index.Length % HashSize == 0
        && index.Length / HashSize == (HashListLength(size) + ChunkSize - 1) / ChunkSize;

    private byte[] ReadPageHashes(byte[] index, long size, string owner)
    {
        if (!IndexMatches(index, size))
            throw new SnapshotStoreException($"The chunk index of {owner} in '{databasePath}' does not match its size of {size} bytes");
        long indexLength = HashListLength(size);
        var pageHashes = new byte[indexLength];
        for (int i = 0; i < index.Length / HashSize; i++)
        {
            int offset = i * ChunkSize;
            int length = (int)Math.Min(ChunkSize, indexLength - offset);
            Load(index.AsSpan(i * HashSize, HashSize).ToArray(), length, owner).CopyTo(pageHashes.AsSpan(offset));
        }
        return pageHashes;
    }

    private byte[] Load(byte[] hash, int length, string owner)
    {
        var chunk = chunks.FindById(new BsonValue(hash))
            ?? throw new SnapshotStoreException($"Chunk {Convert.ToHexStringLower(hash)} of {owner} is missing from '{databasePath}'");
        return Checked(chunk, hash, length)
            ?? throw new SnapshotStoreException($"Chunk {Convert.ToHexStringLower(hash)} of {owner} in '{databasePath}' is corrupt (its content does not match its SHA-256)");
    }

    private byte[]? TryLoad(byte[] hash, int length) =>
        chunks.FindById(new BsonValue(hash)) is { } chunk ? Checked(chunk, hash, length) : null;

    private static byte[]? Checked(BsonDocument chunk, byte[] hash, int length) =>
        chunk[Schema.ChunkData] is { IsBinary: true, AsBinary: var data } && data.Length == length && SHA256.HashData(data).AsSpan().SequenceEqual(hash)
            ? data
            : null;

    private static byte[] Hash(ReadOnlySpan<byte> bytes, Dictionary<string, Use> uses, bool fromIndex)
    {
        int count = (int)((bytes.Length + (long)ChunkSize - 1) / ChunkSize);
        var hashes = new byte[(long)count * HashSize];
        for (int i = 0; i < count; i++)
        {
            int offset = i * ChunkSize;
            int length = Math.Min(ChunkSize, bytes.Length - offset);
            var hash = hashes.AsSpan(i * HashSize, HashSize);
            SHA256.HashData(bytes.Slice(offset, length), hash);
            string key = Convert.ToHexString(hash);
            if (uses.TryGetValue(key, out var use)) use.Count++;
            else uses[key] = new Use(hash.ToArray(), fromIndex, offset, length);
        }
        return hashes;
    }

    private static void Count(byte[] hashes, Dictionary<string, Use> uses)
    {
        for (int i = 0; i < hashes.Length / HashSize; i++)
        {
            var hash = hashes.AsSpan(i * HashSize, HashSize);
            string key = Convert.ToHexString(hash);
            if (uses.TryGetValue(key, out var use)) use.Count++;
            else uses[key] = new Use(hash.ToArray(), false, 0, 0);
        }
    }

    /// <summary>A distinct chunk of one state: where its bytes first occur and how many times the state uses it.</summary>
    private sealed class Use(byte[] hash, bool fromIndex, int offset, int length)
    {
        public byte[] Hash { get; } = hash;
        public bool FromIndex { get; } = fromIndex;
        public int Offset { get; } = offset;
        public int Length { get; } = length;
        public long Count { get; set; } = 1;
    }
}
