using System.Buffers.Binary;
using System.Text;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Memory;
using static HexEmu.Domain.Tests.Boot.KernelFiles;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>
/// What the loader writes and where, checked field by field against the Multiboot 0.6.96 spec
/// (section 3.3, "Boot information format") and against the layout qemu-system-i386 7.2 produced
/// for the same sizes (kernel of 0x1480 bytes at 1 MiB, modules of 11 and 37 bytes: mods_addr
/// 0x102000, modules at 0x103000 and 0x104000).
/// </summary>
public class MultibootBootTests
{
    private const uint Ram128 = 128u << 20;
    private static readonly byte[] Module1 = "module one\n"u8.ToArray();                            // 11 bytes
    private static readonly byte[] Module2 = "second module contents, a bit longer\n"u8.ToArray();  // 37 bytes

    /// <summary>An ELF kernel at 1 MiB: 0x20 bytes of file (the header and code), 0x1480 bytes in memory.</summary>
    private static KernelImage ElfKernel() =>
        KernelImage.Parse(Elf32(0x10000C, [new Segment(0x100000, WithHeader(Bytes(20)), 0x1480)]));

    private static MultibootBoot StandardBoot(uint ram = Ram128) => new(ElfKernel(), ram,
        MultibootBoot.QemuCommandLine("/k.elf", "a b"),
        [new MultibootModule(Module1, "/m1 x y"), new MultibootModule(Module2, "/m2")]);

    private static uint Peek32(PhysicalMemory m, uint at) => BinaryPrimitives.ReadUInt32LittleEndian(m.Ram[(int)at..]);

    private static string PeekString(PhysicalMemory m, uint at)
    {
        var s = m.Ram[(int)at..];
        return Encoding.UTF8.GetString(s[..s.IndexOf((byte)0)]);
    }

    private static PhysicalMemory Loaded(MultibootBoot boot, out MultibootEntryState state)
    {
        var m = new PhysicalMemory(boot.RamBytes);
        m.Ram.Fill(0xCC); // stale contents, as after a reset: whatever the boot must clear, it clears
        state = boot.Load(m);
        return m;
    }

    [Fact]
    public void The_information_structure_has_every_field_QEMU_sets()
    {
        var m = Loaded(StandardBoot(), out var state);
        const uint mbi = 0x9500;
        Assert.Equal(mbi, state.Ebx);
        Assert.Equal(0x24Fu, Peek32(m, mbi + 0));           // mem, boot_device, cmdline, mods, mmap, boot_loader_name
        Assert.Equal(639u, Peek32(m, mbi + 4));             // mem_lower: 0x9FC00 / 1024
        Assert.Equal(0x1FB80u, Peek32(m, mbi + 8));         // mem_upper: (0x7FE0000 − 1 MiB) / 1024
        Assert.Equal(0x8000_FFFFu, Peek32(m, mbi + 12));    // boot_device: drive 0x80, no partition
        Assert.Equal(0x10202Cu, Peek32(m, mbi + 16));       // cmdline: after the 2 × 16-byte module list and "/m1 x y\0/m2\0"
        Assert.Equal(2u, Peek32(m, mbi + 20));              // mods_count
        Assert.Equal(0x102000u, Peek32(m, mbi + 24));       // mods_addr: the page after the kernel's 0x1480 bytes
        for (uint at = 28; at < 44; at += 4) Assert.Equal(0u, Peek32(m, mbi + at)); // syms: none
        Assert.Equal(6u * 24, Peek32(m, mbi + 44));         // mmap_length: 6 entries of 4 + 20 bytes
        Assert.Equal(0x9000u, Peek32(m, mbi + 48));         // mmap_addr
        for (uint at = 52; at < 64; at += 4) Assert.Equal(0u, Peek32(m, mbi + at)); // drives, config table: none
        Assert.Equal(0x102037u, Peek32(m, mbi + 64));       // boot_loader_name: after "/k.elf a b\0"
        for (uint at = 68; at < 88; at += 4) Assert.Equal(0u, Peek32(m, mbi + at)); // apm, vbe: none
        Assert.Equal("/k.elf a b", PeekString(m, 0x10202C));
        Assert.Equal("qemu", PeekString(m, 0x102037));
    }

    [Fact]
    public void Modules_are_page_aligned_after_the_strings_with_exclusive_ends_and_their_own_command_lines()
    {
        var m = Loaded(StandardBoot(), out _);
        Assert.Equal([0x103000u, 0x10300Bu, 0x102020u, 0u], Enumerable.Range(0, 4).Select(i => Peek32(m, 0x102000 + 4 * (uint)i)));
        Assert.Equal([0x104000u, 0x104025u, 0x102028u, 0u], Enumerable.Range(0, 4).Select(i => Peek32(m, 0x102010 + 4 * (uint)i)));
        Assert.Equal("/m1 x y", PeekString(m, 0x102020));
        Assert.Equal("/m2", PeekString(m, 0x102028));
        Assert.Equal(Module1, m.Ram.Slice(0x103000, Module1.Length).ToArray());
        Assert.Equal(Module2, m.Ram.Slice(0x104000, Module2.Length).ToArray());
        Assert.Equal(0, m.Ram[0x10300B]); // the rest of the module's page is cleared
    }

    [Fact]
    public void The_kernel_is_copied_and_its_bss_cleared()
    {
        var m = Loaded(StandardBoot(), out var state);
        Assert.Equal(WithHeader(Bytes(20)), m.Ram.Slice(0x100000, 32).ToArray());
        Assert.False(m.Ram[0x100020..0x101480].ContainsAnyExcept((byte)0));
        Assert.Equal(0xCC, m.Ram[0x101480]); // beyond the kernel's memory size nothing is touched
        Assert.Equal(0x10000Cu, state.Eip);
    }

    [Fact]
    public void The_memory_map_entries_carry_their_size_field_before_each_entry()
    {
        var m = Loaded(StandardBoot(), out _);
        // entry 3: size 20, base 0x100000, length 0x7EE0000, type 1 (usable)
        Assert.Equal([20u, 0x100000u, 0u, 0x7EE0000u, 0u, 1u], Enumerable.Range(0, 6).Select(i => Peek32(m, 0x9000 + 3 * 24 + 4 * (uint)i)));
        // entry 5: the BIOS flash at 0xFFFC0000, 256 KiB, reserved
        Assert.Equal([20u, 0xFFFC0000u, 0u, 0x40000u, 0u, 2u], Enumerable.Range(0, 6).Select(i => Peek32(m, 0x9000 + 5 * 24 + 4 * (uint)i)));
    }

    [Fact]
    public void With_32_MiB_upper_memory_and_the_map_follow_the_RAM_size()
    {
        var m = Loaded(StandardBoot(32u << 20), out _);
        Assert.Equal(0x7B80u, Peek32(m, 0x9508));
        Assert.Equal(0x1EE0000u, Peek32(m, 0x9000 + 3 * 24 + 12));
        Assert.Equal(0x1FE0000u, Peek32(m, 0x9000 + 4 * 24 + 4));
    }

    [Fact]
    public void Without_modules_the_command_line_sits_right_at_mods_addr_and_an_empty_append_leaves_a_trailing_space()
    {
        var boot = new MultibootBoot(ElfKernel(), Ram128, MultibootBoot.QemuCommandLine("k", null), []);
        var m = Loaded(boot, out _);
        Assert.Equal((0u, 0x102000u, 0x102000u), (Peek32(m, 0x9514), Peek32(m, 0x9518), Peek32(m, 0x9510)));
        Assert.Equal("k ", PeekString(m, 0x102000));
    }

    [Fact]
    public void The_GDT_holds_QEMUs_flat_segments_at_08_and_10()
    {
        var m = Loaded(StandardBoot(), out var state);
        Assert.Equal((0xCB000u, (ushort)0x27), (state.GdtBase, state.GdtLimit));
        ulong Descriptor(uint sel) => BinaryPrimitives.ReadUInt64LittleEndian(m.Ram[(int)(0xCB000 + sel)..]);
        Assert.Equal(0UL, Descriptor(0));
        Assert.Equal(0x00CF_9B00_0000_FFFFUL, Descriptor(0x08)); // base 0, limit 4 GiB, code exec/read, 32-bit, accessed
        Assert.Equal(0x00CF_9300_0000_FFFFUL, Descriptor(0x10)); // base 0, limit 4 GiB, data read/write, 32-bit, accessed
        Assert.Equal(0x0000_9E00_0000_FFFFUL, Descriptor(0x18)); // 16-bit conforming code, 64 KiB
        Assert.Equal(0x0000_9200_0000_FFFFUL, Descriptor(0x20)); // 16-bit data, 64 KiB
        Assert.Equal(((ushort)0x08, (ushort)0x10), (state.CodeSelector, state.DataSelector));
    }

    [Fact]
    public void The_entry_state_has_the_magic_and_QEMUs_leftover_registers()
    {
        Loaded(StandardBoot(), out var state);
        Assert.Equal(0x2BADB002u, state.Eax);
        Assert.Equal(0x10000Cu, state.Ecx);   // QEMU's option ROM jumps through ECX
        Assert.Equal(0x6F08u, state.Esp);     // where SeaBIOS's stack was
        Assert.Equal((0u, (ushort)0x3FF), (state.IdtBase, state.IdtLimit));
    }

    [Fact]
    public void Loading_notes_the_pages_it_writes_and_opens_A20()
    {
        var boot = StandardBoot();
        var m = new PhysicalMemory(boot.RamBytes);
        m.SetA20(false);
        boot.Load(m);
        Assert.Equal(0xFFFF_FFFFu, m.A20Mask);
        foreach (uint page in new uint[] { 0x9, 0xCB, 0x100, 0x101, 0x102, 0x103, 0x104 }) Assert.True(m.IsDirty(page), $"page 0x{page:X}");
        Assert.False(m.IsDirty(0x105));
    }

    [Fact]
    public void A_second_load_after_the_kernel_ran_restores_the_same_image()
    {
        var boot = StandardBoot();
        var m = new PhysicalMemory(boot.RamBytes);
        boot.Load(m);
        var first = m.Ram.ToArray();
        m.Ram[0x100100] = 0x55;     // the kernel wrote to its bss
        m.Ram[0x9504] = 0x55;       // and to the information structure
        boot.Load(m);
        Assert.True(first.AsSpan().SequenceEqual(m.Ram));
    }

    [Fact]
    public void A_kernel_loaded_by_address_fields_with_a_bss()
    {
        var f = AddressFieldsImage(0x200000, Bytes(16), bssBytes: 0x3000);
        var boot = new MultibootBoot(KernelImage.Parse(f), Ram128, "k", []);
        var m = Loaded(boot, out var state);
        Assert.Equal(f, m.Ram.Slice(0x200000, f.Length).ToArray());
        Assert.False(m.Ram.Slice(0x200000 + f.Length, 0x3000).ContainsAnyExcept((byte)0));
        Assert.Equal(0x200020u, state.Eip);
        Assert.Equal(0x204000u, Peek32(m, 0x9518)); // 0x3030 bytes, page-aligned: 0x4000
    }

    public static TheoryData<string, Func<MultibootBoot>> Misfits() => new()
    {
        { "the kernel does not fit in RAM: it would span 0x100000–0x20FFFFF but RAM ends at 0x1FFFFFF (32 MiB)",
            () => new MultibootBoot(KernelImage.Parse(Elf32(0x100000, [new Segment(0x100000, WithHeader([]), 0x2000000)])), 32u << 20, "k", []) },
        { "module 2 ('/m2', 1048576 bytes) does not fit in RAM: it would span 0x104000–0x203FFF but RAM ends at 0x1FFFFF (2 MiB)",
            () => new MultibootBoot(ElfKernel(), 2u << 20, "k", [new MultibootModule(Module1, "/m1"), new MultibootModule(new byte[1 << 20], "/m2")]) },
        { "the kernel (0x8000–0x9FFF) overlaps the Multiboot information area 0x9000–0x9FFF",
            () => new MultibootBoot(KernelImage.Parse(AddressFieldsImage(0x8000, new byte[0x2000 - 32])), Ram128, "k", []) },
        { "the kernel (0xA0000–0xA002F) overlaps the reserved area 0x9FC00–0xFFFFF (EBDA, video memory, BIOS)",
            () => new MultibootBoot(KernelImage.Parse(AddressFieldsImage(0xA0000, Bytes(16))), Ram128, "k", []) },
        { "module 1 ('big', 606208 bytes) (0xC000–0x9FFFF) overlaps the reserved area 0x9FC00–0xFFFFF (EBDA, video memory, BIOS)",
            () => new MultibootBoot(KernelImage.Parse(AddressFieldsImage(0xA000, Bytes(16))), Ram128, "k", [new MultibootModule(new byte[0x94000], "big")]) },
        { "a Multiboot boot needs at least 2 MiB of RAM, the machine has 1024 KiB",
            () => new MultibootBoot(ElfKernel(), 1u << 20, "k", []) },
        { "a Multiboot command line or name cannot contain a NUL character",
            () => new MultibootBoot(ElfKernel(), Ram128, "k\0x", []) },
    };

    [Theory]
    [MemberData(nameof(Misfits))]
    public void What_does_not_fit_is_refused_by_name(string message, Func<MultibootBoot> boot)
    {
        Assert.Equal(message, Assert.Throws<BootImageException>(boot).Message);
    }
}
