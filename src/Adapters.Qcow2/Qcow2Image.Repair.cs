using System.Buffers.Binary;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// Repair of a dirty image (lazy refcounts left stale by a crash), as QEMU does when it opens such an
/// image for writing: count every reference from the metadata, write the refcounts that differ, fix
/// the COPIED flags of the active tables, and only then clear the dirty bit. A crash during the
/// repair leaves the dirty bit set, so the next open repairs again.
/// </summary>
public sealed partial class Qcow2Image
{
    private void RepairRefcounts()
    {
        var clusterBits = _header.ClusterBits;
        var fileClusters = (_file.Length + _header.ClusterSize - 1) >> clusterBits;
        var expected = new ulong[fileClusters];

        void Reference(long offset, long bytes, string what)
        {
            if (bytes <= 0) return;
            for (var c = offset >> clusterBits; c <= (offset + bytes - 1) >> clusterBits; c++)
            {
                if (c >= fileClusters) throw Corrupt($"{what} at 0x{offset:x} lies past the end of the file");
                expected[c]++;
            }
        }

        Reference(0, 1, "header");
        Reference(_header.RefcountTableOffset, _header.RefcountTableClusters * _header.ClusterSize, "refcount table");
        foreach (var block in _refcounts.BlockOffsets()) Reference(block, 1, "refcount block");
        if (Snapshots.Count > 0) Reference(_header.SnapshotsOffset, _snapshotTableBytes, "snapshot table");
        ReferenceTree(_header.L1TableOffset, _header.L1Size, Reference);
        foreach (var snapshot in Snapshots) ReferenceTree(snapshot.L1TableOffset, snapshot.L1Size, Reference);

        for (var c = 0L; c < fileClusters; c++)
        {
            if (expected[c] > _refcounts.MaxRefcount)
                throw new Qcow2Exception($"{Path}: cluster {c} has {expected[c]} references, more than {_refcounts.RefcountBits}-bit refcounts hold");
            // New refcount blocks created here are appended past fileClusters and counted by the allocator.
            if (_refcounts.Get(c) != expected[c]) _refcounts.Set(c, expected[c]);
        }
        FixActiveCopiedFlags();

        _file.Flush();
        _file.WriteUInt64(Qcow2Header.IncompatibleFeaturesOffset, _header.IncompatibleFeatures & ~Qcow2Header.DirtyBit);
        _file.Flush();
        IsDirty = false;
    }

    /// <summary>Counts one L1 table, its L2 tables and their data clusters (once per L1 that reaches them, as refcounts do).</summary>
    private void ReferenceTree(long l1Offset, int l1Size, Action<long, long, string> reference)
    {
        reference(l1Offset, l1Size * 8L, "L1 table");
        var bytes = new byte[l1Size * 8];
        _file.Read(l1Offset, bytes);
        for (var i = 0; i < l1Size; i++)
        {
            var l2Offset = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8)) & OffsetMask);
            if (l2Offset == 0) continue;
            reference(l2Offset, 1, "L2 table");
            var table = LoadL2(l2Offset);
            for (var e = 0; e < table.Length; e += _entryWords)
            {
                var entry = table[e];
                if ((entry & CompressedFlag) != 0)
                {
                    var (first, last) = CompressedClusters(entry);
                    reference(first << _header.ClusterBits, (last - first + 1) << _header.ClusterBits, "compressed cluster");
                }
                else if ((entry & OffsetMask) != 0) reference((long)(entry & OffsetMask), 1, "data cluster");
            }
        }
    }

    /// <summary>COPIED must be set exactly on active L1/L2 entries whose cluster has refcount 1.</summary>
    private void FixActiveCopiedFlags()
    {
        for (var i = 0; i < _l1.Length; i++)
        {
            var l2Offset = (long)(_l1[i] & OffsetMask);
            if (l2Offset == 0) continue;
            var wanted = WithCopied(_l1[i], _refcounts.Get(l2Offset >> _header.ClusterBits) == 1);
            if (wanted != _l1[i])
            {
                _l1[i] = wanted;
                _file.WriteUInt64(_header.L1TableOffset + i * 8L, wanted);
            }
            var table = LoadL2(l2Offset);
            for (var e = 0; e < table.Length; e += _entryWords)
            {
                var entry = table[e];
                var host = (long)(entry & OffsetMask);
                if ((entry & CompressedFlag) != 0 || host == 0) continue;
                var fixedEntry = WithCopied(entry, _refcounts.Get(host >> _header.ClusterBits) == 1);
                if (fixedEntry == entry) continue;
                table[e] = fixedEntry;
                _file.WriteUInt64(l2Offset + e * 8L, fixedEntry);
            }
        }
    }

    private static ulong WithCopied(ulong entry, bool copied) => copied ? entry | CopiedFlag : entry & ~CopiedFlag;
}
