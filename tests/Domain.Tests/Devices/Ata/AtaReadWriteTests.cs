using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>READ/WRITE SECTORS and MULTIPLE (28-bit and 48-bit) over the PIO data-in / data-out protocols (ATA-6 §9.7, §9.8).</summary>
public class AtaReadWriteTests
{
    private static AtaRig FilledRig(long sectors = 4096)
    {
        var rig = AtaRig.WithDisk(sectors);
        AtaRig.Fill(rig.Disk);
        return rig;
    }

    [Fact]
    public void Read_sectors_gives_one_block_and_one_interrupt_per_sector()
    {
        var rig = FilledRig();
        rig.Lba28(0x20, lba: 5, count: 2);
        Assert.Equal(1, rig.Irq.RisingEdges);
        // An interrupt handler reads Status (which releases INTRQ), then the block.
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc | AtaRig.Drq, rig.In(AtaRig.Status));
        Assert.False(rig.Irq.High);
        Assert.Equal(AtaRig.Pattern(5), rig.ReadBlock());
        Assert.Equal(2, rig.Irq.RisingEdges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc | AtaRig.Drq, rig.In(AtaRig.Status));
        Assert.Equal(AtaRig.Pattern(6), rig.ReadBlock());
        Assert.Equal(2, rig.Irq.RisingEdges); // none after the last block
        Assert.False(rig.Irq.High);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        // The task file points past the transfer, nothing left to go.
        Assert.Equal([0, 7, 0, 0, 0xE0], new[] { rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Device) }.Select(b => (int)b));
    }

    [Fact]
    public void A_count_of_zero_means_256_sectors()
    {
        var rig = FilledRig();
        rig.Lba28(0x20, lba: 1000, count: 0);
        for (int i = 0; i < 256; i++)
        {
            rig.In(AtaRig.Status);
            Assert.Equal(AtaRig.Pattern(1000 + i), rig.ReadBlock());
        }
        Assert.Equal(256, rig.Irq.RisingEdges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal(1256 & 0xFF, rig.In(AtaRig.LbaLow));
    }

    [Fact]
    public void Sectors_read_with_32_bit_accesses_are_the_same_bytes()
    {
        var rig = FilledRig();
        rig.Lba28(0x21, lba: 77, count: 1); // READ SECTORS without retry: same command today
        Assert.Equal(AtaRig.Pattern(77), rig.ReadBlock32());
    }

    [Fact]
    public void Write_sectors_asks_for_the_first_block_without_an_interrupt_then_interrupts_after_each_block()
    {
        var rig = FilledRig();
        rig.Lba28(0x30, lba: 9, count: 2);
        Assert.Equal(0, rig.Irq.RisingEdges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc | AtaRig.Drq, rig.In(AtaRig.AltStatus));
        var first = AtaRig.Pattern(5000);
        var second = AtaRig.Pattern(5001);
        rig.WriteBlock(first);
        Assert.Equal(1, rig.Irq.RisingEdges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc | AtaRig.Drq, rig.In(AtaRig.Status));
        rig.WriteBlock32(second);
        Assert.Equal(2, rig.Irq.RisingEdges); // the last block's interrupt is the command's completion
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal([.. first, .. second], rig.SectorsOnDisk(9, 2));
        Assert.Equal(AtaRig.Pattern(11), rig.SectorsOnDisk(11, 1)); // nothing beyond
        Assert.Equal(11, rig.In(AtaRig.LbaLow));
    }

    [Fact]
    public void A_written_sector_reads_back()
    {
        var rig = FilledRig();
        var data = AtaRig.Pattern(123456);
        rig.Lba28(0x30, lba: 2, count: 1);
        rig.WriteBlock(data);
        rig.ExpectDone();
        rig.Lba28(0x20, lba: 2, count: 1);
        Assert.Equal(data, rig.ReadBlock());
    }

    [Fact]
    public void Read_multiple_moves_blocks_of_the_multiple_count_and_a_short_last_block()
    {
        var rig = FilledRig();
        rig.Select(0);
        rig.Out(AtaRig.Count, 4);
        rig.Out(AtaRig.Command, 0xC6); // SET MULTIPLE MODE 4
        rig.ExpectDone();
        rig.In(AtaRig.Status);
        int edges = rig.Irq.RisingEdges;

        rig.Lba28(0xC4, lba: 40, count: 10);
        rig.In(AtaRig.Status);
        Assert.Equal(AtaRig.Pattern(40, 4), Renumber(rig.ReadBlock(4), 40));
        rig.In(AtaRig.Status);
        Assert.Equal(AtaRig.Pattern(44, 4), Renumber(rig.ReadBlock(4), 44));
        rig.In(AtaRig.Status);
        Assert.Equal(AtaRig.Pattern(48, 2), Renumber(rig.ReadBlock(2), 48));
        Assert.Equal(3, rig.Irq.RisingEdges - edges);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
    }

    /// <summary>AtaRig.Pattern of several sectors numbers them from the first; a multi-sector read of a filled disk matches sector by sector.</summary>
    private static byte[] Renumber(byte[] read, long first)
    {
        for (int s = 0; s < read.Length / 512; s++)
            Assert.Equal(AtaRig.Pattern(first + s), read.AsSpan(s * 512, 512).ToArray());
        return AtaRig.Pattern(first, read.Length / 512);
    }

    [Fact]
    public void Multiple_mode_is_16_sectors_after_power_on()
    {
        var rig = FilledRig();
        rig.Lba28(0xC4, lba: 0, count: 20);
        rig.ReadBlock(16);
        rig.ReadBlock(4);
        rig.ExpectDone();
    }

    [Fact]
    public void Write_multiple_takes_blocks_of_the_multiple_count()
    {
        var rig = FilledRig();
        rig.Select(0);
        rig.Out(AtaRig.Count, 2);
        rig.Out(AtaRig.Command, 0xC6);
        rig.ExpectDone();
        rig.In(AtaRig.Status);

        var data = new byte[3 * 512];
        Random.Shared.NextBytes(data);
        rig.Lba28(0xC5, lba: 300, count: 3);
        Assert.Equal(0, rig.Irq.RisingEdges - 1); // only SET MULTIPLE's interrupt so far
        rig.WriteBlock(data.AsSpan(0, 1024));
        rig.In(AtaRig.Status);
        rig.WriteBlock(data.AsSpan(1024, 512));
        rig.ExpectDone();
        Assert.Equal(3, rig.Irq.RisingEdges);
        Assert.Equal(data, rig.SectorsOnDisk(300, 3));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    public void Set_multiple_with_a_count_that_is_not_a_power_of_two_up_to_16_aborts_and_keeps_the_setting(int count)
    {
        var rig = FilledRig();
        rig.Select(0);
        rig.Out(AtaRig.Count, (byte)count);
        rig.Out(AtaRig.Command, 0xC6);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(0x0110, rig.Identify()[59]);
    }

    [Fact]
    public void Set_multiple_zero_disables_read_and_write_multiple()
    {
        var rig = FilledRig();
        rig.Select(0);
        rig.Out(AtaRig.Count, 0);
        rig.Out(AtaRig.Command, 0xC6);
        rig.ExpectDone();
        Assert.Equal(0, rig.Identify()[59] & 0x00FF);
        rig.Lba28(0xC4, lba: 0, count: 1);
        rig.ExpectError(AtaRig.Abrt);
        rig.Lba28(0xC5, lba: 0, count: 1);
        rig.ExpectError(AtaRig.Abrt);
    }

    [Fact]
    public void An_LBA_beyond_the_disk_fails_with_ABRT_as_in_QEMU_and_an_interrupt()
    {
        var rig = FilledRig(1000);
        rig.Lba28(0x20, lba: 1000, count: 1);
        Assert.Equal(1, rig.Irq.RisingEdges);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(0, rig.InW(AtaRig.Data));
    }

    [Fact]
    public void A_read_running_off_the_end_delivers_the_sectors_that_exist_then_fails_with_ABRT()
    {
        var rig = FilledRig(1000);
        rig.Lba28(0x20, lba: 999, count: 2);
        rig.In(AtaRig.Status);
        Assert.Equal(AtaRig.Pattern(999), rig.ReadBlock());
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(2, rig.Irq.RisingEdges);
        Assert.Equal(1000 & 0xFF, rig.In(AtaRig.LbaLow)); // the sector that was not found
    }

    [Fact]
    public void A_write_beyond_the_disk_fails_with_ABRT_once_its_data_is_in_and_changes_nothing()
    {
        var rig = FilledRig(1000);
        var before = rig.Disk.Contents.ToArray();
        rig.Lba28(0x30, lba: 1000, count: 1);
        rig.WriteBlock(AtaRig.Pattern(1));
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(before, rig.Disk.Contents.ToArray());
    }

    [Fact]
    public void Writing_a_read_only_disk_aborts_before_any_data_and_reading_it_still_works()
    {
        var rig = AtaRig.WithDisk(100, readOnly: true);
        rig.Lba28(0x30, lba: 3, count: 1);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(1, rig.Irq.RisingEdges);
        rig.Lba28(0xC5, lba: 3, count: 1);
        rig.ExpectError(AtaRig.Abrt);
        rig.Lba28(0x34, lba: 3, count: 1);
        rig.ExpectError(AtaRig.Abrt);
        rig.Lba28(0x20, lba: 3, count: 1);
        Assert.Equal(new byte[512], rig.ReadBlock());
    }

    [Fact]
    public void A_host_read_error_is_reported_as_an_aborted_command()
    {
        var rig = new AtaRig(new FailingBlockDevice(100));
        rig.Lba28(0x20, lba: 3, count: 1);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(1, rig.Irq.RisingEdges);
    }

    [Fact]
    public void A_host_write_error_is_reported_as_an_aborted_command_after_the_block()
    {
        var rig = new AtaRig(new FailingBlockDevice(100) { FailReads = false });
        rig.Lba28(0x30, lba: 3, count: 2);
        rig.WriteBlock(new byte[512]);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(0, rig.In(AtaRig.AltStatus) & AtaRig.Drq); // the rest of the command is dropped
    }

    [Fact]
    public void Read_verify_reads_without_a_data_phase()
    {
        var rig = FilledRig(1000);
        rig.Lba28(0x40, lba: 990, count: 10);
        rig.ExpectDone();
        Assert.Equal(1, rig.Irq.RisingEdges);
        rig.Lba28(0x40, lba: 995, count: 10);
        rig.ExpectError(AtaRig.Idnf);
        rig.Lba48(0x42, lba: 0, count: 1000);
        rig.ExpectDone();
    }

    [Fact]
    public void Read_verify_reports_a_host_read_error()
    {
        var rig = new AtaRig(new FailingBlockDevice(100));
        rig.Lba28(0x40, lba: 0, count: 1);
        rig.ExpectError(AtaRig.Abrt);
    }

    [Fact]
    public void Read_sectors_ext_reaches_beyond_28_bits()
    {
        var disk = new SparseBlockDevice(1L << 40);
        var rig = new AtaRig(disk);
        long lba = 0x12_3456_789AL;
        rig.Lba48(0x24, lba, count: 2);
        var block = rig.ReadBlock();
        Assert.Equal(lba, BitConverter.ToInt64(block));
        Assert.Equal(lba + 1, BitConverter.ToInt64(rig.ReadBlock()));
        rig.ExpectDone();
        // Current bytes: LBA 23:0 past the transfer; HOB reads give LBA 47:24.
        Assert.Equal(0x9C, rig.In(AtaRig.LbaLow));
        Assert.Equal(0x78, rig.In(AtaRig.LbaMid));
        Assert.Equal(0x56, rig.In(AtaRig.LbaHigh));
        rig.Out(AtaRig.Control, 0x80); // HOB
        Assert.Equal(0x34, rig.In(AtaRig.LbaLow));
        Assert.Equal(0x12, rig.In(AtaRig.LbaMid));
        Assert.Equal(0x00, rig.In(AtaRig.LbaHigh));
    }

    [Fact]
    public void Write_sectors_ext_counts_with_16_bits()
    {
        var disk = new SparseBlockDevice(1L << 40);
        var rig = new AtaRig(disk);
        rig.Lba48(0x34, lba: 1L << 35, count: 0x0102);
        for (int i = 0; i < 0x102; i++)
        {
            rig.WriteBlock(AtaRig.Pattern(i));
            rig.In(AtaRig.Status);
        }
        rig.ExpectDone();
        Assert.Equal(0x102, disk.Written.Count);
        Assert.Equal(AtaRig.Pattern(0x101), disk.Written[(1L << 35) + 0x101]);
    }

    [Fact]
    public void Read_multiple_ext_uses_the_multiple_count()
    {
        var rig = FilledRig();
        rig.Lba48(0x29, lba: 100, count: 17);
        rig.ReadBlock(16);
        Assert.Equal(AtaRig.Pattern(116), rig.ReadBlock(1));
        rig.ExpectDone();
    }

    [Fact]
    public void Write_multiple_ext_uses_the_multiple_count()
    {
        var rig = FilledRig();
        var data = new byte[17 * 512];
        Random.Shared.NextBytes(data);
        rig.Lba48(0x39, lba: 100, count: 17);
        rig.WriteBlock(data.AsSpan(0, 16 * 512));
        rig.WriteBlock(data.AsSpan(16 * 512));
        rig.ExpectDone();
        Assert.Equal(data, rig.SectorsOnDisk(100, 17));
    }

    [Fact]
    public void Read_native_max_address_gives_the_last_sector()
    {
        var rig = FilledRig(0x12345);
        rig.Lba28(0xF8, lba: 0, count: 0);
        rig.ExpectDone();
        Assert.Equal(0x44, rig.In(AtaRig.LbaLow));
        Assert.Equal(0x23, rig.In(AtaRig.LbaMid));
        Assert.Equal(0x01, rig.In(AtaRig.LbaHigh));
        Assert.Equal(0xE0, rig.In(AtaRig.Device));
    }

    [Fact]
    public void Data_port_accesses_outside_a_transfer_move_nothing()
    {
        var rig = FilledRig();
        rig.Lba28(0x20, lba: 1, count: 1);
        rig.OutW(AtaRig.Data, 0x1234);       // a write during data-in is ignored
        Assert.Equal(0xFF, rig.In(AtaRig.Data)); // a byte read moves no data
        Assert.Equal(AtaRig.Pattern(1), rig.ReadBlock());
        rig.Lba28(0x30, lba: 1, count: 1);
        Assert.Equal(0u, rig.InD(AtaRig.Data)); // a read during data-out gives 0 and moves nothing
        rig.WriteBlock(AtaRig.Pattern(2));
        rig.ExpectDone();
        Assert.Equal(AtaRig.Pattern(2), rig.SectorsOnDisk(1, 1));
    }
}
