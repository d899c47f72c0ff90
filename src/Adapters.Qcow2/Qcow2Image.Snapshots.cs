using System.Buffers.Binary;
using System.Globalization;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// Internal snapshots, stored as the qcow2 specification describes: a snapshot owns a copy of the
/// active L1 table (sharing the L2 tables and data clusters, whose refcounts count every L1 that
/// reaches them) plus the VM state, kept in the VM-state area past the end of the virtual disk.
/// Each operation has one commit write to the header (the snapshot table switch, or the active L1
/// switch); refcounts are raised before it and lowered after it, so a crash only leaks clusters.
/// COPIED flags are only ever cleared before refcounts rise and set after they fall: an interrupted
/// operation may leave a flag clear on a cluster of refcount 1 (qemu-img check names it; it costs
/// one needless copy-on-write), never set on a shared cluster.
/// </summary>
public sealed partial class Qcow2Image
{
    private (long Offset, ulong[] Table)? _vmStateL1;

    private long BytesPerL1Entry => 1L << (_header.ClusterBits + _l2Bits);

    /// <summary>L1 entries that map the virtual disk; the VM-state area starts right after them.</summary>
    private int DiskL1Entries => (int)((Size + BytesPerL1Entry - 1) / BytesPerL1Entry);

    /// <summary>Guest offset where a snapshot's VM state starts (the first L1 entry past the virtual disk).</summary>
    public long VmStateOffset => DiskL1Entries * BytesPerL1Entry;

    /// <summary>The snapshot whose id is <paramref name="idOrName"/>, else the first one with that name (QEMU's lookup order); null if none.</summary>
    public Qcow2Snapshot? FindSnapshot(string idOrName) =>
        Snapshots.FirstOrDefault(s => s.Id == idOrName) ?? Snapshots.FirstOrDefault(s => s.Name == idOrName);

    /// <summary>
    /// Takes an internal snapshot of the disk as it is now, with <paramref name="vmState"/> stored in
    /// the VM-state area; returns the new snapshot's id (one above the highest numeric id). Refuses a
    /// name that is already taken (delete it first, as savevm does).
    /// </summary>
    public string CreateSnapshot(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date)
    {
        EnsureWritable();
        if (string.IsNullOrEmpty(name)) throw new Qcow2Exception($"{Path}: a snapshot needs a name");
        if (name.Length > 1024) throw new Qcow2Exception($"{Path}: snapshot name is longer than 1024 characters");
        if (Snapshots.Any(s => s.Name == name)) throw new Qcow2Exception($"{Path}: a snapshot named '{name}' already exists");
        if (Snapshots.Count >= 65536) throw new Qcow2Exception($"{Path}: the image already has 65536 snapshots");
        if (vmClockNs < 0) throw new Qcow2Exception($"{Path}: negative VM clock {vmClockNs}");
        var stored = new DateTimeOffset(date.UtcTicks, TimeSpan.Zero);
        if (stored < DateTimeOffset.UnixEpoch || stored.ToUnixTimeSeconds() > uint.MaxValue)
            throw new Qcow2Exception($"{Path}: snapshot date {date:O} does not fit the 32-bit seconds field");
        var vmL1Entries = (int)((vmState.Length + BytesPerL1Entry - 1) / BytesPerL1Entry);
        var snapshotL1Size = DiskL1Entries + vmL1Entries;
        if (snapshotL1Size * 8L > Qcow2Header.MaxL1Bytes) throw new Qcow2Exception($"{Path}: VM state of {vmState.Length} bytes does not fit in the L1 table");
        var id = (Snapshots.Select(s => long.TryParse(s.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1)
            .ToString(CultureInfo.InvariantCulture);

        var diskL1 = new ulong[DiskL1Entries];
        Array.Copy(_l1, diskL1, Math.Min(_l1.Length, diskL1.Length));
        var shared = TreeClusters(diskL1);
        CheckRefcountRoom(shared);
        try
        {
            MarkDirty(true);
            var vmL1 = WriteVmState(vmState);
            ClearActiveCopiedFlags(diskL1.Length);
            foreach (var cluster in shared) _refcounts.Increment(cluster);

            var snapshotL1 = new ulong[snapshotL1Size];
            for (var i = 0; i < diskL1.Length; i++) snapshotL1[i] = diskL1[i] & ~CopiedFlag;
            vmL1.CopyTo(snapshotL1, diskL1.Length);
            var l1Offset = WriteNewTable(L1Bytes(snapshotL1));

            var entry = Qcow2SnapshotTable.NewEntry(id, name, l1Offset, snapshotL1Size, (ulong)vmState.Length, stored, vmClockNs, icount, Size);
            var snapshot = new Qcow2Snapshot(id, name, l1Offset, snapshotL1Size, (ulong)vmState.Length, stored, vmClockNs, icount, Size) { Entry = entry };
            SwitchSnapshotTable([.. Snapshots, snapshot]);
            MarkDirty(false);
            return id;
        }
        catch (Exception e) when (e is Qcow2Exception or IOException)
        {
            _brokenForWrites = true;
            throw;
        }
    }

    /// <summary>
    /// Makes the snapshot's disk the active one (the VM state stays readable through
    /// <see cref="ReadSnapshotVmState(string)"/>); the snapshot itself is kept. What only the old
    /// active state used is freed.
    /// </summary>
    public void ApplySnapshot(string idOrName)
    {
        EnsureWritable();
        var snapshot = FindSnapshot(idOrName) ?? throw new Qcow2Exception($"{Path}: no snapshot '{idOrName}'");
        if (snapshot.DiskSize != Size)
            throw new Qcow2Exception($"{Path}: snapshot '{snapshot.Name}' was taken with a disk of {snapshot.DiskSize} bytes, not {Size}");
        var snapshotL1 = LoadL1At(snapshot.L1TableOffset, snapshot.L1Size);
        var gained = TreeClusters(snapshotL1);
        CheckRefcountRoom(gained);
        Guarded(() =>
        {
            foreach (var cluster in gained) _refcounts.Increment(cluster);
            var newL1 = new ulong[Math.Max(snapshotL1.Length, DiskL1Entries)];
            for (var i = 0; i < snapshotL1.Length; i++) newL1[i] = snapshotL1[i] & ~CopiedFlag;
            // Every table now has refcount 2 or more, so no data entry may carry COPIED (the flag is
            // meaningless in snapshot tables and a foreign writer may have left it there).
            ClearCopiedFlags(newL1, newL1.Length);
            var l1Offset = WriteNewTable(L1Bytes(newL1));

            Span<byte> field = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(field, (uint)newL1.Length);
            BinaryPrimitives.WriteUInt64BigEndian(field[4..], (ulong)l1Offset);
            _file.Write(Qcow2Header.L1SizeField, field);

            var (oldL1, oldOffset) = (_l1, _header.L1TableOffset);
            (_l1, _header.L1TableOffset, _header.L1Size) = (newL1, l1Offset, newL1.Length);
            foreach (var cluster in TreeClusters(oldL1)) _refcounts.Decrement(cluster);
            FreeRange(oldOffset, oldL1.Length * 8L);
            FixActiveCopiedFlags();
            return 0;
        });
    }

    /// <summary>Removes a snapshot: the table is rewritten without it, then what only it used is freed.</summary>
    public void DeleteSnapshot(string idOrName)
    {
        EnsureWritable();
        var snapshot = FindSnapshot(idOrName) ?? throw new Qcow2Exception($"{Path}: no snapshot '{idOrName}'");
        var snapshotL1 = LoadL1At(snapshot.L1TableOffset, snapshot.L1Size);
        var released = TreeClusters(snapshotL1);
        Guarded(() =>
        {
            SwitchSnapshotTable(Snapshots.Where(s => !ReferenceEquals(s, snapshot)).ToList());
            foreach (var cluster in released) _refcounts.Decrement(cluster);
            FreeRange(snapshot.L1TableOffset, snapshot.L1Size * 8L);
            FixActiveCopiedFlags();
            return 0;
        });
    }

    /// <summary>The whole VM state of a snapshot (at most 2 GiB this way; larger ones read in pieces).</summary>
    public byte[] ReadSnapshotVmState(string idOrName)
    {
        var snapshot = FindSnapshot(idOrName) ?? throw new Qcow2Exception($"{Path}: no snapshot '{idOrName}'");
        if (snapshot.VmStateSize > int.MaxValue) throw new Qcow2Exception($"{Path}: VM state of '{snapshot.Name}' is {snapshot.VmStateSize} bytes; read it in pieces");
        var state = new byte[snapshot.VmStateSize];
        ReadSnapshotVmState(idOrName, 0, state);
        return state;
    }

    /// <summary>Reads VM-state bytes of a snapshot from <paramref name="offset"/> into the VM-state area.</summary>
    public void ReadSnapshotVmState(string idOrName, long offset, Span<byte> destination)
    {
        var snapshot = FindSnapshot(idOrName) ?? throw new Qcow2Exception($"{Path}: no snapshot '{idOrName}'");
        if (offset < 0 || (ulong)offset + (ulong)destination.Length > snapshot.VmStateSize)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Path}: 0x{offset:x}+{destination.Length} is outside the VM state of '{snapshot.Name}'");
        // Snapshot L1 tables never change in place: keep the last one for piecewise reads.
        if (_vmStateL1?.Offset != snapshot.L1TableOffset) _vmStateL1 = (snapshot.L1TableOffset, LoadL1At(snapshot.L1TableOffset, snapshot.L1Size));
        var l1 = _vmStateL1.Value.Table;
        var at = VmStateOffset + offset;
        var clusterSize = _header.ClusterSize;
        while (destination.Length > 0)
        {
            var inCluster = (int)(at & (clusterSize - 1));
            var length = (int)Math.Min(destination.Length, clusterSize - inCluster);
            ReadInCluster(at >> _header.ClusterBits, inCluster, destination[..length], l1);
            at += length;
            destination = destination[length..];
        }
    }

    private void EnsureWritable()
    {
        if (IsReadOnly) throw new Qcow2Exception($"{Path}: image is read-only");
        if (_brokenForWrites) throw new Qcow2Exception($"{Path}: an earlier write failed on corrupt metadata; refusing further writes");
    }

    /// <summary>Runs a metadata change; a failure half way leaves the in-memory state unreliable, so writes stop.</summary>
    private T Guarded<T>(Func<T> change)
    {
        try
        {
            MarkDirty(true);
            var result = change();
            MarkDirty(false);
            return result;
        }
        catch (Exception e) when (e is Qcow2Exception or IOException)
        {
            _brokenForWrites = true;
            throw;
        }
    }

    /// <summary>
    /// Sets the dirty bit (version 3) for the length of a snapshot operation: if the process dies
    /// half way, the next open for writing (ours or QEMU's) recounts the refcounts and fixes the
    /// COPIED flags, so the leaks and stale flags an interruption leaves do not outlive it.
    /// </summary>
    private void MarkDirty(bool dirty)
    {
        if (_header.Version < 3) return;
        _file.Flush();
        var features = dirty ? _header.IncompatibleFeatures | Qcow2Header.DirtyBit : _header.IncompatibleFeatures & ~Qcow2Header.DirtyBit;
        _file.WriteUInt64(Qcow2Header.IncompatibleFeaturesOffset, features);
        _file.Flush();
    }

    private ulong[] LoadL1At(long offset, int size)
    {
        var bytes = new byte[size * 8L];
        _file.Read(offset, bytes);
        var l1 = new ulong[size];
        for (var i = 0; i < size; i++)
        {
            l1[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
            var l2 = l1[i] & OffsetMask;
            if (l2 != 0 && ((l2 & (ulong)(_header.ClusterSize - 1)) != 0 || l2 >= (ulong)_file.Length))
                throw Corrupt($"L1 entry {i} of the table at 0x{offset:x} (0x{l1[i]:x}) is unaligned or past the end of the file");
        }
        return l1;
    }

    private static byte[] L1Bytes(ulong[] l1)
    {
        var bytes = new byte[l1.Length * 8L];
        for (var i = 0; i < l1.Length; i++) BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * 8), l1[i]);
        return bytes;
    }

    /// <summary>Every cluster an L1 table reaches (its L2 tables, their data and compressed clusters), once per reference.</summary>
    private List<long> TreeClusters(ulong[] l1)
    {
        var clusters = new List<long>();
        foreach (var l1Entry in l1)
        {
            var l2Offset = (long)(l1Entry & OffsetMask);
            if (l2Offset == 0) continue;
            clusters.Add(l2Offset >> _header.ClusterBits);
            var table = LoadL2(l2Offset);
            for (var e = 0; e < table.Length; e += _entryWords)
            {
                var entry = table[e];
                if ((entry & CompressedFlag) != 0)
                {
                    var (first, last) = CompressedClusters(entry);
                    for (var c = first; c <= last; c++) clusters.Add(c);
                }
                else if ((entry & OffsetMask) != 0) clusters.Add((long)(entry & OffsetMask) >> _header.ClusterBits);
            }
        }
        return clusters;
    }

    /// <summary>Refuses, before anything is written, an operation that would overflow a refcount.</summary>
    private void CheckRefcountRoom(List<long> clusters)
    {
        foreach (var group in clusters.GroupBy(c => c))
            if (_refcounts.Get(group.Key) + (ulong)group.Count() > _refcounts.MaxRefcount)
                throw new Qcow2Exception($"{Path}: cluster {group.Key} is shared too often for {_refcounts.RefcountBits}-bit refcounts; cannot take or apply a snapshot");
    }

    /// <summary>Clears COPIED in the first <paramref name="count"/> active L1 entries and their L2 tables (before the refcounts rise).</summary>
    private void ClearActiveCopiedFlags(int count)
    {
        ClearCopiedFlags(_l1, Math.Min(count, _l1.Length));
        var changed = false;
        for (var i = 0; i < Math.Min(count, _l1.Length); i++)
        {
            if ((_l1[i] & CopiedFlag) == 0) continue;
            _l1[i] &= ~CopiedFlag;
            changed = true;
        }
        if (changed) _file.Write(_header.L1TableOffset, L1Bytes(_l1));
    }

    /// <summary>Clears COPIED on the data entries of the L2 tables the first <paramref name="count"/> entries of <paramref name="l1"/> reach.</summary>
    private void ClearCopiedFlags(ulong[] l1, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var l2Offset = (long)(l1[i] & OffsetMask);
            if (l2Offset == 0) continue;
            var table = LoadL2(l2Offset);
            var changed = false;
            for (var e = 0; e < table.Length; e += _entryWords)
            {
                if ((table[e] & CompressedFlag) != 0 || (table[e] & CopiedFlag) == 0) continue;
                table[e] &= ~CopiedFlag;
                changed = true;
            }
            if (!changed) continue;
            var bytes = new byte[_header.ClusterSize];
            for (var e = 0; e < table.Length; e++) BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(e * 8), table[e]);
            _file.Write(l2Offset, bytes);
        }
    }

    /// <summary>
    /// Writes the VM state into fresh clusters (all-zero clusters stay unallocated) and L2 tables
    /// that only the new snapshot will reference; returns the L1 entries for the VM-state area.
    /// </summary>
    private ulong[] WriteVmState(ReadOnlySpan<byte> state)
    {
        var clusterSize = (int)_header.ClusterSize;
        var clusters = (int)((state.Length + (long)clusterSize - 1) / clusterSize);
        ReadOnlySpan<byte> Piece(ReadOnlySpan<byte> s, int k) => s.Slice(k * clusterSize, Math.Min(clusterSize, s.Length - k * clusterSize));
        var hosts = new long[clusters];
        for (var k = 0; k < clusters;)
        {
            if (!Piece(state, k).ContainsAnyExcept((byte)0)) { k++; continue; }
            var end = k + 1;
            while (end < clusters && Piece(state, end).ContainsAnyExcept((byte)0)) end++;
            var host = _refcounts.Reserve(end - k);
            var start = (long)k * clusterSize;
            _file.Write(host, state.Slice((int)start, (int)Math.Min(state.Length - start, (long)(end - k) * clusterSize)));
            for (var j = k; j < end; j++)
            {
                hosts[j] = host + (long)(j - k) * clusterSize;
                _refcounts.Set(hosts[j] >> _header.ClusterBits, 1);
            }
            k = end;
        }

        var perTable = 1 << _l2Bits;
        var l1 = new ulong[(clusters + perTable - 1) / perTable];
        for (var t = 0; t < l1.Length; t++)
        {
            var table = new ulong[clusterSize / 8];
            var used = false;
            for (var j = 0; j < perTable && t * perTable + j < clusters; j++)
            {
                var host = hosts[t * perTable + j];
                if (host == 0) continue;
                table[j * _entryWords] = (ulong)host;
                if (_entryWords == 2) table[j * 2 + 1] = AllSubclustersAllocated;
                used = true;
            }
            if (!used) continue;
            var bytes = new byte[clusterSize];
            for (var e = 0; e < table.Length; e++) BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(e * 8), table[e]);
            var offset = WriteNewTable(bytes);
            _l2Cache.Add(offset, table);
            l1[t] = (ulong)offset;
        }
        return l1;
    }

    /// <summary>Writes metadata into fresh clusters at the end of the file and counts them; returns its offset.</summary>
    private long WriteNewTable(byte[] bytes)
    {
        var clusters = (int)Math.Max(1, (bytes.Length + _header.ClusterSize - 1) / _header.ClusterSize);
        var offset = _refcounts.Reserve(clusters);
        _file.Write(offset, bytes);
        for (var c = 0; c < clusters; c++) _refcounts.Set((offset >> _header.ClusterBits) + c, 1);
        return offset;
    }

    /// <summary>Drops one reference to every cluster of a table of <paramref name="bytes"/> bytes.</summary>
    private void FreeRange(long offset, long bytes)
    {
        if (offset == 0 || bytes <= 0) return;
        for (var c = offset >> _header.ClusterBits; c <= (offset + bytes - 1) >> _header.ClusterBits; c++) _refcounts.Decrement(c);
    }

    /// <summary>Writes the new snapshot table, switches the header to it in one write, then frees the old one.</summary>
    private void SwitchSnapshotTable(List<Qcow2Snapshot> snapshots)
    {
        var table = Qcow2SnapshotTable.Serialize(snapshots.Select(s => s.Entry));
        var offset = snapshots.Count == 0 ? 0 : WriteNewTable(table);
        Span<byte> field = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(field, (uint)snapshots.Count);
        BinaryPrimitives.WriteUInt64BigEndian(field[4..], (ulong)offset);
        _file.Write(Qcow2Header.SnapshotCountField, field);

        var (oldOffset, oldBytes, oldCount) = (_header.SnapshotsOffset, _snapshotTableBytes, _header.SnapshotCount);
        (_header.SnapshotsOffset, _header.SnapshotCount, _snapshotTableBytes) = (offset, snapshots.Count, table.Length);
        Snapshots = snapshots;
        if (oldCount > 0) FreeRange(oldOffset, oldBytes);
    }
}
