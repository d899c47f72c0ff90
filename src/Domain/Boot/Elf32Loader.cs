using System.Buffers.Binary;

namespace HexEmu.Domain.Boot;

/// <summary>
/// Loading an ELF32 i386 executable (System V ABI, "ELF header" and "Program header"): each
/// PT_LOAD segment goes to its physical address p_paddr, its p_filesz bytes from the file
/// followed by zeros up to p_memsz. Two rules follow QEMU's ELF loader:
/// <list type="bullet">
/// <item>a segment whose zero-filled tail would overlap another segment is loaded without that
/// tail (images that pack data for a runtime copy look like that);</item>
/// <item>when the segment holding e_entry is executable and has p_vaddr ≠ p_paddr, the entry is
/// moved by the same offset (e_entry is virtual, and the kernel starts with paging off).</item>
/// </list>
/// QEMU does not look at e_type; we accept executables (ET_EXEC) and position-independent ones
/// (ET_DYN, what gcc makes by default, loaded where their headers say) and refuse the rest.
/// </summary>
internal static class Elf32Loader
{
    private const int HeaderSize = 52;
    private const int ProgramHeaderSize = 32;
    private const byte ClassElf32 = 1, ClassElf64 = 2;
    private const byte DataLittleEndian = 1;
    private const ushort TypeRelocatable = 1, TypeExecutable = 2, TypeShared = 3;
    private const ushort MachineI386 = 3, MachineX86_64 = 62;
    private const uint PtLoad = 1;
    private const uint PfExecute = 1;

    public static IReadOnlyList<KernelSegment> Segments(ReadOnlyMemory<byte> fileMemory, out uint entry)
    {
        var file = fileMemory.Span;
        if (file.Length < 4 || file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
            throw new BootImageException("kernel is not an ELF file, and its Multiboot header has no address fields (flag 16) to load it by");
        if (file.Length >= 20 && U16(file, 18) == MachineX86_64)
            throw new BootImageException("kernel is an x86-64 ELF image; Multiboot needs a 32-bit (i386) kernel");
        if (file.Length < 5 || file[4] != ClassElf32)
            throw new BootImageException(file.Length >= 5 && file[4] == ClassElf64
                ? "kernel is a 64-bit ELF file; Multiboot needs a 32-bit (i386) kernel"
                : "kernel is an ELF file of unknown class");
        if (file.Length < 6 || file[5] != DataLittleEndian)
            throw new BootImageException("kernel is a big-endian ELF file; an i386 kernel is little-endian");
        if (file.Length < HeaderSize)
            throw new BootImageException("ELF kernel is truncated: the file ends inside the ELF header");
        ushort machine = U16(file, 18);
        if (machine != MachineI386)
            throw new BootImageException($"ELF kernel is for machine {machine}, not i386 (3)");
        ushort type = U16(file, 16);
        if (type == TypeRelocatable)
            throw new BootImageException("ELF kernel is a relocatable object (ET_REL), not a linked executable");
        if (type != TypeExecutable && type != TypeShared)
            throw new BootImageException($"ELF kernel has type {type}, not an executable (ET_EXEC)");

        uint elfEntry = U32(file, 24);
        uint phoff = U32(file, 28);
        ushort phentsize = U16(file, 42);
        ushort phnum = U16(file, 44);
        if (phnum == 0)
            throw new BootImageException("ELF kernel has no program headers");
        if (phentsize != ProgramHeaderSize)
            throw new BootImageException($"ELF kernel has program headers of {phentsize} bytes, not {ProgramHeaderSize}");
        if ((ulong)phoff + (ulong)phnum * ProgramHeaderSize > (ulong)file.Length)
            throw new BootImageException("ELF kernel is truncated: its program headers run past the end of the file");

        var headers = new ProgramHeader[phnum];
        for (int i = 0; i < phnum; i++)
        {
            var ph = file.Slice((int)phoff + i * ProgramHeaderSize, ProgramHeaderSize);
            headers[i] = new ProgramHeader(U32(ph, 0), U32(ph, 4), U32(ph, 8), U32(ph, 12), U32(ph, 16), U32(ph, 20), U32(ph, 24));
        }

        entry = elfEntry;
        var segments = new List<KernelSegment>();
        var placed = new List<(int Index, uint Start, ulong End)>();
        for (int i = 0; i < phnum; i++)
        {
            var h = headers[i];
            if (h.Type != PtLoad) continue;
            if (h.FileSize > h.MemorySize)
                throw new BootImageException($"ELF segment {i} has p_filesz 0x{h.FileSize:X} larger than p_memsz 0x{h.MemorySize:X}");
            if (h.FileSize > 0 && (ulong)h.Offset + h.FileSize > (ulong)file.Length)
                throw new BootImageException($"ELF kernel is truncated: segment {i} (0x{h.FileSize:X} bytes at offset 0x{h.Offset:X}) runs past the end of the file");
            uint memorySize = h.MemorySize;
            if (memorySize > h.FileSize && TailOverlapsAnother(headers, i))
                memorySize = h.FileSize;
            if ((ulong)h.PhysicalAddress + memorySize > 0x1_0000_0000UL)
                throw new BootImageException($"ELF segment {i} (0x{memorySize:X} bytes at 0x{h.PhysicalAddress:X}) runs past the end of the 32-bit address space");

            if (h.VirtualAddress != h.PhysicalAddress && (h.Flags & PfExecute) != 0
                && elfEntry >= h.VirtualAddress && (ulong)elfEntry < (ulong)h.VirtualAddress + h.FileSize)
                entry = elfEntry - h.VirtualAddress + h.PhysicalAddress;

            if (memorySize == 0) continue; // an empty segment occupies nothing
            ulong end = (ulong)h.PhysicalAddress + memorySize;
            foreach (var (other, start, otherEnd) in placed)
                if (h.PhysicalAddress < otherEnd && start < end)
                    throw new BootImageException($"ELF segments {other} and {i} overlap in memory (at 0x{Math.Max(start, h.PhysicalAddress):X})");
            placed.Add((i, h.PhysicalAddress, end));
            var data = h.FileSize == 0 ? ReadOnlyMemory<byte>.Empty : fileMemory.Slice((int)h.Offset, (int)h.FileSize);
            segments.Add(new KernelSegment(h.PhysicalAddress, data, memorySize));
        }
        if (segments.Count == 0)
            throw new BootImageException("ELF kernel has no loadable (PT_LOAD) segment");
        return segments;
    }

    /// <summary>Whether the zero-filled part of segment <paramref name="i"/> meets any other PT_LOAD segment.</summary>
    private static bool TailOverlapsAnother(ProgramHeader[] headers, int i)
    {
        ulong zeroStart = (ulong)headers[i].PhysicalAddress + headers[i].FileSize;
        ulong zeroEnd = (ulong)headers[i].PhysicalAddress + headers[i].MemorySize;
        for (int j = 0; j < headers.Length; j++)
        {
            if (j == i || headers[j].Type != PtLoad) continue;
            ulong otherStart = headers[j].PhysicalAddress;
            ulong otherEnd = otherStart + headers[j].MemorySize;
            if (otherStart < zeroEnd && zeroStart < otherEnd) return true;
        }
        return false;
    }

    private readonly record struct ProgramHeader(
        uint Type, uint Offset, uint VirtualAddress, uint PhysicalAddress, uint FileSize, uint MemorySize, uint Flags);

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
}
