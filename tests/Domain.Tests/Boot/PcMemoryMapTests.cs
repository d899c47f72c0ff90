using HexEmu.Domain.Boot;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>
/// The E820 map against what qemu-system-i386 7.2 (pc machine, SeaBIOS) reported to a Multiboot
/// kernel that printed its map (tests/guests/mbinfo-elf.asm), with -m 128 and -m 32.
/// </summary>
public class PcMemoryMapTests
{
    [Fact]
    public void With_128_MiB()
    {
        Assert.Equal(
        [
            new E820Entry(0x0000_0000, 0x0009_FC00, E820Type.Usable),
            new E820Entry(0x0009_FC00, 0x0000_0400, E820Type.Reserved),
            new E820Entry(0x000F_0000, 0x0001_0000, E820Type.Reserved),
            new E820Entry(0x0010_0000, 0x07EE_0000, E820Type.Usable),
            new E820Entry(0x07FE_0000, 0x0002_0000, E820Type.Reserved),
            new E820Entry(0xFFFC_0000, 0x0004_0000, E820Type.Reserved),
        ], PcMemoryMap.For(128u << 20));
    }

    [Fact]
    public void With_32_MiB()
    {
        Assert.Equal(
        [
            new E820Entry(0x0000_0000, 0x0009_FC00, E820Type.Usable),
            new E820Entry(0x0009_FC00, 0x0000_0400, E820Type.Reserved),
            new E820Entry(0x000F_0000, 0x0001_0000, E820Type.Reserved),
            new E820Entry(0x0010_0000, 0x01EE_0000, E820Type.Usable),
            new E820Entry(0x01FE_0000, 0x0002_0000, E820Type.Reserved),
            new E820Entry(0xFFFC_0000, 0x0004_0000, E820Type.Reserved),
        ], PcMemoryMap.For(32u << 20));
    }

    [Fact]
    public void From_3_5_GiB_only_3_GiB_stay_below_4_GiB_and_the_rest_moves_above()
    {
        // QEMU -m 3584: usable 1 MiB–0xBFFE0000, then 0x100000000 + 512 MiB.
        var map = PcMemoryMap.For(3584UL << 20);
        Assert.Equal(new E820Entry(0x0010_0000, 0xBFEE_0000, E820Type.Usable), map[3]);
        Assert.Equal(new E820Entry(0x1_0000_0000, 0x2000_0000, E820Type.Usable), map[^1]);
    }

    [Theory]
    [InlineData(128u, 0x1FB80u)] // QEMU: mem_upper=0001FB80
    [InlineData(32u, 0x7B80u)]   // QEMU: mem_upper=00007B80
    [InlineData(2u, 0x380u)]     // QEMU: mem_upper=00000380
    public void Upper_memory_runs_from_1_MiB_to_the_first_hole(uint mib, uint kib)
    {
        Assert.Equal(kib, PcMemoryMap.UpperMemoryKiB(PcMemoryMap.For((ulong)mib << 20)));
    }

    [Fact]
    public void Lower_memory_is_639_KiB_as_INT_12h_says_under_SeaBIOS()
    {
        Assert.Equal(0x27Fu, PcMemoryMap.LowerMemoryKiB);
    }
}
