using System.Buffers.Binary;

namespace HexEmu.Domain.Boot;

/// <summary>
/// The Multiboot header of a kernel image (Multiboot Specification 0.6.96, section 3.1): found
/// on a 4-byte boundary within the file's first 8 KiB, with a checksum that makes
/// magic + flags + checksum zero.
/// </summary>
public sealed record MultibootHeader
{
    public const uint Magic = 0x1BAD_B002;
    /// <summary>How far into the file the header may start: its 48 bytes must end within the first 8 KiB.</summary>
    public const int SearchLimit = 8192;
    public const int FullSize = 48;
    /// <summary>magic, flags and checksum: what every header has.</summary>
    public const int BaseSize = 12;
    /// <summary>The base fields and the five address fields of the a.out kludge.</summary>
    public const int AddressFieldsSize = 32;

    /// <summary>Flag 0: modules must be page-aligned (we always align them).</summary>
    public const uint PageAlignModules = 1u << 0;
    /// <summary>Flag 1: mem_* and the memory map must be passed (we always pass them).</summary>
    public const uint WantsMemoryInfo = 1u << 1;
    /// <summary>Flag 2: the kernel asks for a video mode table; ignored, as QEMU ignores it.</summary>
    public const uint WantsVideoMode = 1u << 2;
    /// <summary>Flag 16: header_addr … entry_addr are valid and say how to load the image.</summary>
    public const uint HasAddressFields = 1u << 16;

    /// <summary>Byte offset of the header in the file.</summary>
    public required int Offset { get; init; }
    public required uint Flags { get; init; }
    public uint HeaderAddr { get; init; }
    public uint LoadAddr { get; init; }
    public uint LoadEndAddr { get; init; }
    public uint BssEndAddr { get; init; }
    public uint EntryAddr { get; init; }

    public bool UsesAddressFields => (Flags & HasAddressFields) != 0;

    /// <summary>
    /// Finds the first valid header, as QEMU does: a magic whose checksum does not match is
    /// skipped and the search goes on. Throws <see cref="BootImageException"/> when there is none.
    /// Required flags (bits 0–15) we do not know are accepted, as QEMU accepts them, although the
    /// specification asks a boot loader to refuse them.
    /// </summary>
    public static MultibootHeader Find(ReadOnlySpan<byte> file)
    {
        if (file.IsEmpty) throw new BootImageException("kernel file is empty");
        int badChecksumAt = -1;
        for (int i = 0; i < SearchLimit - FullSize && i + BaseSize <= file.Length; i += 4)
        {
            if (U32(file, i) != Magic) continue;
            uint flags = U32(file, i + 4);
            if (Magic + flags + U32(file, i + 8) != 0)
            {
                if (badChecksumAt < 0) badChecksumAt = i;
                continue;
            }
            return Read(file, i, flags);
        }
        if (badChecksumAt >= 0)
            throw new BootImageException(
                $"Multiboot header at offset 0x{badChecksumAt:X} has a bad checksum (magic + flags + checksum must be 0)");
        if (file.Length >= 0x206 && U32(file, 0x202) == 0x5372_6448) // "HdrS"
            throw new BootImageException("kernel is a Linux boot-protocol image (bzImage); only Multiboot kernels can be booted");
        throw new BootImageException("no Multiboot header in the first 8 KiB of the kernel");
    }

    private static MultibootHeader Read(ReadOnlySpan<byte> file, int at, uint flags)
    {
        if ((flags & HasAddressFields) == 0)
            return new MultibootHeader { Offset = at, Flags = flags };
        if (file.Length < at + AddressFieldsSize)
            throw new BootImageException(
                $"Multiboot header at offset 0x{at:X} is cut off by the end of the file before its address fields");
        return new MultibootHeader
        {
            Offset = at,
            Flags = flags,
            HeaderAddr = U32(file, at + 12),
            LoadAddr = U32(file, at + 16),
            LoadEndAddr = U32(file, at + 20),
            BssEndAddr = U32(file, at + 24),
            EntryAddr = U32(file, at + 28),
        };
    }

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
}
