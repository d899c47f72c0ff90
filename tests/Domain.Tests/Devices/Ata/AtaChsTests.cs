using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>
/// CHS addressing through the current translation: LBA = (C × heads + H) × sectors + S − 1
/// (ATA-6 §6.2.1), with the default 16/63 translation and one set by INITIALIZE DEVICE PARAMETERS.
/// </summary>
public class AtaChsTests
{
    private static AtaRig FilledRig(long sectors = 20160)
    {
        var rig = AtaRig.WithDisk(sectors);
        AtaRig.Fill(rig.Disk);
        return rig;
    }

    [Fact]
    public void A_CHS_read_goes_through_the_default_16_head_63_sector_translation()
    {
        var rig = FilledRig();
        rig.Chs(0x20, cylinder: 1, head: 2, sector: 3, count: 1);
        Assert.Equal(AtaRig.Pattern((1 * 16 + 2) * 63 + 2), rig.ReadBlock()); // LBA 1136
    }

    [Fact]
    public void A_CHS_write_lands_on_the_translated_sector()
    {
        var rig = FilledRig();
        var data = AtaRig.Pattern(99999);
        rig.Chs(0x30, cylinder: 19, head: 15, sector: 63, count: 1); // the last sector of 20 × 16 × 63
        rig.WriteBlock(data);
        rig.ExpectDone();
        Assert.Equal(data, rig.SectorsOnDisk(20159, 1));
    }

    [Fact]
    public void After_a_CHS_transfer_the_task_file_holds_the_next_CHS_address_across_a_track_end()
    {
        var rig = FilledRig();
        rig.Chs(0x20, cylinder: 0, head: 15, sector: 63, count: 2); // LBA 15 × 63 + 62 = 1007, then 1008
        rig.ReadBlock();
        rig.ReadBlock();
        rig.ExpectDone();
        // Next is LBA 1009 = cylinder 1, head 0, sector 2.
        Assert.Equal([2, 1, 0, 0xA0], new[] { rig.In(AtaRig.LbaLow), rig.In(AtaRig.LbaMid), rig.In(AtaRig.LbaHigh), rig.In(AtaRig.Device) }.Select(b => (int)b));
    }

    [Theory]
    [InlineData(0, 0, 0)]   // sectors count from 1
    [InlineData(0, 0, 64)]  // beyond 63 sectors per track
    public void A_CHS_address_outside_the_translation_fails_with_IDNF(int cylinder, int head, int sector)
    {
        var rig = FilledRig();
        rig.Chs(0x20, cylinder, head, sector, count: 1);
        rig.ExpectError(AtaRig.Idnf);
    }

    [Fact]
    public void A_CHS_address_beyond_the_disk_fails_with_ABRT_as_an_LBA_beyond_it_does()
    {
        var rig = FilledRig();
        rig.Chs(0x20, cylinder: 21, head: 0, sector: 1, count: 1);
        rig.ExpectError(AtaRig.Abrt);
    }

    [Fact]
    public void Initialize_device_parameters_sets_the_translation_used_by_CHS_and_reported_by_identify()
    {
        var rig = FilledRig();
        rig.Out(AtaRig.Device, 0xA3);   // 4 heads
        rig.Out(AtaRig.Count, 17);      // 17 sectors per track
        rig.Out(AtaRig.Command, 0x91);
        rig.ExpectDone();

        var w = rig.Identify();
        Assert.Equal([20160 / (4 * 17), 4, 17], new[] { w[54], w[55], w[56] }.Select(x => (int)x));
        Assert.Equal(20160 / (4 * 17) * 4 * 17, w[57] | (w[58] << 16));
        Assert.Equal([20, 16, 63], new[] { w[1], w[3], w[6] }.Select(x => (int)x)); // the default stays as it was

        rig.Chs(0x20, cylinder: 2, head: 3, sector: 5, count: 1);
        Assert.Equal(AtaRig.Pattern((2 * 4 + 3) * 17 + 4), rig.ReadBlock()); // LBA 191
        rig.Chs(0x20, cylinder: 0, head: 4, sector: 1, count: 1);            // head 4 of 4 heads
        rig.ExpectError(AtaRig.Idnf);
    }

    [Fact]
    public void Initialize_device_parameters_with_zero_sectors_per_track_aborts()
    {
        var rig = FilledRig();
        rig.Out(AtaRig.Device, 0xAF);
        rig.Out(AtaRig.Count, 0);
        rig.Out(AtaRig.Command, 0x91);
        rig.ExpectError(AtaRig.Abrt);
        Assert.Equal(63, rig.Identify()[56]);
    }
}
