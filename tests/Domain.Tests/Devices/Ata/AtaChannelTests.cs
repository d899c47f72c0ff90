using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>The channel around the drives: interrupts and nIEN, status vs alternate status, SRST, absent devices, the shared task file.</summary>
public class AtaChannelTests
{
    [Fact]
    public void After_power_on_the_master_is_ready_with_its_signature_in_the_task_file()
    {
        var rig = AtaRig.WithDisk(100);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal(0x01, rig.In(AtaRig.Error)); // diagnostic code: passed
        Assert.Equal([1, 1, 0, 0, 0xA0], new[] { rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Device) }.Select(b => (int)b));
        Assert.False(rig.Irq.High);
    }

    [Fact]
    public void Reading_status_releases_the_interrupt_and_reading_alternate_status_does_not()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xE7); // FLUSH CACHE
        Assert.True(rig.Irq.High);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.AltStatus));
        Assert.True(rig.Irq.High);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.False(rig.Irq.High);
        Assert.Equal([true, false], rig.Irq.Levels);
    }

    [Fact]
    public void Writing_the_command_register_releases_the_interrupt()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xE7);
        Assert.True(rig.Irq.High);
        rig.Out(AtaRig.Command, 0xEC);
        // Released by the command write, then asserted again for IDENTIFY's data block.
        Assert.Equal([true, false, true], rig.Irq.Levels);
    }

    [Fact]
    public void With_nIEN_set_no_interrupt_is_asserted_but_the_commands_run()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Out(AtaRig.Control, 0x02);
        rig.Identify();
        rig.Lba28(0x30, lba: 1, count: 1);
        rig.WriteBlock(AtaRig.Pattern(1));
        rig.ExpectDone();
        Assert.Empty(rig.Irq.Levels);
        Assert.Equal(AtaRig.Pattern(1), rig.SectorsOnDisk(1, 1));

        // Interrupts dropped under nIEN are not delivered later when it is cleared.
        rig.Out(AtaRig.Control, 0x00);
        Assert.Empty(rig.Irq.Levels);
        rig.Lba28(0x40, lba: 0, count: 1);
        Assert.True(rig.Irq.High);
    }

    [Fact]
    public void Software_reset_is_busy_while_SRST_is_held_then_leaves_the_signature_and_no_interrupt()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        rig.Lba28(0x20, lba: 7, count: 3); // a transfer in progress…
        rig.In(AtaRig.Status);
        rig.Out(AtaRig.Control, 0x04);      // …is dropped by SRST
        Assert.Equal(AtaRig.Bsy, rig.In(AtaRig.AltStatus) & AtaRig.Bsy);
        rig.Out(AtaRig.Command, 0xEC);      // ignored while busy
        rig.Out(AtaRig.Control, 0x00);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.WaitNotBusy());
        Assert.Equal(0x01, rig.In(AtaRig.Error));
        Assert.Equal([1, 1, 0, 0, 0xA0], new[] { rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Device) }.Select(b => (int)b));
        Assert.Equal(0, rig.InW(AtaRig.Data));
        // The slave has its signature too.
        rig.Select(1);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal([1, 1, 0, 0, 0x01], new[] { rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Error) }.Select(b => (int)b));
        Assert.Equal(1, rig.Irq.RisingEdges); // only the READ's first block
    }

    [Fact]
    public void Software_reset_selects_device_0_and_restores_the_default_multiple_count()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        rig.Select(0);
        rig.Out(AtaRig.Count, 2);
        rig.Out(AtaRig.Command, 0xC6);
        rig.Select(1);
        rig.Out(AtaRig.Control, 0x04);
        rig.Out(AtaRig.Control, 0x00);
        rig.WaitNotBusy();
        Assert.Equal(0xA0, rig.In(AtaRig.Device));
        Assert.Equal("HX00001", SerialOf(rig.Identify(0)));
        Assert.Equal(0x0110, rig.Identify(0)[59]);
    }

    private static string SerialOf(ushort[] w) =>
        string.Concat(w.Skip(10).Take(10).Select(x => $"{(char)(x >> 8)}{(char)(x & 0xFF)}")).TrimEnd();

    [Fact]
    public void An_absent_slave_beside_a_present_master_reads_as_zero_and_ignores_commands()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Out(AtaRig.Device, 0xB0);
        Assert.Equal(0, rig.In(AtaRig.Status));
        Assert.Equal(0, rig.In(AtaRig.AltStatus));
        Assert.Equal(0, rig.In(AtaRig.Error));
        Assert.Equal(0xB0, rig.In(AtaRig.Device));
        rig.Out(AtaRig.Command, 0xEC);
        Assert.Equal(0, rig.In(AtaRig.AltStatus));
        Assert.Empty(rig.Irq.Levels);
        Assert.Equal(0, rig.InW(AtaRig.Data));
        // The master is untouched and still answers.
        rig.Out(AtaRig.Device, 0xA0);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal("HX00001", SerialOf(rig.Identify(0)));
    }

    [Fact]
    public void A_channel_without_drives_reads_zero_everywhere_but_the_data_port()
    {
        var rig = new AtaRig(null);
        foreach (byte device in new byte[] { 0xA0, 0xB0 })
        {
            rig.Out(AtaRig.Device, device);
            rig.Out(AtaRig.Count, 0x55);
            foreach (ushort port in new[] { AtaRig.Error, AtaRig.Count, AtaRig.LbaLow, AtaRig.LbaMid, AtaRig.LbaHigh, AtaRig.Device, AtaRig.Status, AtaRig.AltStatus })
                Assert.Equal(0, rig.In(port));
            Assert.Equal(0xFF, rig.In(AtaRig.Data));
            Assert.Equal(0, rig.InW(AtaRig.Data));
        }
    }

    [Fact]
    public void An_absent_master_beside_a_present_slave_answers_with_its_registers_and_aborts_commands()
    {
        var rig = new AtaRig(null, new MemoryBlockDevice(100));
        rig.Select(0);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal([0xFF, 0xFF], new[] { rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh) }.Select(b => (int)b)); // no device signature
        rig.Out(AtaRig.Command, 0xEC);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal("HX00002", SerialOf(rig.Identify(1)));
    }

    [Fact]
    public void Both_devices_latch_task_file_writes()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        rig.Select(0);
        rig.Out(AtaRig.Count, 0x12);
        rig.Out(AtaRig.LbaMid, 0x34);
        rig.Out(AtaRig.Device, 0xB0);
        Assert.Equal(0x12, rig.In(AtaRig.Count));
        Assert.Equal(0x34, rig.In(AtaRig.LbaMid));
    }

    [Fact]
    public void The_task_file_cannot_be_written_while_data_is_requested()
    {
        var rig = AtaRig.WithDisk(100);
        AtaRig.Fill(rig.Disk);
        rig.Lba28(0x20, lba: 10, count: 2);
        rig.Out(AtaRig.LbaLow, 50);
        rig.Out(AtaRig.Device, 0xB0);
        rig.Out(AtaRig.Command, 0x30);     // another command is ignored too
        Assert.Equal(11, rig.In(AtaRig.LbaLow));
        Assert.Equal(AtaRig.Pattern(10), rig.ReadBlock());
        Assert.Equal(AtaRig.Pattern(11), rig.ReadBlock());
    }

    [Fact]
    public void Wider_accesses_to_byte_registers_are_split_into_byte_cycles()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        Assert.Equal(0x0101, rig.InW(AtaRig.Error));           // error 01h, count 01h
        rig.OutW(AtaRig.LbaLow, 0x3412);
        Assert.Equal(0x12, rig.In(AtaRig.LbaLow));
        Assert.Equal(0x34, rig.In(AtaRig.LbaMid));
        Assert.Equal(0xFF50u, rig.Bus.Read(AtaRig.AltStatus, 2)); // 3F7h is not the channel's
    }

    [Fact]
    public void HOB_reads_the_previous_bytes_and_any_task_file_write_clears_it()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Count, 0xAB);
        rig.Out(AtaRig.Count, 0xCD);
        rig.Out(AtaRig.Features, 0x11);
        rig.Out(AtaRig.Features, 0x22);
        rig.Out(AtaRig.Control, 0x80);
        Assert.Equal(0xAB, rig.In(AtaRig.Count));
        Assert.Equal(0x11, rig.In(AtaRig.Error)); // HOB on the Error port reads the previous Features
        rig.Out(AtaRig.LbaLow, 0);
        Assert.Equal(0xCD, rig.In(AtaRig.Count));
    }

    [Fact]
    public void Unknown_and_unsupported_commands_abort_with_an_interrupt()
    {
        foreach (byte command in new byte[] { 0x00, 0x08, 0xA0, 0xA1, 0xB0, 0xC8, 0xCA, 0x25, 0x35, 0xFF })
        {
            var rig = AtaRig.WithDisk(100);
            rig.Select(0);
            rig.Out(AtaRig.Command, command);
            rig.ExpectError(AtaRig.Abrt);
            Assert.True(rig.Irq.High, $"command {command:x2}");
        }
    }

    [Theory]
    [InlineData(0x10)] // RECALIBRATE
    [InlineData(0x70)] // SEEK
    [InlineData(0xE0)] // STANDBY IMMEDIATE
    [InlineData(0xE1)] // IDLE IMMEDIATE
    [InlineData(0xE7)] // FLUSH CACHE
    [InlineData(0xEA)] // FLUSH CACHE EXT
    public void Commands_without_data_complete_ready_with_an_interrupt(byte command)
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Command, command);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.AltStatus));
        Assert.Equal(0, rig.In(AtaRig.Error));
        Assert.True(rig.Irq.High);
    }

    [Fact]
    public void Flush_cache_flushes_the_disk_and_a_host_flush_failure_aborts()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xE7);
        rig.ExpectDone();
        Assert.Equal(1, rig.Disk.Flushes);

        var failing = new AtaRig(new FailingBlockDevice(100));
        failing.Select(0);
        failing.Out(AtaRig.Command, 0xE7);
        failing.ExpectError(AtaRig.Abrt);
    }

    [Fact]
    public void Check_power_mode_says_active()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Command, 0xE5);
        rig.ExpectDone();
        Assert.Equal(0xFF, rig.In(AtaRig.Count));
    }

    [Fact]
    public void Execute_device_diagnostic_puts_both_signatures_back_and_interrupts()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        rig.Select(0);
        rig.Out(AtaRig.LbaMid, 0x77);
        rig.Out(AtaRig.Device, 0xE5);
        rig.Out(AtaRig.Command, 0x90);
        Assert.True(rig.Irq.High);
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.Status));
        Assert.Equal([0x01, 1, 1, 0, 0, 0xE0], new[] { rig.In(AtaRig.Error), rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Device) }.Select(b => (int)b));
        rig.Out(AtaRig.Device, 0xB0);
        Assert.Equal([0x01, 1, 1, 0, 0], new[] { rig.In(AtaRig.Error), rig.In(AtaRig.Count), rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh) }.Select(b => (int)b));
    }

    [Fact]
    public void Set_features_accepts_common_subcommands_and_aborts_others()
    {
        var rig = AtaRig.WithDisk(100);
        void SetFeature(byte feature, byte count = 0)
        {
            rig.Select(0);
            rig.Out(AtaRig.Features, feature);
            rig.Out(AtaRig.Count, count);
            rig.Out(AtaRig.Command, 0xEF);
        }
        foreach (byte f in new byte[] { 0x02, 0x05, 0x42, 0x55, 0x66, 0xAA, 0xC2, 0xCC, 0x85 })
        {
            SetFeature(f);
            rig.ExpectDone();
        }
        SetFeature(0x03, 0x0C); // PIO flow control mode 4
        rig.ExpectDone();
        SetFeature(0x03, 0x00); // PIO default mode
        rig.ExpectDone();
        SetFeature(0x03, 0x45); // UDMA 5: no DMA here
        rig.ExpectError(AtaRig.Abrt);
        SetFeature(0x03, 0x22); // multiword DMA 2
        rig.ExpectError(AtaRig.Abrt);
        SetFeature(0x31);
        rig.ExpectError(AtaRig.Abrt);
    }

    [Fact]
    public void With_the_write_cache_disabled_every_written_block_is_flushed()
    {
        var rig = AtaRig.WithDisk(100);
        rig.Select(0);
        rig.Out(AtaRig.Features, 0x82);
        rig.Out(AtaRig.Command, 0xEF);
        rig.ExpectDone();
        Assert.Equal(0, rig.Identify()[85] & 0x0020);
        int flushes = rig.Disk.Flushes;
        rig.Lba28(0x30, lba: 0, count: 2);
        rig.WriteBlock(new byte[512]);
        rig.WriteBlock(new byte[512]);
        rig.ExpectDone();
        Assert.Equal(flushes + 2, rig.Disk.Flushes);

        rig.Select(0);
        rig.Out(AtaRig.Features, 0x02);
        rig.Out(AtaRig.Command, 0xEF);
        Assert.Equal(0x0020, rig.Identify()[85] & 0x0020);
    }

    [Fact]
    public void A_hardware_reset_returns_the_channel_to_power_on_state()
    {
        var rig = new AtaRig(new MemoryBlockDevice(100), new MemoryBlockDevice(100));
        rig.Out(AtaRig.Control, 0x02);
        rig.Select(1);
        rig.Out(AtaRig.Count, 2);
        rig.Out(AtaRig.Command, 0xC6);
        rig.Lba28(0x30, lba: 1, count: 1, unit: 1);
        rig.Channel.Reset();
        Assert.Equal(0xA0, rig.In(AtaRig.Device));
        Assert.Equal(AtaRig.Drdy | AtaRig.Dsc, rig.In(AtaRig.AltStatus));
        Assert.Equal(0x0110, rig.Identify(1)[59]);
        Assert.True(rig.Irq.High); // nIEN is clear again
    }
}
