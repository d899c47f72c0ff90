using System.Buffers.Binary;
using HexEmu.Domain.Storage;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// A qcow2 (version 2 or 3) image seen as a block device: guest reads go through the L1/L2 tables to
/// the image, its backing chain or zeros; guest writes allocate clusters at the end of the file.
/// Metadata is written through on every change in an order that can only leak clusters if the
/// process dies, never corrupt the image.
/// </summary>
public sealed partial class Qcow2Image : IBlockDevice, IGuestData
{
    private const ulong CopiedFlag = 1UL << 63;
    private const ulong CompressedFlag = 1UL << 62;
    private const ulong ZeroFlag = 1UL;
    private const ulong OffsetMask = 0x00FF_FFFF_FFFF_FE00UL; // bits 9-55
    private const int MaxChainDepth = 256;
    /// <summary>Default memory for cached L2 tables (and, separately, refcount blocks) per image: 8 MiB maps 64 GiB with 64 KiB clusters.</summary>
    public const long DefaultCacheBytes = 8L * 1024 * 1024;

    private readonly ImageFile _file;
    private readonly Qcow2Header _header;
    private ulong[] _l1;
    private readonly BoundedCache<ulong[]> _l2Cache;
    private readonly RefcountStore _refcounts;
    private readonly IGuestData? _backing;
    private readonly int _l2Bits;
    private readonly int _entryWords; // 1 for standard L2 entries, 2 with extended L2 (entry + subcluster bitmap)
    private readonly byte[] _decompressed;
    private ulong _decompressedDescriptor = ulong.MaxValue;
    private long _snapshotTableBytes;
    private bool _brokenForWrites;

    private Qcow2Image(string path, bool readOnly, long cacheBytes, HashSet<string> chain)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!chain.Add(fullPath)) throw new Qcow2Exception($"{path}: backing chain loop: this image is its own backing file");
        if (chain.Count > MaxChainDepth) throw new Qcow2Exception($"{path}: backing chain deeper than {MaxChainDepth}");
        _file = new ImageFile(path, writable: !readOnly);
        try
        {
            _header = Qcow2Header.Parse(_file);
            if (!readOnly && _header.IsCorrupt)
                throw new Qcow2Exception($"{path}: image is marked corrupt; refusing to open it for writing (repair with 'qemu-img check -r all')");
            IsReadOnly = readOnly;
            _entryWords = _header.HasExtendedL2 ? 2 : 1;
            _l2Bits = _header.ClusterBits - 3 - (_entryWords - 1);
            _l1 = LoadL1();
            _l2Cache = new BoundedCache<ulong[]>((int)Math.Max(4, Math.Min(1 << 20, cacheBytes / _header.ClusterSize)));
            _refcounts = new RefcountStore(_file, _header, (int)Math.Max(4, Math.Min(1 << 20, cacheBytes / _header.ClusterSize)));
            (Snapshots, _snapshotTableBytes) = Qcow2SnapshotTable.Parse(_file, _header);
            IsDirty = _header.IsDirty;
            _decompressed = new byte[_header.ClusterSize];
            _backing = OpenBacking(cacheBytes, chain);
            if (!readOnly && IsDirty) RepairRefcounts();
            if (!readOnly && _header.AutoclearFeatures != 0)
                _file.WriteUInt64(Qcow2Header.AutoclearFeaturesOffset, 0); // we do not keep bitmaps up to date
        }
        catch
        {
            _backing?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing image and its backing chain (backing files are opened read-only); throws
    /// <see cref="Qcow2Exception"/> with a one-line reason if it cannot be used. Opening a dirty image
    /// for writing repairs its refcounts first. <paramref name="cacheBytes"/> bounds the memory used
    /// for cached L2 tables and for cached refcount blocks (at least 4 tables each).
    /// </summary>
    public static Qcow2Image Open(string path, bool readOnly = false, long cacheBytes = DefaultCacheBytes) => new(path, readOnly, cacheBytes, []);

    public string Path => _file.Path;

    /// <summary>The image file itself (tests hook its writes).</summary>
    internal ImageFile HostFile => _file;
    public long Size => _header.Size;
    public int Version => _header.Version;
    public int ClusterSize => (int)_header.ClusterSize;
    public int RefcountBits => _refcounts.RefcountBits;
    public bool HasExtendedL2 => _header.HasExtendedL2;
    /// <summary>The dirty bit: refcounts may be stale (lazy refcounts after a crash). Cleared by opening for writing, which repairs them.</summary>
    public bool IsDirty { get; private set; }
    public bool IsCorrupt => _header.IsCorrupt;
    public string? BackingFile => _header.BackingFile;
    public string? BackingFormat => _header.BackingFormat;
    /// <summary>The internal snapshots, in table order.</summary>
    public IReadOnlyList<Qcow2Snapshot> Snapshots { get; private set; }

    /// <summary>Why the last <see cref="TryRead"/>/<see cref="TryWrite"/>/<see cref="TryFlush"/> failed.</summary>
    public string? LastError { get; private set; }

    public long SectorCount => _header.Size / IBlockDevice.SectorSize;
    public bool IsReadOnly { get; }

    public bool TryRead(long lba, Span<byte> destination)
    {
        try
        {
            ReadGuest(CheckRange(lba, destination.Length), destination);
            return true;
        }
        catch (Exception e) when (e is Qcow2Exception or IOException or ArgumentOutOfRangeException)
        {
            LastError = e.Message;
            return false;
        }
    }

    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        if (IsReadOnly) { LastError = $"{Path}: image is read-only"; return false; }
        try
        {
            Write(CheckRange(lba, source.Length), source);
            return true;
        }
        catch (Exception e) when (e is Qcow2Exception or IOException or ArgumentOutOfRangeException)
        {
            LastError = e.Message;
            return false;
        }
    }

    public bool TryFlush() => Try(() => { if (!IsReadOnly) _file.Flush(); });

    public void Dispose()
    {
        _backing?.Dispose();
        _file.Dispose();
    }

    private bool Try(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is Qcow2Exception or IOException or ArgumentOutOfRangeException)
        {
            LastError = e.Message;
            return false;
        }
    }

    private long CheckRange(long lba, int length)
    {
        if (lba < 0 || length % IBlockDevice.SectorSize != 0 || lba + length / IBlockDevice.SectorSize > SectorCount)
            throw new ArgumentOutOfRangeException(nameof(lba), $"{Path}: sectors {lba}+{length / IBlockDevice.SectorSize} are outside the disk");
        return lba * IBlockDevice.SectorSize;
    }

    private ulong[] LoadL1()
    {
        var bytes = new byte[_header.L1Size * 8];
        _file.Read(_header.L1TableOffset, bytes);
        var l1 = new ulong[_header.L1Size];
        for (var i = 0; i < l1.Length; i++)
        {
            l1[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
            var offset = l1[i] & OffsetMask;
            if (offset == 0) continue;
            if ((offset & (ulong)(_header.ClusterSize - 1)) != 0)
                throw Corrupt($"L1 entry {i} (0x{l1[i]:x}) points to an unaligned L2 table");
            if (offset + (ulong)_header.ClusterSize > (ulong)_file.Length)
                throw Corrupt($"L1 entry {i} (0x{l1[i]:x}) points past the end of the file");
        }
        return l1;
    }

    private IGuestData? OpenBacking(long cacheBytes, HashSet<string> chain)
    {
        if (_header.BackingFile is not { } name) return null;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".";
        var backingPath = System.IO.Path.IsPathRooted(name) ? name : System.IO.Path.Combine(directory, name);
        if (!File.Exists(backingPath)) throw new Qcow2Exception($"{Path}: cannot open backing file '{name}' (looked for {backingPath})");
        var format = _header.BackingFormat ?? ProbeFormat(backingPath);
        if (chain.Contains(System.IO.Path.GetFullPath(backingPath)))
            throw new Qcow2Exception($"{Path}: backing chain loop: '{name}' is already in the chain");
        return format switch
        {
            "qcow2" => new Qcow2Image(backingPath, readOnly: true, cacheBytes, chain),
            "raw" => new RawGuestData(backingPath),
            _ => throw new Qcow2Exception($"{Path}: backing format '{format}' is not supported (qcow2 or raw)"),
        };
    }

    private static string ProbeFormat(string path)
    {
        using var file = new ImageFile(path, writable: false);
        Span<byte> magic = stackalloc byte[4];
        file.Read(0, magic);
        return BinaryPrimitives.ReadUInt32BigEndian(magic) == Qcow2Header.Magic ? "qcow2" : "raw";
    }

    private Qcow2Exception Corrupt(string what) => new($"{Path}: corrupt qcow2 image: {what}");
}
