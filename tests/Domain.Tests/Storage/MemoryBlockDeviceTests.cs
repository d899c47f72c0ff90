using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Tests.Storage;

public class MemoryBlockDeviceTests
{
    [Fact]
    public void Sectors_are_512_byte_slices_of_the_contents()
    {
        var bytes = new byte[3 * 512];
        bytes[512] = 0xAB;
        var disk = new MemoryBlockDevice(bytes);
        Assert.Equal(3, disk.SectorCount);
        var sector = new byte[512];
        Assert.True(disk.TryRead(1, sector));
        Assert.Equal(0xAB, sector[0]);
        Assert.True(disk.TryWrite(2, Enumerable.Repeat((byte)7, 512).ToArray()));
        Assert.Equal(7, bytes[2 * 512 + 511]);
    }

    [Fact]
    public void Transfers_outside_the_disk_or_of_partial_sectors_fail()
    {
        var disk = new MemoryBlockDevice(4);
        Assert.False(disk.TryRead(4, new byte[512]));
        Assert.False(disk.TryRead(3, new byte[1024]));
        Assert.False(disk.TryRead(-1, new byte[512]));
        Assert.False(disk.TryRead(0, new byte[100]));
        Assert.False(disk.TryWrite(4, new byte[512]));
        Assert.True(disk.TryRead(2, new byte[1024]));
    }

    [Fact]
    public void A_read_only_disk_refuses_writes()
    {
        var disk = new MemoryBlockDevice(4, readOnly: true);
        Assert.True(disk.IsReadOnly);
        Assert.False(disk.TryWrite(0, new byte[512]));
        Assert.True(disk.TryFlush());
    }

    [Fact]
    public void Contents_must_be_whole_sectors()
    {
        Assert.Throws<ArgumentException>(() => new MemoryBlockDevice(new byte[513]));
    }
}
