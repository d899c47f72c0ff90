using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>Port 0x92: fast A20 (bit 1) and fast reset (bit 0, on a 0→1 write), as PIIX-class chipsets and QEMU.</summary>
public class SystemControlPortATests
{
    private readonly List<bool> _a20 = [];
    private int _resets;
    private readonly SystemControlPortA _port;

    public SystemControlPortATests() => _port = new SystemControlPortA(_a20.Add, () => _resets++);

    [Fact]
    public void Linux_style_fast_a20_enable_reads_modifies_and_writes()
    {
        Assert.Equal(0x00u, _port.Read(0x92, 1));
        // arch/x86/boot/a20.c: port_a = inb(0x92); port_a |= 0x02; port_a &= ~0x01; outb(port_a, 0x92)
        byte value = (byte)_port.Read(0x92, 1);
        _port.Write(0x92, 1, (uint)((value | 0x02) & ~0x01));
        Assert.Equal(new[] { true }, _a20);
        Assert.Equal(0x02u, _port.Read(0x92, 1));
        Assert.Equal(0, _resets);

        _port.Write(0x92, 1, 0x00);
        Assert.Equal(new[] { true, false }, _a20);
        Assert.Equal(0x00u, _port.Read(0x92, 1));
    }

    [Fact]
    public void Fast_reset_fires_on_a_rising_bit_0_only()
    {
        _port.Write(0x92, 1, 0x03);
        Assert.Equal(1, _resets);
        _port.Write(0x92, 1, 0x03); // bit 0 already set: no new edge
        Assert.Equal(1, _resets);
        _port.Write(0x92, 1, 0x02);
        _port.Write(0x92, 1, 0x03);
        Assert.Equal(2, _resets);
        Assert.All(_a20, level => Assert.True(level)); // A20 stayed on through the resets
    }

    [Fact]
    public void System_reset_clears_the_reset_bit_so_the_next_write_resets_again()
    {
        _port.Write(0x92, 1, 0x03);
        _port.Reset();
        Assert.Equal(0x02u, _port.Read(0x92, 1));
        _port.Write(0x92, 1, 0x03);
        Assert.Equal(2, _resets);
    }

    [Fact]
    public void Other_bits_are_kept_and_read_back()
    {
        _port.Write(0x92, 1, 0xC8);
        Assert.Equal(0xC8u, _port.Read(0x92, 1));
        Assert.Equal(new[] { false }, _a20);
        Assert.Equal(0, _resets);
    }

    [Fact]
    public void Port_92_and_the_keyboard_controller_share_the_gate_and_the_last_writer_wins()
    {
        // The machine gives both devices the same callbacks (PhysicalMemory.SetA20, reset request).
        var levels = new List<bool>();
        int resets = 0;
        var kbc = new I8042Controller(new RecordingIrqLine(), new RecordingIrqLine(), levels.Add, () => resets++);
        var port92 = new SystemControlPortA(levels.Add, () => resets++);

        port92.Write(0x92, 1, 0x02);           // fast A20 on
        kbc.Write(0x64, 1, 0xD1);
        kbc.Write(0x60, 1, 0xDD);              // keyboard controller turns it off
        port92.Write(0x92, 1, 0x02);           // and port 0x92 on again
        kbc.Write(0x64, 1, 0xDF);              // 0xDF command: on (already on: the level is driven again)
        Assert.Equal(new[] { true, false, true, true }, levels);
        Assert.Equal(0, resets);

        kbc.Write(0x64, 1, 0xFE);
        port92.Write(0x92, 1, 0x03);
        Assert.Equal(2, resets);
    }
}
