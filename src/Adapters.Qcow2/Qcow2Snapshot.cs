using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// One entry of the internal snapshot table. <see cref="Icount"/> is -1 when the snapshot was not
/// taken in icount mode (or its entry predates the icount field); <see cref="DiskSize"/> falls back
/// to the image size when the entry has no such field.
/// </summary>
public sealed record Qcow2Snapshot(
    string Id, string Name, long L1TableOffset, int L1Size, ulong VmStateSize,
    DateTimeOffset Date, long VmClockNs, long Icount, long DiskSize)
{
    /// <summary>The entry exactly as stored, so rewriting the table keeps fields we do not interpret.</summary>
    internal byte[] Entry { get; init; } = [];
}

internal static class Qcow2SnapshotTable
{
    private const int FixedLength = 40;
    /// <summary>Extra data QEMU 7.2 writes: 64-bit VM state size, disk size, icount.</summary>
    public const int ExtraDataLength = 24;

    /// <summary>Reads the snapshot table, checking every entry and its L1 table stay inside the file.</summary>
    public static (IReadOnlyList<Qcow2Snapshot> Snapshots, long TableBytes) Parse(ImageFile file, Qcow2Header header)
    {
        var list = new List<Qcow2Snapshot>();
        var at = header.SnapshotsOffset;
        Qcow2Exception Bad(int i, string what) => new($"{file.Path}: invalid qcow2 image: snapshot {i}: {what}");
        for (var i = 0; i < header.SnapshotCount; i++)
        {
            if (at + FixedLength > file.Length) throw Bad(i, "snapshot table runs past the end of the file");
            var fixedPart = new byte[FixedLength];
            file.Read(at, fixedPart);
            var l1Offset = BinaryPrimitives.ReadUInt64BigEndian(fixedPart);
            var l1Size = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(8));
            var idSize = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(12));
            var nameSize = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(14));
            var dateSec = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(16));
            var dateNsec = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(20));
            var vmClock = (long)BinaryPrimitives.ReadUInt64BigEndian(fixedPart.AsSpan(24));
            var vmStateSize = (ulong)BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(32));
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(36));
            if (extraSize > 1024) throw Bad(i, $"extra_data_size {extraSize} is above 1024");
            var total = FixedLength + extraSize + idSize + nameSize;
            if (at + total > file.Length) throw Bad(i, "entry runs past the end of the file");
            var entry = new byte[total];
            file.Read(at, entry);
            var rest = entry.AsSpan(FixedLength);
            if (extraSize >= 8) vmStateSize = Math.Max(vmStateSize, BinaryPrimitives.ReadUInt64BigEndian(rest));
            var diskSize = extraSize >= 16 ? (long)BinaryPrimitives.ReadUInt64BigEndian(rest[8..]) : header.Size;
            var icount = extraSize >= 24 ? (long)BinaryPrimitives.ReadUInt64BigEndian(rest[16..]) : -1;
            var id = Encoding.UTF8.GetString(rest.Slice((int)extraSize, idSize));
            var name = Encoding.UTF8.GetString(rest.Slice((int)extraSize + idSize, nameSize));
            if (l1Size * 8L > Qcow2Header.MaxL1Bytes) throw Bad(i, $"l1_size {l1Size} is too large");
            if (l1Size > 0 && (l1Offset % (ulong)header.ClusterSize != 0 || l1Offset + l1Size * 8UL > (ulong)file.Length))
                throw Bad(i, $"L1 table 0x{l1Offset:x} is unaligned or past the end of the file");
            var date = DateTimeOffset.FromUnixTimeSeconds(dateSec).AddTicks(dateNsec / 100);
            list.Add(new Qcow2Snapshot(id, name, (long)l1Offset, (int)l1Size, vmStateSize, date, vmClock, icount, diskSize) { Entry = entry });
            at += (total + 7) & ~7L;
        }
        return (list, at - header.SnapshotsOffset);
    }

    /// <summary>A new entry in QEMU 7.2's layout (24 bytes of extra data).</summary>
    public static byte[] NewEntry(string id, string name, long l1Offset, int l1Size, ulong vmStateSize,
        DateTimeOffset date, long vmClockNs, long icount, long diskSize)
    {
        var idBytes = Encoding.UTF8.GetBytes(id);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var entry = new byte[FixedLength + ExtraDataLength + idBytes.Length + nameBytes.Length];
        var e = entry.AsSpan();
        var unixTicks = date.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        BinaryPrimitives.WriteUInt64BigEndian(e, (ulong)l1Offset);
        BinaryPrimitives.WriteUInt32BigEndian(e[8..], (uint)l1Size);
        BinaryPrimitives.WriteUInt16BigEndian(e[12..], (ushort)idBytes.Length);
        BinaryPrimitives.WriteUInt16BigEndian(e[14..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(e[16..], (uint)(unixTicks / TimeSpan.TicksPerSecond));
        BinaryPrimitives.WriteUInt32BigEndian(e[20..], (uint)(unixTicks % TimeSpan.TicksPerSecond * 100));
        BinaryPrimitives.WriteUInt64BigEndian(e[24..], (ulong)vmClockNs);
        // The 32-bit field holds the size when it fits; larger states are described by the extra data alone.
        BinaryPrimitives.WriteUInt32BigEndian(e[32..], vmStateSize <= uint.MaxValue ? (uint)vmStateSize : 0);
        BinaryPrimitives.WriteUInt32BigEndian(e[36..], ExtraDataLength);
        BinaryPrimitives.WriteUInt64BigEndian(e[40..], vmStateSize);
        BinaryPrimitives.WriteUInt64BigEndian(e[48..], (ulong)diskSize);
        BinaryPrimitives.WriteUInt64BigEndian(e[56..], (ulong)icount);
        idBytes.CopyTo(e[64..]);
        nameBytes.CopyTo(e[(64 + idBytes.Length)..]);
        return entry;
    }

    /// <summary>The whole table: entries back to back, each padded to 8 bytes.</summary>
    public static byte[] Serialize(IEnumerable<byte[]> entries)
    {
        var list = entries.ToList();
        var table = new byte[list.Sum(e => (e.Length + 7) & ~7)];
        var at = 0;
        foreach (var entry in list)
        {
            entry.CopyTo(table, at);
            at += (entry.Length + 7) & ~7;
        }
        return table;
    }
}
