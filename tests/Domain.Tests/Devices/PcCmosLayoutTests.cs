using HexEmu.Domain.Devices.Cmos;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>The memory-size CMOS bytes as QEMU's pc machine fills them, and the AT checksum over 0x10–0x2D.</summary>
public class PcCmosLayoutTests
{
    private static int U16(RtcRig rig, int low) => rig.Get(low) | rig.Get(low + 1) << 8;

    private static int Checksum(RtcRig rig)
    {
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += rig.Get(i);
        return sum;
    }

    [Fact]
    public void Memory_bytes_for_128_mib()
    {
        var rig = new RtcRig();
        PcCmosLayout.SetMemorySize(rig.Rtc, 128UL << 20);
        Assert.Equal(640, U16(rig, 0x15));
        Assert.Equal(0xFFFF, U16(rig, 0x17));              // 127 MiB = 130 048 KiB, capped
        Assert.Equal(0xFFFF, U16(rig, 0x30));
        Assert.Equal(112 * 16, U16(rig, 0x34));            // (128 − 16) MiB in 64 KiB units = 0x0700
        Assert.Equal(new byte[] { 0, 0, 0 }, new[] { rig.Get(0x5B), rig.Get(0x5C), rig.Get(0x5D) });
        Assert.Equal(0x80, rig.Get(0x15));
        Assert.Equal(0x02, rig.Get(0x16));
        Assert.Equal(0x00, rig.Get(0x34));
        Assert.Equal(0x07, rig.Get(0x35));
        Assert.Equal(Checksum(rig), rig.Get(0x2E) << 8 | rig.Get(0x2F));
        // 0x15–0x18 are in the summed range: 0x80 + 0x02 + 0xFF + 0xFF.
        Assert.Equal(0x0280, rig.Get(0x2E) << 8 | rig.Get(0x2F));
    }

    [Fact]
    public void Memory_bytes_for_512_mib()
    {
        var rig = new RtcRig();
        PcCmosLayout.SetMemorySize(rig.Rtc, 512UL << 20);
        Assert.Equal(640, U16(rig, 0x15));
        Assert.Equal(0xFFFF, U16(rig, 0x17));
        Assert.Equal(0xFFFF, U16(rig, 0x30));
        Assert.Equal(496 * 16, U16(rig, 0x34));            // 0x1F00
        Assert.Equal(0x1F, rig.Get(0x35));
        Assert.Equal(new byte[] { 0, 0, 0 }, new[] { rig.Get(0x5B), rig.Get(0x5C), rig.Get(0x5D) });
        Assert.Equal(0x0280, rig.Get(0x2E) << 8 | rig.Get(0x2F));
    }

    [Fact]
    public void Small_memory_reports_the_exact_extended_size()
    {
        var rig = new RtcRig();
        PcCmosLayout.SetMemorySize(rig.Rtc, 8UL << 20);
        Assert.Equal(7 * 1024, U16(rig, 0x17));            // 7 MiB above the first
        Assert.Equal(0, U16(rig, 0x34));
    }

    [Fact]
    public void Checksum_covers_every_byte_from_0x10_to_0x2d()
    {
        var rig = new RtcRig();
        rig.Set(0x10, 0x40);                                // a floppy type, written by the guest
        rig.Set(0x2D, 0x01);
        rig.Set(0x2C, 0xFF);
        PcCmosLayout.UpdateChecksum(rig.Rtc);
        Assert.Equal(0x0140, rig.Get(0x2E) << 8 | rig.Get(0x2F));
    }
}
