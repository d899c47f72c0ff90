using HexEmu.Domain.Boot;
using static HexEmu.Domain.Tests.Boot.KernelFiles;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>ELF32 kernels (Multiboot header without flag 16): PT_LOAD segments at p_paddr, bss zero-filled.</summary>
public class Elf32ImageTests
{
    private static readonly byte[] Text = WithHeader(Bytes(20));

    [Fact]
    public void Each_PT_LOAD_segment_goes_to_its_physical_address_and_other_types_are_skipped()
    {
        var data = Bytes(8, 0x80);
        var f = Elf32(0x100010, [
            new Segment(0x100000, Text, (uint)Text.Length, Flags: 5),
            new Segment(0, Bytes(4), 4, Type: 4), // PT_NOTE
            new Segment(0x101000, data, 0x100, Flags: 6),
        ]);
        var k = KernelImage.Parse(f);
        Assert.Equal(KernelFormat.Elf32, k.Format);
        Assert.Equal(0x100010u, k.Entry);
        Assert.Equal(2, k.Segments.Count);
        Assert.Equal((0x100000u, (uint)Text.Length), (k.Segments[0].Address, k.Segments[0].MemorySize));
        Assert.Equal(Text, k.Segments[0].Data.ToArray());
        Assert.Equal((0x101000u, 0x100u), (k.Segments[1].Address, k.Segments[1].MemorySize));
        Assert.Equal(data, k.Segments[1].Data.ToArray());
        Assert.Equal((0x100000u, 0x101100UL), (k.Start, k.End));
    }

    [Fact]
    public void A_higher_half_kernel_loads_at_p_paddr_and_its_entry_moves_by_the_same_offset()
    {
        // Linked at 0xC0100000, loaded at 0x100000: the entry 0xC0100010 becomes 0x100010.
        var f = Elf32(0xC010_0010, [new Segment(0x100000, Text, 0x1000, Flags: 5, VirtualAddress: 0xC010_0000)]);
        var k = KernelImage.Parse(f);
        Assert.Equal(0x100000u, k.Segments[0].Address);
        Assert.Equal(0x100010u, k.Entry);
    }

    [Fact]
    public void The_entry_is_not_moved_by_a_segment_that_is_not_executable()
    {
        var f = Elf32(0xC010_0010, [new Segment(0x100000, Text, 0x1000, Flags: 6, VirtualAddress: 0xC010_0000)]);
        Assert.Equal(0xC010_0010u, KernelImage.Parse(f).Entry);
    }

    [Fact]
    public void A_zero_fill_that_would_run_into_another_segment_is_dropped()
    {
        // Segment 0's memsz reaches into segment 1: QEMU loads segment 0 with its file bytes only.
        var f = Elf32(0x100000, [new Segment(0x100000, Text, 0x2000), new Segment(0x101000, Bytes(16), 16)]);
        var k = KernelImage.Parse(f);
        Assert.Equal((uint)Text.Length, k.Segments[0].MemorySize);
    }

    [Fact]
    public void A_bss_only_segment_needs_no_bytes_from_the_file_whatever_its_offset()
    {
        var f = Elf32(0x100000, [new Segment(0x100000, Text, (uint)Text.Length), new Segment(0x200000, [], 0x1000)]);
        Put32(f, 52 + 32 + 4, 0x7FFF_0000); // segment 1's p_offset, far past the end of the file
        var bss = KernelImage.Parse(f).Segments[1];
        Assert.Equal((0x200000u, 0, 0x1000u), (bss.Address, bss.Data.Length, bss.MemorySize));
    }

    [Fact]
    public void Position_independent_executables_load_where_their_headers_say()
    {
        var f = Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], type: 3);
        Assert.Equal(0x100000u, KernelImage.Parse(f).Segments[0].Address);
    }

    [Fact]
    public void Empty_segments_occupy_nothing()
    {
        var f = Elf32(0x100000, [new Segment(0x100000, Text, (uint)Text.Length), new Segment(0x10, [], 0)]);
        var k = KernelImage.Parse(f);
        Assert.Single(k.Segments);
        Assert.Equal(0x100000u, k.Start);
    }

    public static TheoryData<string, byte[]> BadFiles() => new()
    {
        { "kernel is not an ELF file, and its Multiboot header has no address fields (flag 16) to load it by", [.. Header(3), .. new byte[64]] },
        { "kernel is an x86-64 ELF image; Multiboot needs a 32-bit (i386) kernel", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], machine: 62, elfClass: 2) },
        { "kernel is a 64-bit ELF file; Multiboot needs a 32-bit (i386) kernel", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], elfClass: 2) },
        { "kernel is a big-endian ELF file; an i386 kernel is little-endian", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], data: 2) },
        { "ELF kernel is for machine 40, not i386 (3)", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], machine: 40) },
        { "ELF kernel is a relocatable object (ET_REL), not a linked executable", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], type: 1) },
        { "ELF kernel has type 4, not an executable (ET_EXEC)", Elf32(0x100000, [new Segment(0x100000, Text, 0x100)], type: 4) },
        { "ELF kernel has no loadable (PT_LOAD) segment", Elf32(0x100000, [new Segment(0x100000, Text, 0x100, Type: 4)]) },
        { "ELF segment 0 has p_filesz 0x20 larger than p_memsz 0x10", Elf32(0x100000, [new Segment(0x100000, Text, 0x10)]) },
        { "ELF segments 0 and 1 overlap in memory (at 0x100010)", Elf32(0x100000, [new Segment(0x100000, Text, (uint)Text.Length), new Segment(0x100010, Bytes(32), 32)]) },
        { "ELF segment 1 (0x20 bytes at 0xFFFFFFF0) runs past the end of the 32-bit address space", Elf32(0x100000, [new Segment(0x100000, Text, 0x20), new Segment(0xFFFF_FFF0, Bytes(32), 32)]) },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Files_that_are_not_loadable_i386_executables_are_refused_by_name(string message, byte[] file)
    {
        Assert.Equal(message, Assert.Throws<BootImageException>(() => KernelImage.Parse(file)).Message);
    }

    [Fact]
    public void A_file_that_ends_inside_a_segment_is_truncated()
    {
        var f = Elf32(0x100000, [new Segment(0x100000, [.. Text, .. Bytes(64)], 0x100)]);
        // segment data at 0x54 (52 + 32), 96 bytes long: cut 10 bytes off
        var e = Assert.Throws<BootImageException>(() => KernelImage.Parse(f[..^10]));
        Assert.Equal("ELF kernel is truncated: segment 0 (0x60 bytes at offset 0x54) runs past the end of the file", e.Message);
    }

    [Fact]
    public void Program_headers_past_the_end_of_the_file_are_truncation()
    {
        var f = Elf32(0x100000, [new Segment(0x100000, Text, 0x100)]);
        Put32(f, 28, (uint)f.Length - 16); // e_phoff: the 32-byte header would end 16 bytes past the end
        Assert.Equal("ELF kernel is truncated: its program headers run past the end of the file",
            Assert.Throws<BootImageException>(() => KernelImage.Parse(f)).Message);
    }
}
