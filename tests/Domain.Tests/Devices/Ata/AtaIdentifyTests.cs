using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>IDENTIFY DEVICE: the protocol (PIO data-in, one block) and the word values ATA-6 §8.15 Table 27 defines.</summary>
public class AtaIdentifyTests
{
    private static string AtaString(ushort[] words, int first, int count)
    {
        var chars = new char[count * 2];
        for (int i = 0; i < count; i++)
        {
            chars[2 * i] = (char)(words[first + i] >> 8); // first character in the high byte
            chars[2 * i + 1] = (char)(words[first + i] & 0xFF);
        }
        return new string(chars);
    }

    private static long Dword(ushort[] w, int first) => w[first] | ((long)w[first + 1] << 16);

    [Fact]
    public void Identify_is_one_PIO_data_in_block_with_one_interrupt()
    {
        var rig = AtaRig.WithDisk(20160);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xEC);
        Assert.Equal(1, rig.Irq.RisingEdges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc | AtaRig.Drq, rig.In(AtaRig.AltStatus));
        rig.ReadBlock();
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal(1, rig.Irq.RisingEdges); // data-in: no interrupt after the last block
        Assert.Equal(0, rig.InW(AtaRig.Data)); // no DRQ: the data port has nothing to give
    }

    [Fact]
    public void Strings_are_space_padded_with_the_first_character_of_each_pair_in_the_high_byte()
    {
        var w = AtaRig.WithDisk(100).Identify();
        Assert.Equal(0x4845, w[27]); // 'H' 'E'
        Assert.Equal("HEXEMU HARDDISK".PadRight(40), AtaString(w, 27, 20));
        Assert.Equal("HX00001".PadRight(20), AtaString(w, 10, 10));
        Assert.Equal("1.0".PadRight(8), AtaString(w, 23, 4));
    }

    [Fact]
    public void Each_position_has_its_own_serial_number()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        Assert.Equal("HX00001".PadRight(20), AtaString(rig.Identify(0), 10, 10));
        Assert.Equal("HX00002".PadRight(20), AtaString(rig.Identify(1), 10, 10));
    }

    [Fact]
    public void Capabilities_say_LBA_and_PIO_only_with_multiple_mode_at_16_sectors()
    {
        var w = AtaRig.WithDisk(20160).Identify();
        Assert.Equal(0, w[0] & 0x8000);          // ATA device
        Assert.NotEqual(0, w[49] & (1 << 9));    // LBA supported
        Assert.Equal(0, w[49] & (1 << 8));       // no DMA
        Assert.Equal(0x8010, w[47]);             // READ/WRITE MULTIPLE up to 16 sectors
        Assert.Equal(0x0110, w[59]);             // multiple setting valid, 16 sectors
        Assert.Equal(0x4000, w[50] & 0xC000);
        Assert.Equal(0x0003, w[53] & 0x0003);    // words 54–58 and 64–70 valid
        Assert.Equal(0x0003, w[64]);             // PIO modes 3 and 4
        Assert.Equal(0x0400, w[83] & 0x0400);    // 48-bit address feature set
        Assert.Equal(0x3000, w[83] & 0x3000);    // FLUSH CACHE, FLUSH CACHE EXT
        Assert.Equal(0x4000, w[83] & 0xC000);
        Assert.Equal(0x0400, w[86] & 0x0400);    // 48-bit enabled
        Assert.Equal(0x0020, w[85] & 0x0020);    // write cache enabled
        Assert.Equal(0, w[88]);                  // no Ultra DMA
    }

    [Fact]
    public void The_integrity_word_has_the_signature_and_makes_the_block_sum_to_zero()
    {
        var w = AtaRig.WithDisk(12345).Identify();
        Assert.Equal(0xA5, w[255] & 0xFF);
        int sum = 0;
        foreach (var word in w) sum += (word & 0xFF) + (word >> 8);
        Assert.Equal(0, sum & 0xFF);
    }

    [Fact]
    public void Sector_counts_for_28_and_48_bit_addressing()
    {
        var w = AtaRig.WithDisk(20160).Identify();
        Assert.Equal(20160, Dword(w, 60));
        Assert.Equal(20160, Dword(w, 100));
        Assert.Equal(0, w[102] | w[103]);
    }

    [Fact]
    public void A_disk_beyond_28_bits_reports_the_28_bit_maximum_in_words_60_61_and_its_size_in_100_103()
    {
        long sectors = (1L << 33) + 5; // 4 TiB
        var rig = new AtaRig(new SparseBlockDevice(sectors));
        var w = rig.Identify();
        Assert.Equal(0x0FFF_FFFF, Dword(w, 60));
        Assert.Equal(sectors, w[100] | ((long)w[101] << 16) | ((long)w[102] << 32) | ((long)w[103] << 48));
        Assert.Equal(16383, w[1]);   // the CHS limit
        Assert.Equal(16, w[3]);
        Assert.Equal(63, w[6]);
        Assert.Equal(16383 * 16 * 63, Dword(w, 57));
    }

    [Theory]
    [InlineData(20160, 20)]     // 20 × 16 × 63
    [InlineData(20160 + 1007, 20)] // a partial cylinder is left out
    [InlineData(100, 2)]        // at least 2 cylinders, even if the disk is smaller
    public void Without_a_partition_table_the_geometry_is_16_heads_63_sectors(long sectors, int cylinders)
    {
        var w = AtaRig.WithDisk(sectors).Identify();
        Assert.Equal([cylinders, 16, 63], new[] { w[1], w[3], w[6] }.Select(x => (int)x));
        Assert.Equal([cylinders, 16, 63], new[] { w[54], w[55], w[56] }.Select(x => (int)x));
        Assert.Equal(cylinders * 16 * 63, Dword(w, 57));
    }

    private static MemoryBlockDevice DiskWithPartitionEnding(long sectors, int endHead, int endSector)
    {
        var disk = new MemoryBlockDevice(sectors);
        var mbr = disk.Contents;
        mbr[510] = 0x55;
        mbr[511] = 0xAA;
        var entry = mbr[0x1BE..];
        entry[5] = (byte)endHead;
        entry[6] = (byte)endSector;
        BitConverter.TryWriteBytes(entry[12..], (uint)(sectors - 1)); // partition size
        return disk;
    }

    [Fact]
    public void A_partition_table_ending_on_head_15_sector_32_gives_16_heads_and_32_sectors()
    {
        var w = new AtaRig(DiskWithPartitionEnding(16 * 32 * 50 + 7, endHead: 15, endSector: 32)).Identify();
        Assert.Equal([50, 16, 32], new[] { w[1], w[3], w[6] }.Select(x => (int)x));
    }

    [Fact]
    public void A_partition_table_of_a_translating_BIOS_with_255_heads_falls_back_to_the_size_rule()
    {
        var w = new AtaRig(DiskWithPartitionEnding(20160, endHead: 254, endSector: 63)).Identify();
        Assert.Equal([20, 16, 63], new[] { w[1], w[3], w[6] }.Select(x => (int)x));
    }

    [Fact]
    public void Identify_reads_the_same_through_32_bit_accesses()
    {
        var rig = AtaRig.WithDisk(777);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xEC);
        var by32 = rig.ReadBlock32();
        rig.Out(AtaRig.Command, 0xEC);
        var by16 = rig.ReadBlock();
        Assert.Equal(by16, by32);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
    }
}
