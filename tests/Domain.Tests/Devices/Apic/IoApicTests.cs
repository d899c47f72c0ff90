using HexEmu.Domain.Devices.Apic;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>The I/O APIC (82093AA datasheet, QEMU's version 20h): registers, edge and level routing, remote IRR and EOI, masking.</summary>
public class IoApicTests
{
    private const int RegId = 0, RegVersion = 1, RegArbitration = 2;

    [Fact]
    public void Identification_registers_and_the_reset_table()
    {
        var k = Enabled();
        Assert.Equal(0x0017_0020u, k.IoRead(RegVersion));
        Assert.Equal(0u, k.IoRead(RegId));
        k.IoWrite(RegId, 0xFFFF_FFFF);
        Assert.Equal(0x0F00_0000u, k.IoRead(RegId));
        Assert.Equal(0x0F00_0000u, k.IoRead(RegArbitration));
        for (int pin = 0; pin < IoApic.PinCount; pin++)
        {
            Assert.Equal(Masked, k.IoRead(0x10 + 2 * pin));
            Assert.Equal(0u, k.IoRead(0x11 + 2 * pin));
        }
        k.IoApic.Write(0x00, 4, 0x12);
        Assert.Equal(0x12u, k.IoApic.Read(0x00, 4));
    }

    [Fact]
    public void Redirection_entries_keep_their_writable_bits_and_the_destination()
    {
        var k = Enabled();
        k.IoWrite(0x10, 0xFFFF_FFFF);
        k.IoWrite(0x11, 0xFFFF_FFFF);
        Assert.Equal(0x0001_AFFFu, k.IoRead(0x10)); // delivery status and remote IRR read-only
        Assert.Equal(0xFF00_0000u, k.IoRead(0x11));
    }

    [Fact]
    public void Narrow_accesses_and_unknown_offsets_read_zero_and_write_nothing()
    {
        var k = Enabled();
        k.IoApic.Write(0x00, 4, RegVersion);
        Assert.Equal(0u, k.IoApic.Read(0x10, 1));
        k.IoApic.Write(0x00, 1, 0x10);
        Assert.Equal((uint)RegVersion, k.IoApic.Read(0x00, 4));
        Assert.Equal(0u, k.IoApic.Read(0x20, 4));
        Assert.Equal(3, k.Log.Errors.Count);
    }

    [Fact]
    public void An_edge_on_an_unmasked_entry_sends_its_vector_once()
    {
        var k = Enabled();
        k.Route(4, 0x34);
        var pin = k.IoApic.Pin(4);
        pin.Set(true);
        Assert.Equal(0x34, k.Take());
        k.Write(Eoi, 0);
        pin.Set(true); // no new edge
        Assert.Null(k.Take());
        pin.Set(false);
        pin.Set(true);
        Assert.Equal(0x34, k.Take());
        Assert.False(k.TmrBit(0x34));
    }

    [Fact]
    public void An_edge_on_a_masked_entry_is_lost()
    {
        var k = Enabled();
        k.Route(3, Masked | 0x33);
        k.IoApic.Pin(3).Set(true);
        k.Route(3, 0x33);
        Assert.Null(k.Take());
    }

    [Fact]
    public void A_level_entry_sends_once_until_eoi_and_again_if_still_asserted()
    {
        var k = Enabled();
        k.Route(10, Level | 0x4A);
        var pin = k.IoApic.Pin(10);
        pin.Set(true);
        Assert.Equal(0x4A, k.Take());
        Assert.NotEqual(0u, k.IoRead(0x10 + 20) & RemoteIrr);
        pin.Set(true);
        Assert.False(k.IrrBit(0x4A)); // remote IRR holds it
        k.Write(Eoi, 0);               // still asserted: sent again
        Assert.True(k.IrrBit(0x4A));
        Assert.Equal(0x4A, k.Take());
        pin.Set(false);
        k.Write(Eoi, 0);
        Assert.Equal(0u, k.IoRead(0x10 + 20) & RemoteIrr);
        Assert.Null(k.Take());
    }

    [Fact]
    public void A_masked_level_is_sent_when_unmasked_while_still_asserted()
    {
        var k = Enabled();
        k.Route(9, Masked | Level | 0x49);
        k.IoApic.Pin(9).Set(true);
        Assert.Null(k.Take());
        k.Route(9, Level | 0x49);
        Assert.Equal(0x49, k.Take());
    }

    [Fact]
    public void The_eoi_register_clears_remote_irr_for_its_vector()
    {
        var k = Enabled();
        k.Route(11, Level | 0x4B);
        k.IoApic.Pin(11).Set(true);
        k.IoApic.Pin(11).Set(false);
        k.IoApic.Write(0x40, 4, 0x4B);
        Assert.Equal(0u, k.IoRead(0x10 + 22) & RemoteIrr);
    }

    [Fact]
    public void Messages_for_another_destination_are_not_taken()
    {
        var k = Enabled();
        k.Route(1, 0x21, destination: 1);
        k.IoApic.Pin(1).Set(true);
        Assert.Null(k.Take());
        k.Route(1, 0x21, destination: 0xFF);
        k.IoApic.Pin(1).Set(false);
        k.IoApic.Pin(1).Set(true);
        Assert.Equal(0x21, k.Take());
        k.Write(Eoi, 0);
        k.Write(Ldr, 0x0100_0000);
        k.Route(1, Logical | 0x22, destination: 0x01);
        k.IoApic.Pin(1).Set(false);
        k.IoApic.Pin(1).Set(true);
        Assert.Equal(0x22, k.Take());
    }

    [Fact]
    public void Lowest_priority_reaches_our_processor_and_other_modes_are_reported_as_unimplemented()
    {
        var k = Enabled();
        k.Route(6, 0x100 | 0x36);
        k.IoApic.Pin(6).Set(true);
        Assert.Equal(0x36, k.Take());
        k.Route(7, 0x400 | 0x37); // NMI
        k.IoApic.Pin(7).Set(true);
        Assert.Null(k.Take());
        Assert.Single(k.Log.Unimplemented);
    }

    [Fact]
    public void Isa_irq_zero_is_wired_to_input_two_and_the_others_to_their_own()
    {
        Assert.Equal(2, IoApic.PinForIsaIrq(0));
        for (int irq = 1; irq < 16; irq++) Assert.Equal(irq, IoApic.PinForIsaIrq(irq));
    }
}
