using HexEmu.Domain.Boot;
using static HexEmu.Domain.Tests.Boot.KernelFiles;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>Finding the Multiboot header (spec 3.1.1: 4-byte aligned, within the first 8192 bytes, checksum).</summary>
public class MultibootHeaderTests
{
    private static byte[] FileWithHeaderAt(int offset, byte[] header, int length = 0)
    {
        var f = new byte[Math.Max(length, offset + header.Length)];
        header.CopyTo(f, offset);
        return f;
    }

    [Fact]
    public void A_header_at_the_start_is_found_with_its_flags()
    {
        var h = MultibootHeader.Find(FileWithHeaderAt(0, Header(0x0000_0003)));
        Assert.Equal(0, h.Offset);
        Assert.Equal(3u, h.Flags);
        Assert.False(h.UsesAddressFields);
    }

    [Fact]
    public void The_address_fields_are_read_in_spec_order()
    {
        var h = MultibootHeader.Find(FileWithHeaderAt(0x40, Header(0x10000, address: (0x100040, 0x100000, 0x101000, 0x102000, 0x100060)), 0x1000));
        Assert.True(h.UsesAddressFields);
        Assert.Equal((0x40, 0x100040u, 0x100000u, 0x101000u, 0x102000u, 0x100060u),
            (h.Offset, h.HeaderAddr, h.LoadAddr, h.LoadEndAddr, h.BssEndAddr, h.EntryAddr));
    }

    [Fact]
    public void The_last_place_a_48_byte_header_fits_in_8_KiB_is_searched_and_the_next_is_not()
    {
        // 8192 − 48 = 8144: offset 8140 is the last aligned one below it.
        Assert.Equal(8140, MultibootHeader.Find(FileWithHeaderAt(8140, Header(3), 9000)).Offset);
        var e = Assert.Throws<BootImageException>(() => MultibootHeader.Find(FileWithHeaderAt(8144, Header(3), 9000)));
        Assert.Equal("no Multiboot header in the first 8 KiB of the kernel", e.Message);
    }

    [Fact]
    public void An_unaligned_magic_is_not_a_header()
    {
        var e = Assert.Throws<BootImageException>(() => MultibootHeader.Find(FileWithHeaderAt(2, Header(3), 64)));
        Assert.Equal("no Multiboot header in the first 8 KiB of the kernel", e.Message);
    }

    [Fact]
    public void A_bad_checksum_is_named_with_its_offset()
    {
        var e = Assert.Throws<BootImageException>(() => MultibootHeader.Find(FileWithHeaderAt(0x20, Header(3, checksum: 0x1234), 64)));
        Assert.Equal("Multiboot header at offset 0x20 has a bad checksum (magic + flags + checksum must be 0)", e.Message);
    }

    [Fact]
    public void A_magic_with_a_bad_checksum_is_skipped_when_a_valid_header_follows()
    {
        var f = FileWithHeaderAt(0, Header(3, checksum: 0), 64);
        Header(7).CopyTo(f, 16);
        Assert.Equal((16, 7u), (MultibootHeader.Find(f).Offset, MultibootHeader.Find(f).Flags));
    }

    [Fact]
    public void Unknown_required_flags_are_accepted_as_QEMU_accepts_them()
    {
        Assert.Equal(0x0000_FFF8u, MultibootHeader.Find(FileWithHeaderAt(0, Header(0x0000_FFF8))).Flags);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal("kernel file is empty", Assert.Throws<BootImageException>(() => MultibootHeader.Find([])).Message);
    }

    [Fact]
    public void A_header_cut_off_before_its_address_fields_is_refused()
    {
        var f = Header(0x10000, address: (0, 0, 0, 0, 0))[..20];
        var e = Assert.Throws<BootImageException>(() => MultibootHeader.Find(f));
        Assert.Equal("Multiboot header at offset 0x0 is cut off by the end of the file before its address fields", e.Message);
    }

    [Fact]
    public void A_Linux_bzImage_is_named_as_such()
    {
        var f = new byte[0x1000];
        "HdrS"u8.CopyTo(f.AsSpan(0x202));
        var e = Assert.Throws<BootImageException>(() => MultibootHeader.Find(f));
        Assert.Equal("kernel is a Linux boot-protocol image (bzImage); only Multiboot kernels can be booted", e.Message);
    }
}
