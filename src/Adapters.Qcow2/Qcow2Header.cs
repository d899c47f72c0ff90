using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// The qcow2 header (versions 2 and 3) with its extensions, parsed and checked against the file so
/// that every later offset computation can trust it. Field offsets follow the qcow2 specification.
/// </summary>
internal sealed class Qcow2Header
{
    public const uint Magic = 0x514649FB; // "QFI\xfb"
    public const int V2Length = 72;
    public const int V3MinLength = 104;
    public const int MinClusterBits = 9;
    public const int MaxClusterBits = 21;
    public const long MaxL1Bytes = 32L * 1024 * 1024;
    public const int MaxBackingNameLength = 1023;
    public const long MaxRefcountTableBytes = 8L * 1024 * 1024;

    // Byte offsets of the fields we rewrite in place.
    public const int IncompatibleFeaturesOffset = 72;
    public const int AutoclearFeaturesOffset = 88;
    public const int RefcountTableOffsetField = 48;
    public const int L1SizeField = 36; // l1_size then l1_table_offset: switched together in one write
    public const int SnapshotCountField = 60; // nb_snapshots then snapshots_offset: switched together in one write

    // Incompatible feature bits.
    public const ulong DirtyBit = 1UL << 0;
    public const ulong CorruptBit = 1UL << 1;
    public const ulong ExternalDataFileBit = 1UL << 2;
    public const ulong CompressionTypeBit = 1UL << 3;
    public const ulong ExtendedL2Bit = 1UL << 4;
    public const ulong KnownIncompatible = DirtyBit | CorruptBit | ExternalDataFileBit | CompressionTypeBit | ExtendedL2Bit;
    public const ulong LazyRefcountsBit = 1UL << 0;

    // Header extension types.
    public const uint ExtEnd = 0;
    public const uint ExtBackingFormat = 0xE2792ACA;
    public const uint ExtFeatureNames = 0x6803F857;

    public int Version { get; private init; }
    public long BackingFileOffset { get; private init; }
    public int BackingFileSize { get; private init; }
    public int ClusterBits { get; private init; }
    public long Size { get; private init; }
    public int L1Size { get; set; }
    public long L1TableOffset { get; set; }
    public long RefcountTableOffset { get; private init; }
    public int RefcountTableClusters { get; private init; }
    public int SnapshotCount { get; set; }
    public long SnapshotsOffset { get; set; }
    public ulong IncompatibleFeatures { get; private init; }
    public ulong CompatibleFeatures { get; private init; }
    public ulong AutoclearFeatures { get; private init; }
    public int RefcountOrder { get; private init; }
    public int HeaderLength { get; private init; }
    public string? BackingFile { get; private init; }
    public string? BackingFormat { get; private init; }

    public long ClusterSize => 1L << ClusterBits;
    public bool IsDirty => (IncompatibleFeatures & DirtyBit) != 0;
    public bool IsCorrupt => (IncompatibleFeatures & CorruptBit) != 0;
    public bool HasExtendedL2 => (IncompatibleFeatures & ExtendedL2Bit) != 0;
    public bool HasLazyRefcounts => (CompatibleFeatures & LazyRefcountsBit) != 0;

    /// <summary>Reads and validates the header of <paramref name="file"/>; throws <see cref="Qcow2Exception"/> naming the bad field.</summary>
    public static Qcow2Header Parse(ImageFile file)
    {
        var path = file.Path;
        Qcow2Exception Bad(string what) => new($"{path}: invalid qcow2 image: {what}");

        if (file.Length < V2Length) throw Bad($"file is {file.Length} bytes, shorter than a qcow2 header");
        var fixedPart = new byte[V3MinLength + 8];
        file.Read(0, fixedPart);
        var h = fixedPart.AsSpan();
        uint U32(int o) => BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(o));
        ulong U64(int o) => BinaryPrimitives.ReadUInt64BigEndian(fixedPart.AsSpan(o));

        if (U32(0) != Magic) throw new Qcow2Exception($"{path}: not a qcow2 image (bad magic)");
        var version = U32(4);
        if (version is not (2 or 3)) throw new Qcow2Exception($"{path}: unsupported qcow2 version {version}");

        var clusterBits = U32(20);
        if (clusterBits is < MinClusterBits or > MaxClusterBits)
            throw Bad($"cluster_bits {clusterBits} is outside {MinClusterBits}..{MaxClusterBits}");
        var clusterSize = 1L << (int)clusterBits;

        var headerLength = version == 2 ? V2Length : (int)Math.Min(U32(100), int.MaxValue);
        if (version == 3 && (headerLength < V3MinLength || headerLength > clusterSize))
            throw Bad($"header_length {headerLength} is outside {V3MinLength}..{clusterSize}");
        if (file.Length < headerLength) throw Bad($"file is {file.Length} bytes, shorter than header_length {headerLength}");

        var incompatible = version == 3 ? U64(72) : 0;
        var compatible = version == 3 ? U64(80) : 0;
        var autoclear = version == 3 ? U64(88) : 0;
        var refcountOrder = version == 3 ? U32(96) : 4;
        if (refcountOrder > 6) throw Bad($"refcount_order {refcountOrder} is above 6 (refcounts wider than 64 bits)");

        var cryptMethod = U32(32);
        if (cryptMethod != 0) throw new Qcow2Exception($"{path}: encrypted qcow2 images are not supported (crypt_method {cryptMethod})");

        var size = U64(24);
        if (size > long.MaxValue / 2) throw Bad($"size {size} is too large");
        var l2Entries = clusterSize / ((incompatible & ExtendedL2Bit) != 0 ? 16 : 8);
        var bytesPerL1Entry = clusterSize * l2Entries;
        var neededL1 = ((long)size + bytesPerL1Entry - 1) / bytesPerL1Entry;
        var l1Size = U32(36);
        if (l1Size * 8L > MaxL1Bytes) throw Bad($"l1_size {l1Size} is too large");
        if (l1Size < neededL1) throw Bad($"l1_size {l1Size} is too small for size {size} (needs {neededL1})");
        var l1Offset = CheckTable(Bad, file, "l1_table_offset", U64(40), l1Size * 8L, clusterSize);

        var refTableClusters = U32(56);
        if (refTableClusters == 0 || refTableClusters * clusterSize > MaxRefcountTableBytes)
            throw Bad($"refcount_table_clusters {refTableClusters} is out of range");
        var refTableOffset = CheckTable(Bad, file, "refcount_table_offset", U64(48), refTableClusters * clusterSize, clusterSize);

        var snapshotCount = U32(60);
        if (snapshotCount > 65536) throw Bad($"nb_snapshots {snapshotCount} is above 65536");
        var snapshotsOffset = snapshotCount == 0 ? (long)U64(64)
            : CheckTable(Bad, file, "snapshots_offset", U64(64), snapshotCount * 40L, clusterSize);

        var backingOffset = U64(8);
        var backingSize = U32(16);
        if (backingSize > MaxBackingNameLength) throw Bad($"backing_file_size {backingSize} is above {MaxBackingNameLength}");
        if (backingSize > 0 && (backingOffset > (ulong)clusterSize || backingOffset + backingSize > (ulong)Math.Min(clusterSize, file.Length)))
            throw Bad($"backing_file_offset 0x{backingOffset:x} is outside the first cluster or the file");

        var compressionType = version == 3 && headerLength > 104 ? h[104] : (byte)0;
        if ((incompatible & CompressionTypeBit) != 0 && compressionType != 0)
            throw new Qcow2Exception($"{path}: compression type {(compressionType == 1 ? "zstd" : compressionType.ToString())} is not supported");

        var firstCluster = new byte[Math.Min(clusterSize, Math.Max(file.Length, headerLength))];
        file.Read(0, firstCluster);
        var (backingFormat, featureNames) = ParseExtensions(Bad, firstCluster, headerLength,
            backingSize > 0 ? (long)backingOffset : firstCluster.Length);

        var unknown = incompatible & ~KnownIncompatible;
        if ((incompatible & ExternalDataFileBit) != 0)
            throw new Qcow2Exception($"{path}: the qcow2 feature 'external data file' is not supported");
        if (unknown != 0)
        {
            var bit = System.Numerics.BitOperations.TrailingZeroCount(unknown);
            var name = featureNames.TryGetValue(bit, out var n) ? $"'{n}'" : $"bit {bit}";
            throw new Qcow2Exception($"{path}: unknown incompatible qcow2 feature {name}; refusing to open");
        }

        string? backingFile = null;
        if (backingSize > 0)
            backingFile = Encoding.UTF8.GetString(firstCluster, (int)backingOffset, (int)backingSize);

        return new Qcow2Header
        {
            Version = (int)version, BackingFileOffset = (long)backingOffset, BackingFileSize = (int)backingSize,
            ClusterBits = (int)clusterBits, Size = (long)size, L1Size = (int)l1Size, L1TableOffset = l1Offset,
            RefcountTableOffset = refTableOffset, RefcountTableClusters = (int)refTableClusters,
            SnapshotCount = (int)snapshotCount, SnapshotsOffset = snapshotsOffset,
            IncompatibleFeatures = incompatible, CompatibleFeatures = compatible, AutoclearFeatures = autoclear,
            RefcountOrder = (int)refcountOrder, HeaderLength = headerLength,
            BackingFile = backingFile, BackingFormat = backingFormat,
        };
    }

    private static long CheckTable(Func<string, Qcow2Exception> bad, ImageFile file, string field, ulong offset, long bytes, long clusterSize)
    {
        if (bytes == 0) return (long)offset;
        if (offset % (ulong)clusterSize != 0) throw bad($"{field} 0x{offset:x} is not aligned to a cluster");
        if (offset == 0) throw bad($"{field} is 0 (it would overlap the header)");
        if (offset > (ulong)file.Length || (long)offset + bytes > file.Length)
            throw bad($"{field} 0x{offset:x} (+{bytes} bytes) is past the end of the file ({file.Length} bytes)");
        return (long)offset;
    }

    private static (string? BackingFormat, Dictionary<int, string> IncompatibleNames) ParseExtensions(
        Func<string, Qcow2Exception> bad, byte[] cluster, int start, long limit)
    {
        string? backingFormat = null;
        var names = new Dictionary<int, string>();
        var at = (long)start;
        while (true)
        {
            if (at + 8 > limit || at + 8 > cluster.Length) throw bad($"header extension at 0x{at:x} runs past its space (no end marker)");
            var type = BinaryPrimitives.ReadUInt32BigEndian(cluster.AsSpan((int)at));
            var length = BinaryPrimitives.ReadUInt32BigEndian(cluster.AsSpan((int)at + 4));
            if (type == ExtEnd) break;
            if (at + 8 + length > limit || at + 8 + length > cluster.Length)
                throw bad($"header extension 0x{type:x8} at 0x{at:x} has length {length}, past its space");
            var data = cluster.AsSpan((int)at + 8, (int)length);
            if (type == ExtBackingFormat) backingFormat = Encoding.UTF8.GetString(data);
            else if (type == ExtFeatureNames)
            {
                for (var e = 0; e + 48 <= data.Length; e += 48)
                    if (data[e] == 0)
                    {
                        var name = data.Slice(e + 2, 46);
                        var end = name.IndexOf((byte)0);
                        names[data[e + 1]] = Encoding.UTF8.GetString(end < 0 ? name : name[..end]);
                    }
            }
            at += 8 + ((length + 7) & ~7L);
        }
        return (backingFormat, names);
    }
}
