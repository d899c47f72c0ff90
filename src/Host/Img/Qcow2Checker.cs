using System.Buffers.Binary;

namespace HexEmu.Host.Img;

/// <summary>What <c>check</c> found, in qemu-img's terms.</summary>
public sealed record CheckResult(long Corruptions, long Leaks, long CheckErrors, long TotalClusters,
    long AllocatedClusters, long FragmentedClusters, long CompressedClusters, long ImageEndOffset);

/// <summary>
/// An independent consistency check of a qcow2 image: every reference the metadata makes (header,
/// L1/L2 tables and data of the active layer and of every snapshot, the snapshot table, the refcount
/// table and its blocks) is counted from scratch and compared with the stored refcounts, then the
/// COPIED flags of the active tables are checked against the stored refcounts. It only reads the file,
/// so it also describes images the block layer refuses to open. Problems go to
/// <paramref name="report"/> one line each, worded like qemu-img's.
/// </summary>
public sealed class Qcow2Checker(string path, TextWriter report)
{
    private const ulong CopiedFlag = 1UL << 63;
    private const ulong CompressedFlag = 1UL << 62;
    private const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00UL;

    private FileStream _file = null!;
    private Qcow2Metadata _meta = null!;
    private long _clusterSize;
    private int _clusterBits;
    private ulong[] _references = [];
    private ulong[] _refcountTable = [];
    /// <summary>References to clusters past the end of the file (corrupt images), kept sparse.</summary>
    private readonly SortedDictionary<long, ulong> _beyondEnd = [];
    private long _corruptions, _leaks;
    private long _allocated, _fragmented, _compressed, _nextContiguous;

    public CheckResult Run()
    {
        using var file = File.OpenRead(path);
        _file = file;
        _meta = Qcow2Metadata.Read(path);
        _clusterBits = _meta.ClusterBits;
        _clusterSize = 1L << _clusterBits;
        var fileClusters = (file.Length + _clusterSize - 1) >> _clusterBits;
        _references = new ulong[fileClusters];
        _refcountTable = ReadTable(_meta.RefcountTableOffset, _meta.RefcountTableClusters * _clusterSize / 8);

        Reference(0, _clusterSize);
        CountL1(_meta.L1TableOffset, _meta.L1Size, active: true);
        foreach (var snapshot in _meta.Snapshots) CountL1(snapshot.L1TableOffset, snapshot.L1Size, active: false);
        Reference(_meta.SnapshotsOffset, _meta.Snapshots.Sum(s => s.EntryBytes));
        Reference(_meta.RefcountTableOffset, _meta.RefcountTableClusters * _clusterSize);
        CountRefcountBlocks(fileClusters);

        var highest = CompareRefcounts();
        CheckCopiedFlags();
        var totalClusters = (_meta.Size + _clusterSize - 1) >> _clusterBits;
        return new CheckResult(_corruptions, _leaks, CheckErrors: 0, totalClusters, _allocated, _fragmented, _compressed,
            (highest + 1) * _clusterSize);
    }

    private void CountL1(long l1Offset, int l1Size, bool active)
    {
        if (l1Size <= 0) return;
        Reference(l1Offset, l1Size * 8L);
        var l1 = ReadTable(l1Offset, l1Size);
        foreach (var l1Entry in l1)
        {
            var l2Offset = (long)(l1Entry & OffsetMask);
            if (l2Offset == 0) continue;
            Reference(l2Offset, _clusterSize);
            if ((l2Offset & (_clusterSize - 1)) != 0)
            {
                Error($"ERROR l2_offset={l2Offset:x}: Table is not cluster aligned; L1 entry corrupted");
                continue;
            }
            CountL2(l2Offset, active);
        }
    }

    private void CountL2(long l2Offset, bool active)
    {
        var words = _meta.HasExtendedL2 ? 2 : 1;
        var table = ReadTable(l2Offset, _clusterSize / 8);
        for (var i = 0; i < table.Length; i += words)
        {
            var entry = table[i];
            if ((entry & CompressedFlag) != 0)
            {
                var offsetBits = 62 - (_clusterBits - 8);
                var start = (long)(entry & ((1UL << offsetBits) - 1));
                if ((entry & CopiedFlag) != 0)
                    Error($"ERROR: coffset=0x{start:x}: copied flag must never be set for compressed clusters");
                var sectors = (long)((entry & ~(CopiedFlag | CompressedFlag)) >> offsetBits) + 1;
                Reference(start, sectors * 512 - (start & 511));
                if (active) { _allocated++; _compressed++; _fragmented++; }
                continue;
            }
            var host = (long)(entry & OffsetMask);
            if (host == 0) continue;
            if (active)
            {
                _allocated++;
                if (_nextContiguous != 0 && host != _nextContiguous) _fragmented++;
                _nextContiguous = host + _clusterSize;
            }
            if ((host & (_clusterSize - 1)) != 0)
            {
                Error($"ERROR offset={host:x}: Cluster is not properly aligned; L2 entry corrupted.");
                continue;
            }
            Reference(host, _clusterSize);
        }
    }

    private void CountRefcountBlocks(long fileClusters)
    {
        for (var i = 0; i < _refcountTable.Length; i++)
        {
            var offset = (long)_refcountTable[i] & ~0x1FFL;
            if (offset == 0) continue;
            if ((offset & (_clusterSize - 1)) != 0)
            {
                Error($"ERROR refcount block {i} is not cluster aligned; refcount table entry corrupted");
                continue;
            }
            if (offset >> _clusterBits >= fileClusters)
            {
                Error($"ERROR refcount block {i} is outside image");
                continue;
            }
            Reference(offset, _clusterSize);
            if (Counted(offset >> _clusterBits) != 1)
                Error($"ERROR refcount block {i} refcount={Counted(offset >> _clusterBits)}");
        }
    }

    private ulong Counted(long cluster) =>
        cluster < _references.Length ? _references[cluster] : _beyondEnd.GetValueOrDefault(cluster);

    private long CompareRefcounts()
    {
        var highest = -1L;
        foreach (var c in Enumerable.Range(0, _references.Length).Select(i => (long)i).Concat(_beyondEnd.Keys))
        {
            var stored = StoredRefcount(c);
            var counted = Counted(c);
            if (stored != counted)
            {
                var leak = stored > counted;
                report.WriteLine($"{(leak ? "Leaked" : "ERROR")} cluster {c} refcount={stored} reference={counted}");
                if (leak) _leaks++;
                else _corruptions++;
            }
            if (stored > 0 || counted > 0) highest = c;
        }
        return highest;
    }

    private void CheckCopiedFlags()
    {
        var l1 = _meta.L1Size > 0 ? ReadTable(_meta.L1TableOffset, _meta.L1Size) : [];
        var words = _meta.HasExtendedL2 ? 2 : 1;
        for (var i = 0; i < l1.Length; i++)
        {
            var l2Offset = (long)(l1[i] & OffsetMask);
            if (l2Offset == 0) continue;
            var refcount = StoredRefcount(l2Offset >> _clusterBits);
            if ((refcount == 1) != ((l1[i] & CopiedFlag) != 0))
                Error($"ERROR OFLAG_COPIED L2 cluster: l1_index={i} l1_entry={l1[i]:x} refcount={refcount}");
            if ((l2Offset & (_clusterSize - 1)) != 0) continue;
            var table = ReadTable(l2Offset, _clusterSize / 8);
            for (var e = 0; e < table.Length; e += words)
            {
                var entry = table[e];
                var host = (long)(entry & OffsetMask);
                if ((entry & CompressedFlag) != 0 || host == 0) continue;
                var dataRefcount = StoredRefcount(host >> _clusterBits);
                if ((dataRefcount == 1) != ((entry & CopiedFlag) != 0))
                    Error($"ERROR OFLAG_COPIED data cluster: l2_entry={entry:x} refcount={dataRefcount}");
            }
        }
    }

    /// <summary>The refcount stored for a host cluster; 0 where no (valid) refcount block covers it.</summary>
    private ulong StoredRefcount(long cluster)
    {
        var order = _meta.RefcountOrder;
        var entriesBits = _clusterBits + 3 - order;
        var index = cluster >> entriesBits;
        if (index >= _refcountTable.Length) return 0;
        var block = (long)_refcountTable[index] & ~0x1FFL;
        if (block == 0 || (block & (_clusterSize - 1)) != 0 || block >= _file.Length) return 0;
        var entry = cluster & ((1L << entriesBits) - 1);
        var bits = 1 << order;
        var bitOffset = entry * bits;
        Span<byte> bytes = stackalloc byte[8];
        var width = Math.Max(1, bits / 8);
        ReadAt(block + bitOffset / 8, bytes[..width]);
        if (bits < 8) return (ulong)(bytes[0] >> (int)(bitOffset % 8)) & ((1UL << bits) - 1);
        ulong value = 0;
        for (var i = 0; i < width; i++) value = value << 8 | bytes[i];
        return value;
    }

    /// <summary>Counts one reference to every cluster in [offset, offset + bytes), as qemu does (overflow is an error).</summary>
    private void Reference(long offset, long bytes)
    {
        if (bytes <= 0 || offset < 0) return;
        var max = _meta.RefcountOrder >= 6 ? ulong.MaxValue : (1UL << _meta.RefcountBits) - 1;
        for (var c = offset >> _clusterBits; c <= (offset + bytes - 1) >> _clusterBits; c++)
        {
            var count = Counted(c);
            if (count == max)
            {
                Error($"ERROR: overflow cluster offset=0x{c << _clusterBits:x}");
                continue;
            }
            if (c < _references.Length) _references[c]++;
            else _beyondEnd[c] = count + 1;
        }
    }

    private ulong[] ReadTable(long offset, long entries)
    {
        if (entries <= 0 || entries > 1 << 24) return [];
        var bytes = new byte[entries * 8];
        ReadAt(offset, bytes);
        var table = new ulong[entries];
        for (var i = 0; i < table.Length; i++) table[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        return table;
    }

    /// <summary>Reads like the block layer does: past the end of the file there are zeros.</summary>
    private void ReadAt(long offset, Span<byte> destination)
    {
        destination.Clear();
        if (offset < 0 || offset >= _file.Length) return;
        _file.Position = offset;
        _file.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
    }

    private void Error(string line)
    {
        report.WriteLine(line);
        _corruptions++;
    }
}
