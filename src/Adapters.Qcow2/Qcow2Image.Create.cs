using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Adapters.Qcow2;

public sealed partial class Qcow2Image
{
    private const int CreatedHeaderLength = 112;
    private const int CreatedRefcountOrder = 4;

    /// <summary>
    /// Creates an empty qcow2 v3 image (16-bit refcounts, zlib, no lazy refcounts) and opens it for
    /// writing. <paramref name="virtualSize"/> is rounded up to a whole sector, as qemu-img does. A
    /// relative <paramref name="backingFile"/> is stored as given and resolved against the new
    /// image's directory; <paramref name="backingFormat"/> ("qcow2" or "raw") is probed when null.
    /// </summary>
    public static Qcow2Image Create(string path, long virtualSize, int clusterBits = 16, string? backingFile = null, string? backingFormat = null)
    {
        if (clusterBits is < Qcow2Header.MinClusterBits or > Qcow2Header.MaxClusterBits)
            throw new Qcow2Exception($"{path}: cluster_bits {clusterBits} is outside {Qcow2Header.MinClusterBits}..{Qcow2Header.MaxClusterBits}");
        if (virtualSize < 0) throw new Qcow2Exception($"{path}: negative virtual size {virtualSize}");
        virtualSize = (virtualSize + 511) & ~511L;
        if (backingFile is not null)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
            var resolved = System.IO.Path.IsPathRooted(backingFile) ? backingFile : System.IO.Path.Combine(directory, backingFile);
            if (!File.Exists(resolved)) throw new Qcow2Exception($"{path}: backing file '{backingFile}' does not exist (looked for {resolved})");
            backingFormat ??= ProbeFormat(resolved);
            if (backingFormat is not ("qcow2" or "raw")) throw new Qcow2Exception($"{path}: backing format '{backingFormat}' is not supported (qcow2 or raw)");
        }

        var clusterSize = 1L << clusterBits;
        var bytesPerL2 = clusterSize * (clusterSize / 8);
        var l1Size = (virtualSize + bytesPerL2 - 1) / bytesPerL2;
        if (l1Size * 8 > Qcow2Header.MaxL1Bytes) throw new Qcow2Exception($"{path}: virtual size {virtualSize} is too large for {clusterSize}-byte clusters");
        var l1Clusters = Math.Max(1, (l1Size * 8 + clusterSize - 1) / clusterSize);
        var entriesPerBlock = clusterSize * 8 / (1 << CreatedRefcountOrder);
        long tableClusters = 1, blocks = 1;
        for (var settled = false; !settled;)
        {
            var total = 1 + tableClusters + blocks + l1Clusters;
            var needBlocks = (total + entriesPerBlock - 1) / entriesPerBlock;
            var needTable = Math.Max(1, (needBlocks * 8 + clusterSize - 1) / clusterSize);
            settled = needBlocks == blocks && needTable == tableClusters;
            (blocks, tableClusters) = (needBlocks, needTable);
        }
        var tableOffset = clusterSize;
        var blocksOffset = tableOffset + tableClusters * clusterSize;
        var l1Offset = blocksOffset + blocks * clusterSize;
        var totalClusters = 1 + tableClusters + blocks + l1Clusters;

        var image = new byte[totalClusters * clusterSize];
        var header = image.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(header, Qcow2Header.Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], 3);
        BinaryPrimitives.WriteUInt32BigEndian(header[20..], (uint)clusterBits);
        BinaryPrimitives.WriteUInt64BigEndian(header[24..], (ulong)virtualSize);
        BinaryPrimitives.WriteUInt32BigEndian(header[36..], (uint)l1Size);
        BinaryPrimitives.WriteUInt64BigEndian(header[40..], (ulong)l1Offset);
        BinaryPrimitives.WriteUInt64BigEndian(header[48..], (ulong)tableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(header[56..], (uint)tableClusters);
        BinaryPrimitives.WriteUInt32BigEndian(header[96..], CreatedRefcountOrder);
        BinaryPrimitives.WriteUInt32BigEndian(header[100..], CreatedHeaderLength);
        var at = CreatedHeaderLength;
        if (backingFile is not null)
        {
            var format = Encoding.UTF8.GetBytes(backingFormat!);
            var name = Encoding.UTF8.GetBytes(backingFile);
            if (name.Length > Qcow2Header.MaxBackingNameLength) throw new Qcow2Exception($"{path}: backing file name is longer than {Qcow2Header.MaxBackingNameLength} bytes");
            BinaryPrimitives.WriteUInt32BigEndian(header[at..], Qcow2Header.ExtBackingFormat);
            BinaryPrimitives.WriteUInt32BigEndian(header[(at + 4)..], (uint)format.Length);
            format.CopyTo(header[(at + 8)..]);
            at += 8 + ((format.Length + 7) & ~7);
            at += 8; // end-of-extensions marker: already zero
            if (at + name.Length > clusterSize) throw new Qcow2Exception($"{path}: backing file name does not fit in the first cluster");
            name.CopyTo(header[at..]);
            BinaryPrimitives.WriteUInt64BigEndian(header[8..], (ulong)at);
            BinaryPrimitives.WriteUInt32BigEndian(header[16..], (uint)name.Length);
        }
        for (var b = 0L; b < blocks; b++)
            BinaryPrimitives.WriteUInt64BigEndian(image.AsSpan((int)(tableOffset + b * 8)), (ulong)(blocksOffset + b * clusterSize));
        for (var c = 0L; c < totalClusters; c++)
            BinaryPrimitives.WriteUInt16BigEndian(image.AsSpan((int)(blocksOffset + c * 2)), 1);

        try
        {
            File.WriteAllBytes(path, image);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Qcow2Exception($"{path}: cannot create: {e.Message}");
        }
        return Open(path);
    }
}
