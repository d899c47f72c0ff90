using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Adapters.Qcow2;

/// <summary>One entry of the internal snapshot table, as far as opening the image needs it.</summary>
public sealed record Qcow2Snapshot(string Id, string Name, long L1TableOffset, int L1Size, ulong VmStateSize);

internal static class Qcow2SnapshotTable
{
    private const int FixedLength = 40;

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
            var vmStateSize = (ulong)BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(32));
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(36));
            if (extraSize > 1024) throw Bad(i, $"extra_data_size {extraSize} is above 1024");
            var total = FixedLength + extraSize + idSize + nameSize;
            if (at + total > file.Length) throw Bad(i, "entry runs past the end of the file");
            var rest = new byte[total - FixedLength];
            file.Read(at + FixedLength, rest);
            if (extraSize >= 8) vmStateSize = Math.Max(vmStateSize, BinaryPrimitives.ReadUInt64BigEndian(rest));
            var id = Encoding.UTF8.GetString(rest, (int)extraSize, idSize);
            var name = Encoding.UTF8.GetString(rest, (int)extraSize + idSize, nameSize);
            if (l1Size * 8L > Qcow2Header.MaxL1Bytes) throw Bad(i, $"l1_size {l1Size} is too large");
            if (l1Size > 0 && (l1Offset % (ulong)header.ClusterSize != 0 || l1Offset + l1Size * 8UL > (ulong)file.Length))
                throw Bad(i, $"L1 table 0x{l1Offset:x} is unaligned or past the end of the file");
            list.Add(new Qcow2Snapshot(id, name, (long)l1Offset, (int)l1Size, vmStateSize));
            at += (total + 7) & ~7L;
        }
        return (list, at - header.SnapshotsOffset);
    }
}
