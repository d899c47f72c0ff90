using System.Buffers.Binary;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// Writes. The order on disk is always: data, then the refcount of any new cluster, then the L2
/// entry, then the L1 entry, and only then are old clusters released. A process killed between any
/// two steps leaves at worst leaked clusters, never a pointer to an uncounted cluster.
/// </summary>
public sealed partial class Qcow2Image
{
    private const ulong AllSubclustersAllocated = 0xFFFF_FFFFUL;

    /// <summary>Writes guest bytes at any offset and length inside the virtual size.</summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly) throw new Qcow2Exception($"{Path}: image is read-only");
        if (_brokenForWrites) throw new Qcow2Exception($"{Path}: an earlier write failed on corrupt metadata; refusing further writes");
        if (offset < 0 || offset + source.Length > Size)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Path}: write at 0x{offset:x}+{source.Length} is outside the disk");
        try
        {
            var clusterSize = _header.ClusterSize;
            while (source.Length > 0)
            {
                var inCluster = (int)(offset & (clusterSize - 1));
                var length = (int)Math.Min(source.Length, clusterSize - inCluster);
                WriteInCluster(offset >> _header.ClusterBits, inCluster, source[..length]);
                offset += length;
                source = source[length..];
            }
        }
        catch (Qcow2Exception)
        {
            _brokenForWrites = true;
            throw;
        }
    }

    private void WriteInCluster(long guestCluster, int inCluster, ReadOnlySpan<byte> data)
    {
        var l2Offset = WritableL2(guestCluster >> _l2Bits);
        var table = LoadL2(l2Offset);
        var index = (int)(guestCluster & ((1L << _l2Bits) - 1)) * _entryWords;
        var entry = table[index];
        var bitmap = _entryWords == 2 ? table[index + 1] : 0;
        var host = (long)(entry & OffsetMask);
        var zeroFlagged = _entryWords == 1 && _header.Version >= 3 && (entry & ZeroFlag) != 0;
        var ownedInPlace = (entry & CompressedFlag) == 0 && host != 0 && (entry & CopiedFlag) != 0 && !zeroFlagged;

        if (ownedInPlace && _entryWords == 1)
        {
            _file.Write(host + inCluster, data);
            return;
        }
        if (ownedInPlace)
        {
            WriteSubclustersInPlace(guestCluster, inCluster, data, l2Offset, index, host, bitmap);
            return;
        }

        // Copy-on-write into a fresh cluster: the old content (backing file, zeros, compressed or
        // shared cluster) fills what this write does not cover.
        var buffer = new byte[_header.ClusterSize];
        if (data.Length != buffer.Length) ReadInCluster(guestCluster, 0, buffer);
        data.CopyTo(buffer.AsSpan(inCluster));
        var newHost = _refcounts.Reserve(1);
        _file.Write(newHost, buffer);
        _refcounts.Set(newHost >> _header.ClusterBits, 1);
        SetL2Entry(l2Offset, table, index, (ulong)newHost | CopiedFlag, AllSubclustersAllocated);
        ReleaseOldMapping(entry);
    }

    /// <summary>Extended L2, cluster owned: subclusters newly allocated get their untouched bytes from their old content first.</summary>
    private void WriteSubclustersInPlace(long guestCluster, int inCluster, ReadOnlySpan<byte> data, long l2Offset, int index, long host, ulong bitmap)
    {
        var subBits = SubclusterBits;
        var first = inCluster >> subBits;
        var last = (inCluster + data.Length - 1) >> subBits;
        var touched = ((1UL << (last - first + 1)) - 1) << first;
        if ((bitmap & touched) == touched)
        {
            _file.Write(host + inCluster, data);
            return;
        }
        var start = first << subBits;
        var region = new byte[(last - first + 1) << subBits];
        ReadInCluster(guestCluster, start, region);
        data.CopyTo(region.AsSpan(inCluster - start));
        _file.Write(host + start, region);
        var table = LoadL2(l2Offset);
        SetL2Entry(l2Offset, table, index, table[index], (bitmap | touched) & ~(touched << 32));
    }

    private void SetL2Entry(long l2Offset, ulong[] table, int index, ulong entry, ulong bitmap)
    {
        table[index] = entry;
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, entry);
        if (_entryWords == 2)
        {
            table[index + 1] = bitmap;
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], bitmap);
        }
        _file.Write(l2Offset + index * 8L, bytes[..(_entryWords * 8)]);
    }

    /// <summary>Drops the references an overwritten L2 entry held (after the new entry is on disk).</summary>
    private void ReleaseOldMapping(ulong entry)
    {
        if ((entry & CompressedFlag) != 0)
        {
            var (first, last) = CompressedClusters(entry);
            for (var c = first; c <= last; c++) _refcounts.Decrement(c);
            return;
        }
        var host = (long)(entry & OffsetMask);
        if (host != 0) _refcounts.Decrement(host >> _header.ClusterBits);
    }

    /// <summary>
    /// The L2 table for an L1 index, ready for in-place updates: allocated if missing, copied if it is
    /// shared with a snapshot (L1 entry without the COPIED flag).
    /// </summary>
    private long WritableL2(long l1Index)
    {
        var l1Entry = _l1[l1Index];
        var oldOffset = (long)(l1Entry & OffsetMask);
        if (oldOffset != 0 && (l1Entry & CopiedFlag) != 0) return oldOffset;

        var content = new byte[_header.ClusterSize];
        ulong[]? copy = null;
        if (oldOffset != 0)
        {
            copy = (ulong[])LoadL2(oldOffset).Clone();
            for (var i = 0; i < copy.Length; i++) BinaryPrimitives.WriteUInt64BigEndian(content.AsSpan(i * 8), copy[i]);
        }
        var newOffset = _refcounts.Reserve(1);
        _file.Write(newOffset, content);
        _refcounts.Set(newOffset >> _header.ClusterBits, 1);
        _l1[l1Index] = (ulong)newOffset | CopiedFlag;
        _file.WriteUInt64(_header.L1TableOffset + l1Index * 8, _l1[l1Index]);
        _l2Cache.Add(newOffset, copy ?? new ulong[_header.ClusterSize / 8]);
        if (oldOffset != 0)
        {
            _l2Cache.Remove(oldOffset);
            _refcounts.Decrement(oldOffset >> _header.ClusterBits);
        }
        return newOffset;
    }
}
