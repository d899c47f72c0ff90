using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Tests.Memory;

/// <summary>
/// Accesses through <see cref="PhysicalMemory.Read"/>/<see cref="PhysicalMemory.Write"/> (page
/// walks, the CPU's slow paths, devices' DMA): plain RAM takes one load or store, and must still
/// mark every page it writes dirty, tell about writes to pages holding code, and leave the ROM
/// alias and device regions to their own rules.
/// </summary>
public sealed class PhysicalMemoryAccessTests
{
    [Fact]
    public void A_write_across_a_page_boundary_marks_both_pages_dirty_and_reads_back_little_endian()
    {
        var memory = new PhysicalMemory(64 * 1024);
        memory.ClearDirty();
        memory.Write(0x1FFE, 4, 0x4433_2211);
        Assert.True(memory.IsDirty(1));
        Assert.True(memory.IsDirty(2));
        Assert.False(memory.IsDirty(0));
        Assert.Equal(0x4433_2211u, memory.Read(0x1FFE, 4));
        Assert.Equal(0x2211u, memory.Read(0x1FFE, 2));
        Assert.Equal(0x33u, memory.Read(0x2000, 1));
    }

    [Fact]
    public void A_write_to_a_page_holding_code_is_reported_with_its_range()
    {
        var memory = new PhysicalMemory(64 * 1024);
        var reported = new List<(uint, uint)>();
        memory.CodePageWritten += (address, length) => reported.Add((address, length));
        memory.Write(0x3000, 4, 1);
        Assert.Empty(reported);
        memory.MarkCodePage(3);
        memory.Write(0x3010, 2, 0xBEEF);
        memory.Write(0x2FFF, 2, 0xABCD); // the page before holds no code, the one after does
        Assert.Equal([(0x3010u, 2u), (0x2FFFu, 2u)], reported);
    }

    [Fact]
    public void The_ROM_alias_below_1_MiB_keeps_reading_as_ROM_and_ignores_writes()
    {
        var memory = new PhysicalMemory(2 * 1024 * 1024);
        var rom = new byte[64 * 1024];
        rom[^1] = 0xEA;
        memory.LoadRom(rom);
        memory.Write(0xFFFFF, 1, 0x90);
        Assert.Equal(0xEAu, memory.Read(0xFFFFF, 1));
        memory.Write(0xEFFFE, 4, 0x1234_5678); // straddles RAM and the alias: only the RAM half lands
        Assert.Equal(0x5678u, memory.Read(0xEFFFE, 2));
        Assert.Equal(0u, memory.Read(0xF0000, 2));
    }

    [Fact]
    public void Past_the_end_of_RAM_reads_all_ones_and_writes_go_nowhere()
    {
        var memory = new PhysicalMemory(64 * 1024);
        memory.Write(0xFFFE, 4, 0x4433_2211);
        Assert.Equal(0x2211u, memory.Read(0xFFFE, 2));
        Assert.Equal(0xFFFF_2211u, memory.Read(0xFFFE, 4));
        Assert.Equal(0xFFu, memory.Read(0xFFFF_FFFF, 1));
    }
}
