using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Host.Img;

/// <summary>The persistent-bitmaps header extension: where the bitmap directory is.</summary>
public sealed record BitmapsExtension(int Count, long DirectoryOffset, long DirectorySize);

/// <summary>One persistent dirty bitmap of the bitmap directory.</summary>
public sealed record BitmapInfo(string Name, uint Flags, int GranularityBits, long TableOffset, int TableSize)
{
    public bool InUse => (Flags & 1) != 0;
    public bool Auto => (Flags & 2) != 0;
}

/// <summary>One internal snapshot with every field qemu-img shows (icount is null when the entry has no icount).</summary>
public sealed record SnapshotInfo(string Id, string Name, long L1TableOffset, int L1Size, long EntryBytes,
    long VmStateSize, long DateSeconds, long DateNanoseconds, long VmClockNanoseconds, long? Icount);

/// <summary>
/// The qcow2 header fields and snapshot table that qemu-img reports, read straight from the file
/// without trusting it beyond bounds checks: <c>info</c>, <c>snapshot -l</c> and <c>check</c> must
/// still describe images the block layer would refuse.
/// </summary>
public sealed class Qcow2Metadata
{
    public const uint Magic = 0x514649FB;

    public required int Version { get; init; }
    public required int ClusterBits { get; init; }
    public required long Size { get; init; }
    public required int L1Size { get; init; }
    public required long L1TableOffset { get; init; }
    public required long RefcountTableOffset { get; init; }
    public required int RefcountTableClusters { get; init; }
    public required int SnapshotCount { get; init; }
    public required long SnapshotsOffset { get; init; }
    public required ulong Incompatible { get; init; }
    public required ulong Compatible { get; init; }
    public required int RefcountOrder { get; init; }
    public required int CompressionType { get; init; }
    public required ulong Autoclear { get; init; }
    public required BitmapsExtension? Bitmaps { get; init; }

    /// <summary>The bitmap directory; empty without the extension or when the bitmaps are inconsistent (qemu then ignores them).</summary>
    public required IReadOnlyList<BitmapInfo> BitmapDirectory { get; init; }
    public required IReadOnlyList<SnapshotInfo> Snapshots { get; init; }

    public long ClusterSize => 1L << ClusterBits;
    public bool IsDirty => (Incompatible & 1) != 0;
    public bool IsCorrupt => (Incompatible & 2) != 0;
    public bool HasExtendedL2 => (Incompatible & 16) != 0;
    public bool HasLazyRefcounts => (Compatible & 1) != 0;
    public int RefcountBits => 1 << RefcountOrder;
    /// <summary>Autoclear bit 0: the bitmaps are consistent with the data (a tool without bitmap support clears it).</summary>
    public bool BitmapsConsistent => (Autoclear & 1) != 0;

    public static bool IsQcow2(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && BinaryPrimitives.ReadUInt32BigEndian(magic) == Magic;
    }

    public static Qcow2Metadata Read(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[112];
        stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        uint U32(int o) => BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(o));
        ulong U64(int o) => BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(o));
        var version = (int)U32(4);
        var v3 = version >= 3;
        var headerLength = v3 ? U32(100) : 72;
        var bitmaps = v3 ? ReadBitmapsExtension(stream, headerLength, Math.Min(1L << (int)Math.Clamp(U32(20), 9, 21), stream.Length)) : null;
        var autoclear = v3 ? U64(88) : 0;
        return new Qcow2Metadata
        {
            Version = version,
            ClusterBits = (int)U32(20),
            Size = (long)U64(24),
            L1Size = (int)U32(36),
            L1TableOffset = (long)U64(40),
            RefcountTableOffset = (long)U64(48),
            RefcountTableClusters = (int)U32(56),
            SnapshotCount = (int)U32(60),
            SnapshotsOffset = (long)U64(64),
            Incompatible = v3 ? U64(72) : 0,
            Compatible = v3 ? U64(80) : 0,
            RefcountOrder = v3 ? (int)U32(96) : 4,
            CompressionType = v3 && headerLength > 104 ? header[104] : 0,
            Autoclear = autoclear,
            Bitmaps = bitmaps,
            BitmapDirectory = bitmaps is not null && (autoclear & 1) != 0 ? ReadBitmapDirectory(stream, bitmaps) : [],
            Snapshots = ReadSnapshots(stream, (long)U64(64), (int)U32(60)),
        };
    }

    private const uint BitmapsExtensionType = 0x23852875;

    /// <summary>Walks the header extensions (they live in the first cluster) looking for the bitmaps one.</summary>
    private static BitmapsExtension? ReadBitmapsExtension(FileStream stream, long start, long limit)
    {
        var cluster = new byte[limit];
        stream.Position = 0;
        stream.ReadAtLeast(cluster, cluster.Length, throwOnEndOfStream: false);
        for (var at = start; at + 8 <= limit;)
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(cluster.AsSpan((int)at));
            var length = BinaryPrimitives.ReadUInt32BigEndian(cluster.AsSpan((int)at + 4));
            if (type == 0 || at + 8 + length > limit) return null;
            if (type == BitmapsExtensionType && length >= 24)
            {
                var data = cluster.AsSpan((int)at + 8);
                return new BitmapsExtension((int)BinaryPrimitives.ReadUInt32BigEndian(data),
                    (long)BinaryPrimitives.ReadUInt64BigEndian(data[16..]), (long)BinaryPrimitives.ReadUInt64BigEndian(data[8..]));
            }
            at += 8 + ((length + 7) & ~7L);
        }
        return null;
    }

    private static List<BitmapInfo> ReadBitmapDirectory(FileStream stream, BitmapsExtension extension)
    {
        var list = new List<BitmapInfo>();
        if (extension.DirectorySize is <= 0 or > 64 << 20) return list;
        var directory = new byte[extension.DirectorySize];
        stream.Position = extension.DirectoryOffset;
        stream.ReadAtLeast(directory, directory.Length, throwOnEndOfStream: false);
        for (long at = 0, i = 0; i < extension.Count && at + 24 <= directory.Length; i++)
        {
            var entry = directory.AsSpan((int)at);
            var nameSize = BinaryPrimitives.ReadUInt16BigEndian(entry[18..]);
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(entry[20..]);
            var nameStart = at + 24 + extraSize;
            if (nameStart + nameSize > directory.Length) break;
            list.Add(new BitmapInfo(Encoding.UTF8.GetString(directory, (int)nameStart, nameSize),
                BinaryPrimitives.ReadUInt32BigEndian(entry[12..]), entry[17],
                (long)BinaryPrimitives.ReadUInt64BigEndian(entry), (int)BinaryPrimitives.ReadUInt32BigEndian(entry[8..])));
            at += (24 + extraSize + nameSize + 7) & ~7L;
        }
        return list;
    }

    private static List<SnapshotInfo> ReadSnapshots(FileStream stream, long offset, int count)
    {
        var list = new List<SnapshotInfo>();
        var at = offset;
        var fixedPart = new byte[40];
        for (var i = 0; i < Math.Min(count, 65536); i++)
        {
            stream.Position = at;
            if (stream.ReadAtLeast(fixedPart, 40, throwOnEndOfStream: false) < 40)
                throw new ImgException($"snapshot table entry {i} runs past the end of the file");
            var f = fixedPart.AsSpan();
            var idSize = BinaryPrimitives.ReadUInt16BigEndian(f[12..]);
            var nameSize = BinaryPrimitives.ReadUInt16BigEndian(f[14..]);
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(f[36..]);
            if (extraSize > 1024) throw new ImgException($"snapshot table entry {i}: extra_data_size {extraSize} is above 1024");
            var rest = new byte[extraSize + idSize + nameSize];
            if (stream.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false) < rest.Length)
                throw new ImgException($"snapshot table entry {i} runs past the end of the file");
            long vmState = BinaryPrimitives.ReadUInt32BigEndian(f[32..]);
            if (extraSize >= 8) vmState = (long)BinaryPrimitives.ReadUInt64BigEndian(rest);
            long? icount = extraSize >= 24 ? (long)BinaryPrimitives.ReadUInt64BigEndian(rest.AsSpan(16)) : null;
            if (icount == -1) icount = null;
            var total = 40 + rest.Length;
            list.Add(new SnapshotInfo(
                Encoding.UTF8.GetString(rest, (int)extraSize, idSize),
                Encoding.UTF8.GetString(rest, (int)extraSize + idSize, nameSize),
                (long)BinaryPrimitives.ReadUInt64BigEndian(f),
                (int)BinaryPrimitives.ReadUInt32BigEndian(f[8..]),
                (total + 7) & ~7L,
                vmState,
                BinaryPrimitives.ReadUInt32BigEndian(f[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(f[20..]),
                (long)BinaryPrimitives.ReadUInt64BigEndian(f[24..]),
                icount));
            at += (total + 7) & ~7L;
        }
        return list;
    }
}
