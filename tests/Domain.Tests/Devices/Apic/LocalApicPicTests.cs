using HexEmu.Domain.Devices.Apic;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>
/// The 8259's INTR through LINT0 as ExtINT, and the APIC base MSR's global enable: as QEMU
/// (hw/intc/apic.c) the 8259 reaches the CPU while the APIC is globally disabled or LINT0 is an
/// unmasked ExtINT input, and its vector comes from its own acknowledge.
/// </summary>
public class LocalApicPicTests
{
    [Fact]
    public void After_reset_the_8259_goes_through_lint0_even_with_the_apic_software_disabled()
    {
        var k = new ApicTestKit();
        k.Pic.Intr = true;
        k.Pic.Vector = 0x0C;
        Assert.Equal(0x0C, k.Take());
        Assert.Equal(1, k.Pic.Acknowledges);
        Assert.Equal(-1, Enumerable.Range(0, 256).LastOrDefault(v => k.IsrBit(v), -1)); // ExtINT puts nothing in service
    }

    [Fact]
    public void A_masked_lint0_keeps_the_8259_away()
    {
        var k = Enabled();
        k.Write(Lint0, Masked | 0x700);
        k.Pic.Intr = true;
        Assert.False(k.Lapic.HasPendingInterrupt);
        k.Write(Lint0, 0x700);
        Assert.True(k.Lapic.HasPendingInterrupt);
    }

    [Fact]
    public void A_lint0_programmed_for_fixed_delivery_does_not_pass_the_8259_on()
    {
        var k = Enabled();
        k.Write(Lint0, 0x30);
        k.Pic.Intr = true;
        Assert.False(k.Lapic.HasPendingInterrupt);
    }

    [Fact]
    public void Extint_goes_before_apic_vectors_whatever_their_priority()
    {
        var k = Enabled();
        Assert.True(k.Lapic.Deliver(0xF0, false, 0, false));
        k.Pic.Intr = true;
        k.Pic.Vector = 0x20;
        Assert.Equal(0x20, k.Take());
        Assert.Equal(0xF0, k.Take());
    }

    [Fact]
    public void Software_disabling_masks_lint0_so_an_os_that_turns_the_apic_off_loses_the_8259()
    {
        var k = Enabled();
        k.Write(Svr, 0xFF);
        k.Pic.Intr = true;
        Assert.False(k.Lapic.HasPendingInterrupt);
    }

    [Fact]
    public void A_globally_disabled_apic_passes_the_8259_straight_through_and_stays_disabled()
    {
        var k = Enabled();
        k.Write(Lint0, Masked);
        k.Write(Tpr, 0x20);
        Assert.True(k.Lapic.TryWriteApicBase(LocalApic.DefaultBase | LocalApic.BaseBsp));
        Assert.False(k.Lapic.GloballyEnabled);
        Assert.Null(k.Lapic.MappedBase);
        k.Pic.Intr = true;
        Assert.Equal(0x08, k.Take());
        Assert.False(k.Lapic.Deliver(0x40, false, 0, false)); // deaf to the APIC bus
        Assert.True(k.Lapic.TryWriteApicBase(LocalApic.DefaultBase | LocalApic.BaseGlobalEnable));
        Assert.False(k.Lapic.GloballyEnabled); // only a reset brings it back (P6, Pentium)
        Assert.Equal(0u, k.Read(Tpr));          // and its programming is gone
    }

    [Fact]
    public void The_base_msr_refuses_reserved_bits_keeps_the_bsp_flag_and_moves_the_base()
    {
        var k = Enabled();
        int moves = 0;
        k.Lapic.MappingChanged = () => moves++;
        Assert.False(k.Lapic.TryWriteApicBase(LocalApic.DefaultBase | LocalApic.BaseGlobalEnable | 0x400));
        Assert.False(k.Lapic.TryWriteApicBase(0x1_0000_0000UL | LocalApic.BaseGlobalEnable));
        Assert.Equal(0, moves);
        Assert.True(k.Lapic.TryWriteApicBase(0x0008_0000 | LocalApic.BaseGlobalEnable));
        Assert.Equal(0x0008_0000UL | LocalApic.BaseBsp | LocalApic.BaseGlobalEnable, k.Lapic.ApicBase);
        Assert.Equal(0x0008_0000u, k.Lapic.MappedBase);
        Assert.Equal(1, moves);
        Assert.Equal(0x1FFu, k.Read(Svr)); // moving keeps the programming
    }
}
