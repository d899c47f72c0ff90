using System.Buffers.Binary;
using System.IO.Compression;

namespace HexEmu.Adapters.Qcow2;

public sealed partial class Qcow2Image
{
    private int SubclusterBits => _header.ClusterBits - 5;

    /// <summary>Reads guest bytes at any offset and length; past the virtual size reads zeros.</summary>
    public void ReadGuest(long offset, Span<byte> destination)
    {
        var clusterSize = _header.ClusterSize;
        while (destination.Length > 0)
        {
            if (offset >= Size) { destination.Clear(); return; }
            var inCluster = (int)(offset & (clusterSize - 1));
            var length = (int)Math.Min(Math.Min(destination.Length, clusterSize - inCluster), Size - offset);
            ReadInCluster(offset >> _header.ClusterBits, inCluster, destination[..length]);
            offset += length;
            destination = destination[length..];
        }
    }

    /// <summary>Reads inside one guest cluster through <paramref name="l1"/> (the active L1 table when null).</summary>
    private void ReadInCluster(long guestCluster, int inCluster, Span<byte> destination, ulong[]? l1 = null)
    {
        var guestOffset = (guestCluster << _header.ClusterBits) + inCluster;
        var (entry, bitmap) = GetL2Entry(guestCluster, l1 ?? _l1);
        if ((entry & CompressedFlag) != 0)
        {
            Decompress(entry).AsSpan(inCluster, destination.Length).CopyTo(destination);
            return;
        }
        var host = (long)(entry & OffsetMask);
        if (_entryWords == 1)
        {
            if (_header.Version >= 3 && (entry & ZeroFlag) != 0) destination.Clear();
            else if (host == 0) ReadBacking(guestOffset, destination);
            else _file.Read(host + inCluster, destination);
            return;
        }
        // Extended L2: each subcluster is allocated, reads as zero, or falls through to the backing file.
        var subBits = SubclusterBits;
        while (destination.Length > 0)
        {
            var sub = inCluster >> subBits;
            var length = Math.Min(destination.Length, ((sub + 1) << subBits) - inCluster);
            var piece = destination[..length];
            var allocated = (bitmap >> sub & 1) != 0;
            var zero = (bitmap >> (32 + sub) & 1) != 0;
            if (allocated && zero) throw Corrupt($"subcluster {sub} of guest cluster {guestCluster} is both allocated and zero");
            if (allocated)
            {
                if (host == 0) throw Corrupt($"guest cluster {guestCluster} has allocated subclusters but no host cluster");
                _file.Read(host + inCluster, piece);
            }
            else if (zero) piece.Clear();
            else ReadBacking((guestCluster << _header.ClusterBits) + inCluster, piece);
            inCluster += length;
            destination = destination[length..];
        }
    }

    private void ReadBacking(long guestOffset, Span<byte> destination)
    {
        if (_backing is null) destination.Clear();
        else _backing.ReadGuest(guestOffset, destination);
    }

    /// <summary>The L2 entry (and subcluster bitmap with extended L2) for a guest cluster; 0 when no L2 table maps it.</summary>
    private (ulong Entry, ulong Bitmap) GetL2Entry(long guestCluster, ulong[] l1)
    {
        var l1Index = guestCluster >> _l2Bits;
        if (l1Index >= l1.Length) return (0, 0);
        var l2Offset = (long)(l1[l1Index] & OffsetMask);
        if (l2Offset == 0) return (0, 0);
        var table = LoadL2(l2Offset);
        var index = (int)(guestCluster & ((1L << _l2Bits) - 1)) * _entryWords;
        return (table[index], _entryWords == 2 ? table[index + 1] : 0);
    }

    /// <summary>Loads (or finds in the cache) an L2 table and checks that every entry stays inside the file.</summary>
    private ulong[] LoadL2(long offset)
    {
        if (_l2Cache.TryGet(offset, out var table)) return table;
        var bytes = new byte[_header.ClusterSize];
        _file.Read(offset, bytes);
        table = new ulong[bytes.Length / 8];
        for (var i = 0; i < table.Length; i++) table[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        for (var i = 0; i < table.Length; i += _entryWords) CheckL2Entry(offset, i / _entryWords, table[i]);
        _l2Cache.Add(offset, table);
        return table;
    }

    private void CheckL2Entry(long tableOffset, int index, ulong entry)
    {
        if ((entry & CompressedFlag) != 0)
        {
            var (start, end) = CompressedRange(entry);
            // The sector count may round the last compressed cluster a little past the end of the file.
            if (start >= _file.Length || end > _file.Length + _header.ClusterSize)
                throw Corrupt($"L2 entry {index} of the table at 0x{tableOffset:x} (compressed, 0x{start:x}..0x{end:x}) points past the end of the file");
            return;
        }
        var host = entry & OffsetMask;
        if (host == 0) return;
        if ((host & (ulong)(_header.ClusterSize - 1)) != 0)
            throw Corrupt($"L2 entry {index} of the table at 0x{tableOffset:x} (0x{entry:x}) is not aligned to a cluster");
        if (host >= (ulong)_file.Length)
            throw Corrupt($"L2 entry {index} of the table at 0x{tableOffset:x} (0x{entry:x}) points past the end of the file");
    }

    /// <summary>Host byte range [start, end) holding a compressed cluster, from its L2 descriptor.</summary>
    private (long Start, long End) CompressedRange(ulong entry)
    {
        var offsetBits = 62 - (_header.ClusterBits - 8);
        var start = (long)(entry & ((1UL << offsetBits) - 1));
        var extraSectors = (long)((entry & ~(CopiedFlag | CompressedFlag)) >> offsetBits);
        return (start, (start & ~511L) + (extraSectors + 1) * 512);
    }

    /// <summary>Host clusters a compressed cluster's bytes occupy inside the file (each holds one reference for it).</summary>
    private (long First, long Last) CompressedClusters(ulong entry)
    {
        var (start, end) = CompressedRange(entry);
        end = Math.Min(end, Math.Max(start + 1, _file.Length));
        return (start >> _header.ClusterBits, (end - 1) >> _header.ClusterBits);
    }

    private byte[] Decompress(ulong entry)
    {
        if (entry == _decompressedDescriptor) return _decompressed;
        var (start, end) = CompressedRange(entry);
        var compressed = new byte[Math.Min(end, _file.Length) - start];
        _file.Read(start, compressed);
        _decompressedDescriptor = ulong.MaxValue;
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var done = 0;
            while (done < _decompressed.Length)
            {
                var n = inflater.Read(_decompressed, done, _decompressed.Length - done);
                if (n == 0) break;
                done += n;
            }
            if (done != _decompressed.Length)
                throw Corrupt($"compressed cluster at 0x{start:x} inflates to {done} bytes instead of {_decompressed.Length}");
        }
        catch (InvalidDataException)
        {
            throw Corrupt($"compressed cluster at 0x{start:x} is not valid deflate data");
        }
        _decompressedDescriptor = entry;
        return _decompressed;
    }
}
