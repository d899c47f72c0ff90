using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// The debugger's view of memory: <see cref="X86Cpu.PeekLinear"/> and
/// <see cref="X86Cpu.TryPokeLinear"/> at linear addresses through the guest's paging, without
/// page-table side effects, and pokes into code being decoded again.
/// </summary>
public class DebugMemoryTests
{
    private const uint PageDirectory = 0x3_0000;
    private const uint PageTable = 0x3_1000;
    private const uint P = 1, W = 2, A = 0x20, D = 0x40;
    private const uint Code = CpuHarness.CodeAddress;

    /// <summary>Paging on: identity map of the first 4 MiB except linear 0x5000 → physical 0x7000 and 0x6000 not present.</summary>
    private static CpuHarness Paged()
    {
        var h = CpuHarness.Flat32();
        for (uint i = 0; i < 1024; i++) h.Poke32(PageTable + i * 4, (i << 12) | P | W);
        h.Poke32(PageTable + 5 * 4, 0x7000 | P | W);
        h.Poke32(PageTable + 6 * 4, 0);
        h.Poke32(PageDirectory, PageTable | P | W);
        h.Cpu.Cr3 = PageDirectory;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        return h;
    }

    [Fact]
    public void Peek_reads_through_the_page_tables_and_stops_at_a_page_that_is_not_present()
    {
        var h = Paged();
        new byte[] { 1, 2, 3, 4 }.CopyTo(h.Memory.Ram[0x7FFC..]);
        var buffer = new byte[8];
        Assert.Equal(4, h.Cpu.PeekLinear(0x5FFC, buffer)); // 0x6000 is not present
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0, 0, 0 }, buffer);
        Assert.Equal(0u, h.Peek32(PageTable + 5 * 4) & (A | D)); // no accessed bit from a debugger read
    }

    [Fact]
    public void Peek_reads_rom_and_stops_where_there_is_neither_ram_nor_rom()
    {
        var h = CpuHarness.Flat32(ramBytes: 1 << 20);
        var rom = new byte[64 * 1024];
        rom[^1] = 0xEA;
        h.Memory.LoadRom(rom);
        var buffer = new byte[2];
        Assert.Equal(1, h.Cpu.PeekLinear(0xFFFF_FFFF, buffer)); // the last byte of the 4 GiB space
        Assert.Equal(0xEA, buffer[0]);
        Assert.Equal(0, h.Cpu.PeekLinear(0x0020_0000, buffer)); // beyond the 1 MiB of RAM
        Assert.Equal(2, h.Cpu.PeekLinear(0x000F_FFFE, buffer)); // the ROM's alias below 1 MiB
        Assert.Equal(0xEA, buffer[1]);
    }

    [Fact]
    public void Poke_writes_through_the_page_tables_marks_the_page_dirty_and_sets_no_page_table_bit()
    {
        var h = Paged();
        h.Memory.ClearDirty();
        Assert.True(h.Cpu.TryPokeLinear(0x5FFE, [0xAA, 0xBB]));
        Assert.Equal(0xAA, h.Memory.Ram[0x7FFE]);
        Assert.Equal(0xBB, h.Memory.Ram[0x7FFF]);
        Assert.Equal(0, h.Memory.Ram[0x5FFE]);
        Assert.True(h.Memory.IsDirty(7));
        Assert.Equal(0u, h.Peek32(PageTable + 5 * 4) & (A | D));
    }

    [Fact]
    public void A_poke_reaching_a_page_that_is_not_present_writes_nothing()
    {
        var h = Paged();
        Assert.False(h.Cpu.TryPokeLinear(0x5FFE, [1, 2, 3, 4]));
        Assert.Equal(0, h.Memory.Ram[0x7FFE]);
        Assert.Equal(0, h.Memory.Ram[0x7FFF]);
    }

    [Fact]
    public void A_poke_into_rom_or_past_ram_is_refused()
    {
        var h = CpuHarness.Flat32(ramBytes: 1 << 20);
        h.Memory.LoadRom(new byte[64 * 1024]);
        Assert.False(h.Cpu.TryPokeLinear(0xFFFF_0000, [1]));
        Assert.False(h.Cpu.TryPokeLinear(0x000F_0000, [1])); // the ROM alias below 1 MiB
        Assert.False(h.Cpu.TryPokeLinear(0x0020_0000, [1]));
        Assert.Equal(0, h.Memory.Rom[0]);
        Assert.True(h.Cpu.TryPokeLinear(0x000E_FFFF, [1])); // the RAM byte just below the alias
    }

    [Fact]
    public void A_poke_into_code_already_decoded_is_seen_by_the_next_run()
    {
        var h = CpuHarness.Flat32().LoadBytes([0xB8, 1, 0, 0, 0, 0xF4]); // mov eax, 1; hlt
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(1u, h.Reg(X86Cpu.EAX));
        Assert.True(h.Cpu.TryPokeLinear(Code + 1, [2]));
        h.Cpu.Halted = false;
        h.Cpu.Eip = Code;
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(2u, h.Reg(X86Cpu.EAX));
    }
}
