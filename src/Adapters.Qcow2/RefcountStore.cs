using System.Buffers.Binary;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// The refcount table and its blocks, plus the cluster allocator. New clusters are always taken at
/// the end of the file, never reused, so a crash can only leak clusters. Every change is written
/// through immediately; callers order their writes so that a refcount is on disk before anything
/// points to its cluster.
/// </summary>
internal sealed class RefcountStore
{
    private readonly ImageFile _file;
    private readonly int _clusterBits;
    private readonly int _refcountOrder;
    private readonly int _entriesPerBlockBits;
    private readonly BoundedCache<byte[]> _blocks;
    private ulong[] _table;
    private long _tableOffset;
    private int _tableClusters;
    private long _nextFree;

    public RefcountStore(ImageFile file, Qcow2Header header, int cachedBlocks)
    {
        _file = file;
        _clusterBits = header.ClusterBits;
        _refcountOrder = header.RefcountOrder;
        _entriesPerBlockBits = _clusterBits + 3 - _refcountOrder;
        _blocks = new BoundedCache<byte[]>(cachedBlocks);
        _tableOffset = header.RefcountTableOffset;
        _tableClusters = header.RefcountTableClusters;
        var bytes = new byte[_tableClusters * ClusterSize];
        file.Read(_tableOffset, bytes);
        _table = new ulong[bytes.Length / 8];
        for (var i = 0; i < _table.Length; i++)
        {
            var entry = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
            if (entry == 0) continue;
            if ((entry & (ulong)(ClusterSize - 1)) != 0)
                throw new Qcow2Exception($"{file.Path}: invalid qcow2 image: refcount table entry {i} (0x{entry:x}) is not aligned to a cluster");
            if (entry >= (ulong)file.Length)
                throw new Qcow2Exception($"{file.Path}: invalid qcow2 image: refcount table entry {i} (0x{entry:x}) points past the end of the file");
            _table[i] = entry;
        }
        _nextFree = (file.Length + ClusterSize - 1) & ~(ClusterSize - 1);
    }

    private long ClusterSize => 1L << _clusterBits;
    public int RefcountBits => 1 << _refcountOrder;
    public ulong MaxRefcount => _refcountOrder == 6 ? ulong.MaxValue : (1UL << RefcountBits) - 1;

    /// <summary>Refcount of the host cluster with index <paramref name="cluster"/> (0 when no block covers it).</summary>
    public ulong Get(long cluster)
    {
        var blockIndex = cluster >> _entriesPerBlockBits;
        if (blockIndex >= _table.Length || _table[blockIndex] == 0) return 0;
        return ReadEntry(LoadBlock(_table[blockIndex]), cluster & ((1L << _entriesPerBlockBits) - 1));
    }

    /// <summary>Host offsets of the refcount blocks the table points to.</summary>
    public IEnumerable<long> BlockOffsets() => _table.Where(e => e != 0).Select(e => (long)e).ToArray();

    /// <summary>Takes <paramref name="count"/> clusters at the end of the file; their refcounts are still 0 (set them after writing the data).</summary>
    public long Reserve(int count)
    {
        var offset = _nextFree;
        _nextFree += count * ClusterSize;
        return offset;
    }

    public void Increment(long cluster)
    {
        var value = Get(cluster);
        if (value >= MaxRefcount)
            throw new Qcow2Exception($"{_file.Path}: refcount of cluster {cluster} would overflow {RefcountBits}-bit refcounts");
        Set(cluster, value + 1);
    }

    public void Decrement(long cluster)
    {
        var value = Get(cluster);
        if (value == 0) throw new Qcow2Exception($"{_file.Path}: corrupt qcow2 image: freeing cluster {cluster} whose refcount is already 0");
        Set(cluster, value - 1);
    }

    /// <summary>Writes the refcount of one cluster, creating refcount blocks and growing the table as needed.</summary>
    public void Set(long cluster, ulong value)
    {
        if (value > MaxRefcount)
            throw new Qcow2Exception($"{_file.Path}: refcount {value} does not fit in {RefcountBits} bits");
        var blockIndex = cluster >> _entriesPerBlockBits;
        if (blockIndex >= _table.Length) GrowTable(blockIndex + 1);
        if (_table[blockIndex] == 0) NewBlock(blockIndex);
        var blockOffset = _table[blockIndex];
        var block = LoadBlock(blockOffset);
        var index = cluster & ((1L << _entriesPerBlockBits) - 1);
        var byteIndex = WriteEntry(block, index, value);
        var width = Math.Max(1, RefcountBits / 8);
        _file.Write((long)blockOffset + byteIndex, block.AsSpan((int)byteIndex, width));
    }

    private byte[] LoadBlock(ulong offset)
    {
        if (_blocks.TryGet((long)offset, out var block)) return block;
        block = new byte[ClusterSize];
        _file.Read((long)offset, block);
        _blocks.Add((long)offset, block);
        return block;
    }

    private ulong ReadEntry(byte[] block, long index)
    {
        var bits = RefcountBits;
        if (bits >= 8)
        {
            var bytes = bits / 8;
            ulong value = 0;
            for (var i = 0; i < bytes; i++) value = (value << 8) | block[index * bytes + i];
            return value;
        }
        var perByte = 8 / bits;
        return (ulong)(block[index / perByte] >> (int)(index % perByte * bits)) & ((1UL << bits) - 1);
    }

    /// <summary>Stores an entry in the cached block; returns the offset of the first byte that changed.</summary>
    private long WriteEntry(byte[] block, long index, ulong value)
    {
        var bits = RefcountBits;
        if (bits >= 8)
        {
            var bytes = bits / 8;
            for (var i = bytes - 1; i >= 0; i--, value >>= 8) block[index * bytes + i] = (byte)value;
            return index * bytes;
        }
        var perByte = 8 / bits;
        var shift = (int)(index % perByte * bits);
        var mask = (byte)(((1 << bits) - 1) << shift);
        var at = index / perByte;
        block[at] = (byte)((block[at] & ~mask) | (((int)value << shift) & mask));
        return at;
    }

    /// <summary>A fresh block at the end of the file; it is on disk and counted before the table points to it.</summary>
    private void NewBlock(long blockIndex)
    {
        var offset = Reserve(1);
        var cluster = offset >> _clusterBits;
        var block = new byte[ClusterSize];
        var selfCovering = cluster >> _entriesPerBlockBits == blockIndex;
        if (selfCovering) WriteEntry(block, cluster & ((1L << _entriesPerBlockBits) - 1), 1);
        _file.Write(offset, block);
        _blocks.Add(offset, block);
        if (!selfCovering) Set(cluster, 1);
        _table[blockIndex] = (ulong)offset;
        _file.WriteUInt64(_tableOffset + blockIndex * 8, (ulong)offset);
    }

    /// <summary>
    /// Copies the table to a larger one at the end of the file, counts its clusters, then switches the
    /// header to it in one write and frees the old table. A crash before the switch leaks the copy.
    /// </summary>
    private void GrowTable(long minEntries)
    {
        var entriesPerCluster = ClusterSize / 8;
        var entries = Math.Max(minEntries, _table.LongLength * 2);
        // Room for the blocks that will count the new table itself.
        var reach = ((_nextFree >> _clusterBits) + entries / entriesPerCluster + 8 >> _entriesPerBlockBits) + 1;
        entries = Math.Max(entries, reach);
        var clusters = (entries + entriesPerCluster - 1) / entriesPerCluster;
        if (clusters * ClusterSize > Qcow2Header.MaxRefcountTableBytes)
            throw new Qcow2Exception($"{_file.Path}: the refcount table would exceed {Qcow2Header.MaxRefcountTableBytes} bytes");
        var newTable = new ulong[clusters * entriesPerCluster];
        Array.Copy(_table, newTable, _table.Length);
        var offset = Reserve((int)clusters);
        var bytes = new byte[clusters * ClusterSize];
        for (var i = 0; i < newTable.Length; i++) BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * 8), newTable[i]);
        _file.Write(offset, bytes);

        var (oldOffset, oldClusters) = (_tableOffset, _tableClusters);
        (_table, _tableOffset, _tableClusters) = (newTable, offset, (int)clusters);
        for (var c = 0L; c < clusters; c++) Set((offset >> _clusterBits) + c, 1);

        Span<byte> field = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)_tableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(field[8..], (uint)_tableClusters);
        _file.Write(Qcow2Header.RefcountTableOffsetField, field);

        for (var c = 0L; c < oldClusters; c++) Decrement((oldOffset >> _clusterBits) + c);
    }
}
