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
    private const ulong ZeroFlag = 1;
    private const int MaxL1Entries = 32 * 1024 * 1024 / 8;
    private const ulong L1ReservedMask = 0x7F00_0000_0000_01FFUL;
    private const ulong L2ReservedMask = 0x3F00_0000_0000_01FEUL;

    private FileStream _file = null!;
    private Qcow2Metadata _meta = null!;
    private long _clusterSize;
    private int _clusterBits;
    private uint[] _references = [];
    /// <summary>The refcount block read last: the comparison walks clusters in order, so one block serves thousands of lookups.</summary>
    private byte[] _cachedBlock = [];
    private long _cachedBlockOffset = -1;
    private ulong[] _refcountTable = [];
    private long _corruptions, _leaks;
    private long _allocated, _fragmented, _compressed, _checkErrors;

    public CheckResult Run()
    {
        using var file = File.OpenRead(path);
        _file = file;
        _meta = Qcow2Metadata.Read(path);
        RefuseUnopenable();
        _clusterBits = _meta.ClusterBits;
        _clusterSize = 1L << _clusterBits;
        var fileClusters = (file.Length + _clusterSize - 1) >> _clusterBits;
        _references = new uint[fileClusters];
        _cachedBlock = new byte[_clusterSize];
        _refcountTable = ReadTable(_meta.RefcountTableOffset, _meta.RefcountTableClusters * _clusterSize / 8);

        Reference(0, _clusterSize);
        CountL1(_meta.L1TableOffset, _meta.L1Size, active: true);
        foreach (var snapshot in _meta.Snapshots)
        {
            if ((snapshot.L1TableOffset & (_clusterSize - 1)) != 0)
                Error($"ERROR snapshot {snapshot.Id} ({snapshot.Name}) l1_offset=0x{snapshot.L1TableOffset:x}: L1 table is not cluster aligned; snapshot table entry corrupted");
            else if (snapshot.L1Size > MaxL1Entries || snapshot.L1Size < 0)
                Error($"ERROR snapshot {snapshot.Id} ({snapshot.Name}) l1_size=0x{snapshot.L1Size:x}: L1 table is too large; snapshot table entry corrupted");
            else CountL1(snapshot.L1TableOffset, snapshot.L1Size, active: false);
        }
        Reference(_meta.SnapshotsOffset, _meta.Snapshots.Sum(s => s.EntryBytes));
        Reference(_meta.RefcountTableOffset, _meta.RefcountTableClusters * _clusterSize);
        CountBitmaps();
        CountRefcountBlocks();

        var highest = CompareRefcounts();
        CheckCopiedFlags();
        var totalClusters = (_meta.Size + _clusterSize - 1) >> _clusterBits;
        return new CheckResult(_corruptions, _leaks, _checkErrors, totalClusters, _allocated, _fragmented, _compressed,
            (highest + 1) * _clusterSize);
    }

    /// <summary>Header values no qcow2 implementation opens; qemu-img cannot check such a file either.</summary>
    private void RefuseUnopenable()
    {
        if (_file.Length < 72) throw new ImgException("qcow2 header too short");
        if (_meta.Version is not (2 or 3)) throw new ImgException($"Unsupported qcow2 version {_meta.Version}");
        if (_meta.ClusterBits is < 9 or > 21) throw new ImgException($"Unsupported cluster size: 2^{_meta.ClusterBits}");
        if (_meta.RefcountOrder > 6) throw new ImgException("Reference count entry width too large; may not exceed 64 bits");
        if (_meta.L1Size < 0 || _meta.L1Size > MaxL1Entries) throw new ImgException("Active L1 table too large");
        if (_meta.RefcountTableClusters is < 0 or > (8 << 20) / 512) throw new ImgException("Reference count table too large");
    }

    private void CountL1(long l1Offset, int l1Size, bool active)
    {
        if (l1Size <= 0) return;
        Reference(l1Offset, l1Size * 8L);
        var l1 = ReadTable(l1Offset, l1Size);
        foreach (var l1Entry in l1)
        {
            if (l1Entry == 0) continue;
            if ((l1Entry & L1ReservedMask) != 0) Error($"ERROR found L1 entry with reserved bits set: {l1Entry:x}");
            var l2Offset = (long)(l1Entry & OffsetMask);
            Reference(l2Offset, _clusterSize);
            if ((l2Offset & (_clusterSize - 1)) != 0)
                Error($"ERROR l2_offset={l2Offset:x}: Table is not cluster aligned; L1 entry corrupted");
            CountL2(l2Offset, active);
        }
    }

    private void CountL2(long l2Offset, bool active)
    {
        var words = _meta.HasExtendedL2 ? 2 : 1;
        var table = ReadTable(l2Offset, _clusterSize / 8);
        var nextContiguous = 0L; // fragmentation is judged within one L2 table
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
            if ((entry & L2ReservedMask) != 0) Error($"ERROR found l2 entry with reserved bits set: {entry:x}");
            var host = (long)(entry & OffsetMask);
            if (host == 0) continue;
            if ((host & (_clusterSize - 1)) != 0)
            {
                var zero = (entry & ZeroFlag) != 0 && words == 1;
                Error(zero ? $"ERROR offset={host:x}: Preallocated cluster is not properly aligned; L2 entry corrupted."
                    : $"ERROR offset={host:x}: Data cluster is not properly aligned; L2 entry corrupted.");
            }
            if (active)
            {
                _allocated++;
                if (nextContiguous != 0 && host != nextContiguous) _fragmented++;
                nextContiguous = host + _clusterSize;
            }
            Reference(host, _clusterSize);
        }
    }

    /// <summary>
    /// Persistent dirty bitmaps own their directory, their tables and the clusters those point to, but
    /// only while they are consistent: once a program without bitmap support cleared the autoclear bit,
    /// qemu ignores them (and their clusters count as leaked).
    /// </summary>
    private void CountBitmaps()
    {
        if (_meta.Bitmaps is not { Count: > 0 } bitmaps) return;
        if (!_meta.BitmapsConsistent)
        {
            report.WriteLine($"{ImgTool.Prefix}warning: a program lacking bitmap support modified this file, so all bitmaps are now considered inconsistent");
            report.WriteLine("Some clusters may be leaked, run 'qemu-img check -r' on the image file to fix.");
            return;
        }
        Reference(bitmaps.DirectoryOffset, bitmaps.DirectorySize);
        foreach (var bitmap in _meta.BitmapDirectory)
        {
            Reference(bitmap.TableOffset, bitmap.TableSize * 8L);
            foreach (var tableEntry in ReadTable(bitmap.TableOffset, bitmap.TableSize))
                if ((tableEntry & OffsetMask) != 0) Reference((long)(tableEntry & OffsetMask), _clusterSize);
        }
    }

    private void CountRefcountBlocks()
    {
        for (var i = 0; i < _refcountTable.Length; i++)
        {
            if ((_refcountTable[i] & 0x1FF) != 0)
            {
                Error($"ERROR refcount table entry {i} has reserved bits set");
                continue;
            }
            var offset = (long)_refcountTable[i];
            if ((offset & (_clusterSize - 1)) != 0)
            {
                Error($"ERROR refcount block {i} is not cluster aligned; refcount table entry corrupted");
                continue;
            }
            if (offset >> _clusterBits >= _references.Length)
            {
                Error($"ERROR refcount block {i} is outside image");
                continue;
            }
            if (offset == 0) continue;
            Reference(offset, _clusterSize);
            if (Counted(offset >> _clusterBits) != 1)
                Error($"ERROR refcount block {i} refcount={Counted(offset >> _clusterBits)}");
        }
    }

    private ulong Counted(long cluster) => cluster < _references.Length ? _references[cluster] : 0u;

    private long CompareRefcounts()
    {
        var highest = 0L;
        for (var c = 0L; c < _references.Length; c++)
        {
            if (StoredRefcount(c) is not { } stored)
            {
                report.WriteLine($"Can't get refcount for cluster {c}: Input/output error");
                _checkErrors++;
                continue;
            }
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
            if (StoredRefcount(l2Offset >> _clusterBits) is not { } refcount) continue;
            if ((refcount == 1) != ((l1[i] & CopiedFlag) != 0))
                Error($"ERROR OFLAG_COPIED L2 cluster: l1_index={i} l1_entry={l1[i]:x} refcount={refcount}");
            var table = ReadTable(l2Offset, _clusterSize / 8);
            for (var e = 0; e < table.Length; e += words)
            {
                var entry = table[e];
                var host = (long)(entry & OffsetMask);
                if ((entry & CompressedFlag) != 0 || host == 0) continue;
                if (StoredRefcount(host >> _clusterBits) is not { } dataRefcount) continue;
                if ((dataRefcount == 1) != ((entry & CopiedFlag) != 0))
                    Error($"ERROR OFLAG_COPIED data cluster: l2_entry={entry:x} refcount={dataRefcount}");
            }
        }
    }

    /// <summary>The refcount stored for a host cluster; 0 where no refcount block covers it, null when its block is unusable (unaligned).</summary>
    private ulong? StoredRefcount(long cluster)
    {
        var order = _meta.RefcountOrder;
        var entriesBits = _clusterBits + 3 - order;
        var index = cluster >> entriesBits;
        if (index >= _refcountTable.Length) return 0;
        var block = (long)_refcountTable[index] & ~0x1FFL;
        if (block == 0) return 0;
        if ((block & (_clusterSize - 1)) != 0) return null;
        var entry = cluster & ((1L << entriesBits) - 1);
        var bits = 1 << order;
        var bitOffset = entry * bits;
        var width = Math.Max(1, bits / 8);
        if (block != _cachedBlockOffset)
        {
            ReadAt(block, _cachedBlock);
            _cachedBlockOffset = block;
        }
        var bytes = _cachedBlock.AsSpan((int)(bitOffset / 8), width);
        if (bits < 8) return (ulong)(bytes[0] >> (int)(bitOffset % 8)) & ((1UL << bits) - 1);
        ulong value = 0;
        for (var i = 0; i < width; i++) value = value << 8 | bytes[i];
        return value;
    }

    /// <summary>
    /// Counts one reference to every cluster in [offset, offset + bytes), as qemu does: a region ending a
    /// whole cluster or more past the end of the file is an error and not counted (the last cluster may
    /// be partly written); a counter at its maximum is an overflow error.
    /// </summary>
    private void Reference(long offset, long bytes)
    {
        if (bytes <= 0) return;
        if (offset + bytes - _file.Length >= _clusterSize)
        {
            Error($"ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x{offset:x} size 0x{bytes:x}");
            return;
        }
        // Counting stops at the widest refcount the image can store (capped at 32 bits: 4 billion references to one cluster cannot fit in any file).
        var max = (uint)Math.Min(uint.MaxValue, _meta.RefcountOrder >= 6 ? ulong.MaxValue : (1UL << _meta.RefcountBits) - 1);
        for (var c = offset >> _clusterBits; c <= (offset + bytes - 1) >> _clusterBits; c++)
        {
            if (c >= _references.Length) Array.Resize(ref _references, (int)c + 1);
            if (_references[c] == max)
            {
                Error($"ERROR: overflow cluster offset=0x{c << _clusterBits:x}");
                report.WriteLine("Use qemu-img amend to increase the refcount entry width or qemu-img convert to create a clean copy if the image cannot be opened for writing");
                continue;
            }
            _references[c]++;
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
