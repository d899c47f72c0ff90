using HexEmu.Domain.Boot;
using static HexEmu.Domain.Tests.Boot.KernelFiles;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>Kernels loaded by the header's address fields (spec 3.1.3, flag 16), with QEMU's consistency checks.</summary>
public class AddressFieldsImageTests
{
    [Fact]
    public void The_file_from_load_addr_to_load_end_addr_is_loaded_and_the_bss_follows()
    {
        // Header at file offset 0x10 = address 0x200010, so the file's first byte is load_addr 0x200000.
        var f = new byte[0x100];
        Bytes(0x100).CopyTo(f, 0);
        Header(0x10002, address: (0x200010, 0x200000, 0x2000C0, 0x200400, 0x200050)).CopyTo(f, 0x10);
        var k = KernelImage.Parse(f);
        Assert.Equal(KernelFormat.AddressFields, k.Format);
        Assert.Equal(0x200050u, k.Entry);
        var s = Assert.Single(k.Segments);
        Assert.Equal((0x200000u, 0xC0, 0x400u), (s.Address, s.Data.Length, s.MemorySize));
        Assert.Equal(f.AsSpan(0, 0xC0).ToArray(), s.Data.ToArray());
        Assert.Equal((0x200000u, 0x200400UL), (k.Start, k.End));
    }

    [Fact]
    public void A_header_later_in_the_file_moves_where_loading_starts_in_the_file()
    {
        // Header at offset 0x100 but header_addr − load_addr = 0x20: loading starts at file offset 0xE0.
        var f = Bytes(0x200);
        Header(0x10000, address: (0x100020, 0x100000, 0, 0, 0x100020)).CopyTo(f, 0x100);
        var s = Assert.Single(KernelImage.Parse(f).Segments);
        Assert.Equal(0x200 - 0xE0, s.Data.Length);          // load_end_addr 0: to the end of the file
        Assert.Equal(f[0xE0], s.Data.Span[0]);
        Assert.Equal((uint)s.Data.Length, s.MemorySize);    // bss_end_addr 0: no bss
    }

    [Fact]
    public void Address_fields_win_over_an_ELF_file_as_in_QEMU()
    {
        // An ELF file whose segment says 0x300000, with a flag-16 header saying 0x100000.
        var body = new byte[64];
        var elf = Elf32(0x300000, [new Segment(0x300000, [.. new byte[32], .. body], 0x200)]);
        const int at = 0x60; // inside the segment's data, 4-byte aligned
        Header(0x10000, address: (0x100000 + (uint)at, 0x100000, 0, 0, 0x100000)).CopyTo(elf, at);
        var k = KernelImage.Parse(elf);
        Assert.Equal(KernelFormat.AddressFields, k.Format);
        Assert.Equal(0x100000u, k.Segments[0].Address);
    }

    [Theory]
    [InlineData(0x100000u, 0x100010u, 0u, 0u, "invalid Multiboot address fields: header_addr 0x100000 is below load_addr 0x100010")]
    [InlineData(0x100100u, 0x100000u, 0u, 0u, "invalid Multiboot address fields: header_addr − load_addr (0x100) puts load_addr before the start of the file (header at offset 0x10)")]
    [InlineData(0x100010u, 0x100000u, 0xFFFFFu, 0u, "invalid Multiboot address fields: load_end_addr 0xFFFFF is below load_addr 0x100000")]
    [InlineData(0x100010u, 0x100000u, 0x100040u, 0x100030u, "invalid Multiboot address fields: bss_end_addr 0x100030 is below the end of the loaded image 0x100040")]
    [InlineData(0x100010u, 0x100000u, 0x100041u, 0u, "kernel file is truncated: its address fields load 0x41 bytes from offset 0x0 but the file has 0x40 bytes")]
    [InlineData(0xFFFFFFF0u, 0xFFFFFFE0u, 0u, 0u, "invalid Multiboot address fields: the kernel (0x40 bytes at 0xFFFFFFE0) does not fit in the 32-bit address space")]
    public void Inconsistent_address_fields_are_refused_with_the_field_named(uint headerAddr, uint loadAddr, uint loadEnd, uint bssEnd, string message)
    {
        var f = new byte[0x40];
        Header(0x10000, address: (headerAddr, loadAddr, loadEnd, bssEnd, loadAddr)).CopyTo(f, 0x10);
        Assert.Equal(message, Assert.Throws<BootImageException>(() => KernelImage.Parse(f)).Message);
    }

    [Fact]
    public void An_image_of_no_bytes_and_no_bss_is_refused()
    {
        var f = Header(0x10000, address: (0x100000, 0x100000, 0x100000, 0, 0x100000));
        Assert.Equal("the kernel has nothing to load (no bytes and no bss)", Assert.Throws<BootImageException>(() => KernelImage.Parse(f)).Message);
    }

    [Fact]
    public void The_video_mode_flag_is_accepted_with_a_warning()
    {
        var k = KernelImage.Parse(AddressFieldsImage(0x100000, Bytes(16), flags: 0x10007));
        Assert.Equal("the kernel asks for a video mode (Multiboot flag 2), which is not supported: ignored", Assert.Single(k.Warnings));
        Assert.Empty(KernelImage.Parse(AddressFieldsImage(0x100000, Bytes(16))).Warnings);
    }
}
