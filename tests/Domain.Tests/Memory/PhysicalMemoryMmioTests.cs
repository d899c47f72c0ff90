using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Tests.Memory;

/// <summary>Device regions in the physical address space: an access inside one reaches the device whole; mappings come and go.</summary>
public class PhysicalMemoryMmioTests
{
    private sealed class Recorder : IMmioDevice
    {
        public readonly List<(string Kind, uint Offset, int Size, uint Value)> Accesses = [];

        public uint Read(uint offset, int size)
        {
            Accesses.Add(("r", offset, size, 0));
            return 0x4433_2211u >> (8 * (int)(offset & 3));
        }

        public void Write(uint offset, int size, uint value) => Accesses.Add(("w", offset, size, value));
    }

    [Fact]
    public void An_access_inside_a_region_reaches_the_device_as_one_access_of_its_size()
    {
        var memory = new PhysicalMemory(1 << 20);
        var device = new Recorder();
        memory.MapMmio(0xFEE0_0000, 0x1000, device);
        memory.Write(0xFEE0_00B0, 4, 0xDEAD_BEEF);
        Assert.Equal(0x4433_2211u, memory.Read(0xFEE0_0020, 4));
        Assert.Equal(0x11u, memory.Read(0xFEE0_0020, 1));
        Assert.Equal([("w", 0xB0u, 4, 0xDEAD_BEEFu), ("r", 0x20u, 4, 0u), ("r", 0x20u, 1, 0u)], device.Accesses);
    }

    [Fact]
    public void An_access_straddling_the_end_of_a_region_goes_byte_by_byte()
    {
        var memory = new PhysicalMemory(1 << 20);
        var device = new Recorder();
        memory.MapMmio(0x8_0000, 0x1000, device);
        memory.Write(0x8_0FFE, 4, 0x0403_0201);
        Assert.Equal([("w", 0xFFEu, 1, 0x01u), ("w", 0xFFFu, 1, 0x02u)], device.Accesses);
        Assert.Equal(0x0403, (int)memory.Read(0x8_1000, 2)); // the rest went to RAM
    }

    [Fact]
    public void Unmapping_a_device_gives_its_addresses_back_and_flushes_translations()
    {
        var memory = new PhysicalMemory(1 << 20);
        var device = new Recorder();
        int changes = 0;
        memory.MappingChanged += () => changes++;
        memory.MapMmio(0x8_0000, 0x1000, device);
        memory.Write(0x8_0000, 4, 0x1234_5678);
        memory.UnmapMmio(device);
        memory.UnmapMmio(device); // not mapped any more: nothing changes
        memory.Write(0x8_0000, 4, 0x1234_5678);
        Assert.Equal(0x1234_5678u, memory.Read(0x8_0000, 4));
        Assert.Single(device.Accesses);
        Assert.Equal(2, changes);
    }
}
