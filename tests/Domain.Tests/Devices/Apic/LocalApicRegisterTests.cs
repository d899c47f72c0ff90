using HexEmu.Domain.Devices.Apic;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>The local APIC's registers as software sees them (SDM vol. 3, 10.4–10.6; QEMU's values where the SDM leaves a choice).</summary>
public class LocalApicRegisterTests
{
    [Fact]
    public void After_reset_the_registers_hold_their_power_up_values_with_lint0_as_extint()
    {
        var k = new ApicTestKit();
        Assert.Equal(0u, k.Read(Id));
        Assert.Equal(0x0005_0014u, k.Read(VersionReg)); // version 14h, max LVT 5: xv6 masks the perf counter entry
        Assert.Equal(0u, k.Read(Tpr));
        Assert.Equal(0xFFFF_FFFFu, k.Read(Dfr));
        Assert.Equal(0xFFu, k.Read(Svr));
        foreach (uint lvt in new[] { LvtTimer, LvtThermal, LvtPerf, Lint1, LvtError })
            Assert.Equal(Masked, k.Read(lvt));
        Assert.Equal(0x700u, k.Read(Lint0)); // QEMU's bootstrap processor: ExtINT, unmasked
        Assert.Equal(LocalApic.DefaultBase | LocalApic.BaseBsp | LocalApic.BaseGlobalEnable, k.Lapic.ApicBase);
    }

    [Fact]
    public void Id_ldr_dfr_and_tpr_keep_only_their_defined_bits()
    {
        var k = Enabled();
        k.Write(Id, 0xFFFF_FFFF);
        k.Write(Ldr, 0x1234_5678);
        k.Write(Dfr, 0x0000_0000);
        k.Write(Tpr, 0xFFFF_FF5A);
        Assert.Equal(0xFF00_0000u, k.Read(Id));
        Assert.Equal(0x1200_0000u, k.Read(Ldr));
        Assert.Equal(0x0FFF_FFFFu, k.Read(Dfr));
        Assert.Equal(0x5Au, k.Read(Tpr));
    }

    [Fact]
    public void Clearing_the_software_enable_masks_every_lvt_entry_and_keeps_them_masked()
    {
        var k = Enabled();
        k.Write(LvtTimer, 0x20);
        k.Write(LvtError, 0x21);
        Assert.Equal(0x20u, k.Read(LvtTimer));
        k.Write(Svr, 0x0FF);
        Assert.Equal(Masked | 0x20, k.Read(LvtTimer));
        Assert.Equal(Masked | 0x21, k.Read(LvtError));
        Assert.Equal(Masked | 0x700, k.Read(Lint0));
        k.Write(LvtTimer, 0x22); // the mask cannot be cleared while disabled
        Assert.Equal(Masked | 0x22, k.Read(LvtTimer));
        k.Write(Svr, 0x1FF);
        Assert.Equal(Masked | 0x22, k.Read(LvtTimer)); // enabling again leaves the masks to software
        k.Write(LvtTimer, 0x22);
        Assert.Equal(0x22u, k.Read(LvtTimer));
    }

    [Fact]
    public void Lvt_entries_keep_only_their_writable_bits()
    {
        var k = Enabled();
        foreach (uint lvt in new[] { LvtTimer, LvtThermal, LvtPerf, Lint0, Lint1, LvtError }) k.Write(lvt, 0xFFFF_FFFF);
        Assert.Equal(0x0003_00FFu, k.Read(LvtTimer));
        Assert.Equal(0x0001_07FFu, k.Read(LvtThermal));
        Assert.Equal(0x0001_07FFu, k.Read(LvtPerf));
        Assert.Equal(0x0001_A7FFu, k.Read(Lint0)); // remote IRR and delivery status are read-only
        Assert.Equal(0x0001_A7FFu, k.Read(Lint1));
        Assert.Equal(0x0001_00FFu, k.Read(LvtError));
    }

    [Fact]
    public void Esr_shows_the_errors_accumulated_before_the_last_write_to_it()
    {
        var k = Enabled();
        k.Write(IcrLow, 0x4_0005); // self IPI with vector 5: illegal
        Assert.Equal(0u, k.Read(Esr)); // nothing latched yet
        k.Write(Esr, 0);
        Assert.Equal(LocalApic.EsrSendIllegalVector | LocalApic.EsrReceiveIllegalVector, k.Read(Esr));
        k.Read(0x3F0); // no register there
        Assert.Equal(LocalApic.EsrSendIllegalVector | LocalApic.EsrReceiveIllegalVector, k.Read(Esr)); // still the old latch
        k.Write(Esr, 0);
        Assert.Equal(LocalApic.EsrIllegalRegister, k.Read(Esr));
        k.Write(Esr, 0);
        Assert.Equal(0u, k.Read(Esr)); // xv6 clears it with two writes
    }

    [Fact]
    public void An_error_with_the_error_entry_unmasked_requests_its_vector()
    {
        var k = Enabled();
        k.Write(LvtError, 0x33);
        k.Write(IcrLow, 0x4_0001);
        Assert.Equal(0x33, k.Take());
    }

    [Fact]
    public void Self_ipis_arrive_and_the_delivery_status_always_reads_idle()
    {
        var k = Enabled();
        k.Write(IcrLow, 0x4_0040);                  // shorthand self, fixed, vector 40h
        Assert.Equal(0u, k.Read(IcrLow) & (1u << 12));
        Assert.Equal(0x40, k.Take());
        k.Write(Eoi, 0);
        k.Write(IcrLow, 0x8_0041);                  // all including self
        Assert.Equal(0x41, k.Take());
        k.Write(Eoi, 0);
        k.Write(IcrHigh, 0x0000_0000);
        k.Write(IcrLow, 0x42);                      // no shorthand, physical destination 0: us
        Assert.Equal(0x42, k.Take());
        k.Write(IcrHigh, 0x0100_0000);
        k.Write(IcrLow, 0x43);                      // physical destination 1: nobody
        k.Write(IcrLow, 0xC_0044);                  // all excluding self: nobody
        Assert.Null(k.Take());
        Assert.Equal(0x0100_0000u, k.Read(IcrHigh));
        Assert.Equal(0xC_0044u, k.Read(IcrLow));
    }

    [Fact]
    public void Init_and_startup_ipis_go_nowhere()
    {
        var k = Enabled();
        k.Write(IcrHigh, 0);
        k.Write(IcrLow, 0x8_C500);  // xv6's INIT level de-assert to all including self
        k.Write(IcrLow, 0x8_0600 | 0x10); // start-up
        Assert.Null(k.Take());
        Assert.Equal(0x700u, k.Read(Lint0) & 0x700); // nothing was reset
        Assert.Equal(0u, k.Read(IcrLow) & (1u << 12));
    }

    [Fact]
    public void Narrow_reads_see_part_of_a_register_and_narrow_writes_are_ignored_and_logged()
    {
        var k = Enabled();
        k.Write(Tpr, 0x5A);
        Assert.Equal(0x14u, k.Lapic.Read(VersionReg, 1));
        Assert.Equal(0x05u, k.Lapic.Read(VersionReg + 2, 2));
        k.Lapic.Write(Tpr, 1, 0x11);
        Assert.Equal(0x5Au, k.Read(Tpr));
        Assert.Contains(k.Log.Errors, e => e.Contains("write of 1 bytes"));
    }

    [Fact]
    public void Writes_to_read_only_registers_change_nothing()
    {
        var k = Enabled();
        k.Write(VersionReg, 0);
        k.Write(Irr, 0xFFFF_FFFF);
        k.Write(CurrentCount, 5);
        Assert.Equal(0x0005_0014u, k.Read(VersionReg));
        Assert.Equal(0u, k.Read(Irr));
        Assert.Equal(0u, k.Read(CurrentCount));
        Assert.Equal(3, k.Log.Errors.Count);
    }
}
