using System.Buffers.Binary;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>Byte builders for kernel files: Multiboot headers, flat a.out-kludge images, ELF32 and ELF64 files.</summary>
internal static class KernelFiles
{
    public const uint Magic = 0x1BADB002;

    /// <summary>A 12-byte header (magic, flags, checksum), or 32 bytes with the five address fields.</summary>
    public static byte[] Header(uint flags, uint? checksum = null, (uint HeaderAddr, uint LoadAddr, uint LoadEndAddr, uint BssEndAddr, uint EntryAddr)? address = null)
    {
        var b = new byte[address is null ? 12 : 32];
        Put32(b, 0, Magic);
        Put32(b, 4, flags);
        Put32(b, 8, checksum ?? unchecked(0u - Magic - flags));
        if (address is { } a)
        {
            Put32(b, 12, a.HeaderAddr);
            Put32(b, 16, a.LoadAddr);
            Put32(b, 20, a.LoadEndAddr);
            Put32(b, 24, a.BssEndAddr);
            Put32(b, 28, a.EntryAddr);
        }
        return b;
    }

    /// <summary>
    /// A flat image loaded at <paramref name="loadAddr"/> whose header sits at file offset
    /// <paramref name="headerOffset"/>; the code/data bytes follow the header.
    /// </summary>
    public static byte[] AddressFieldsImage(uint loadAddr, byte[] body, uint bssBytes = 0, int headerOffset = 0, uint flags = 0x10003, uint? entry = null)
    {
        var file = new byte[headerOffset + 32 + body.Length];
        uint headerAddr = loadAddr + (uint)headerOffset;
        uint loadEnd = loadAddr + (uint)file.Length;
        Header(flags, address: (headerAddr, loadAddr, loadEnd, bssBytes == 0 ? 0 : loadEnd + bssBytes, entry ?? headerAddr + 32)).CopyTo(file, headerOffset);
        body.CopyTo(file, headerOffset + 32);
        return file;
    }

    public sealed record Segment(uint PhysicalAddress, byte[] Data, uint MemorySize, uint Flags = 7, uint? VirtualAddress = null, uint Type = 1);

    /// <summary>
    /// An ELF32 file: 52-byte header, program headers right after it, then each segment's bytes
    /// (in order, 4-byte aligned). The Multiboot header is whatever the first segment's data holds.
    /// </summary>
    public static byte[] Elf32(uint entry, IReadOnlyList<Segment> segments, ushort machine = 3, ushort type = 2, byte elfClass = 1, byte data = 1)
    {
        int phoff = 52;
        int offset = phoff + 32 * segments.Count;
        var offsets = new int[segments.Count];
        for (int i = 0; i < segments.Count; i++)
        {
            offset = (offset + 3) & ~3;
            offsets[i] = offset;
            offset += segments[i].Data.Length;
        }
        var f = new byte[offset];
        f[0] = 0x7F; f[1] = (byte)'E'; f[2] = (byte)'L'; f[3] = (byte)'F';
        f[4] = elfClass; f[5] = data; f[6] = 1;
        Put16(f, 16, type);
        Put16(f, 18, machine);
        Put32(f, 20, 1);
        Put32(f, 24, entry);
        Put32(f, 28, (uint)phoff);
        Put16(f, 40, 52);
        Put16(f, 42, 32);
        Put16(f, 44, (ushort)segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            int ph = phoff + 32 * i;
            Put32(f, ph + 0, s.Type);
            Put32(f, ph + 4, (uint)offsets[i]);
            Put32(f, ph + 8, s.VirtualAddress ?? s.PhysicalAddress);
            Put32(f, ph + 12, s.PhysicalAddress);
            Put32(f, ph + 16, (uint)s.Data.Length);
            Put32(f, ph + 20, s.MemorySize);
            Put32(f, ph + 24, s.Flags);
            Put32(f, ph + 28, 4);
            s.Data.CopyTo(f, offsets[i]);
        }
        return f;
    }

    /// <summary>Segment data that starts with an ELF-style Multiboot header (flags 3) and then <paramref name="body"/>.</summary>
    public static byte[] WithHeader(byte[] body, uint flags = 3) => [.. Header(flags), .. body];

    public static byte[] Bytes(int count, byte start = 1)
    {
        var b = new byte[count];
        for (int i = 0; i < count; i++) b[i] = (byte)(start + i);
        return b;
    }

    public static void Put16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
    public static void Put32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
}
