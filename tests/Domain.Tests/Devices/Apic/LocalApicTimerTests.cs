using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>The APIC timer on virtual time: 1 GHz through the divider, one-shot and periodic, exact deadlines.</summary>
public class LocalApicTimerTests
{
    /// <summary>Every divide configuration (bits 0, 1, 3) and its divider.</summary>
    public static TheoryData<uint, int> Dividers => new()
    {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
    };

    [Theory]
    [MemberData(nameof(Dividers))]
    public void A_one_shot_count_expires_after_count_times_divider_nanoseconds(uint config, int divider)
    {
        var k = Enabled();
        k.At(1_000);
        k.Write(DivideConfig, config);
        k.Write(LvtTimer, 0x30);
        k.Write(InitialCount, 100);
        Assert.Equal(config, k.Read(DivideConfig));
        Assert.Equal(1_000 + 100L * divider, k.Lapic.NextDeadlineNs);
        k.At(1_000 + 40L * divider);
        Assert.Equal(60u, k.Read(CurrentCount));
        k.At(1_000 + 100L * divider - 1);
        Assert.Null(k.Take());
        Assert.Equal(1u, k.Read(CurrentCount));
        k.At(1_000 + 100L * divider);
        Assert.Equal(0u, k.Read(CurrentCount));
        Assert.Equal(0x30, k.Take());
        Assert.Null(k.Lapic.NextDeadlineNs); // one shot
        Assert.Equal(100u, k.Read(InitialCount));
    }

    [Theory]
    [MemberData(nameof(Dividers))]
    public void A_periodic_count_expires_every_count_times_divider_nanoseconds(uint config, int divider)
    {
        var k = Enabled();
        k.Write(DivideConfig, config);
        k.Write(LvtTimer, Periodic | 0x31);
        k.Write(InitialCount, 1000);
        long period = 1000L * divider;
        for (int n = 1; n <= 5; n++)
        {
            Assert.Equal(n * period, k.Lapic.NextDeadlineNs);
            k.At(n * period);
            Assert.Equal(0x31, k.Take());
            k.Write(Eoi, 0);
            Assert.Equal(1000u, k.Read(CurrentCount)); // reloaded at the expiry
        }
        k.At(5 * period + 250L * divider);
        Assert.Equal(750u, k.Read(CurrentCount));
    }

    [Fact]
    public void Missed_periods_request_one_interrupt_and_the_timer_keeps_its_phase()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB);
        k.Write(LvtTimer, Periodic | 0x32);
        k.Write(InitialCount, 10);
        k.At(35);
        Assert.Equal(0x32, k.Take());
        Assert.Null(k.Take());
        Assert.Equal(40, k.Lapic.NextDeadlineNs);
        Assert.Equal(5u, k.Read(CurrentCount));
    }

    [Fact]
    public void A_masked_timer_counts_but_neither_interrupts_nor_asks_for_a_deadline()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB);
        k.Write(LvtTimer, Masked | Periodic | 0x33);
        k.Write(InitialCount, 100);
        Assert.Null(k.Lapic.NextDeadlineNs);
        k.At(150);
        Assert.Null(k.Take());
        Assert.Equal(50u, k.Read(CurrentCount));
        k.Write(LvtTimer, Periodic | 0x33); // unmasked: the next expiry interrupts, the missed one does not
        Assert.Equal(200, k.Lapic.NextDeadlineNs);
        Assert.Null(k.Take());
        k.At(200);
        Assert.Equal(0x33, k.Take());
    }

    [Fact]
    public void Writing_zero_stops_the_timer_and_a_new_count_restarts_it()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB);
        k.Write(LvtTimer, 0x34);
        k.Write(InitialCount, 100);
        k.At(50);
        k.Write(InitialCount, 0);
        Assert.Null(k.Lapic.NextDeadlineNs);
        Assert.Equal(0u, k.Read(CurrentCount));
        k.At(60);
        k.Write(InitialCount, 10);
        Assert.Equal(70, k.Lapic.NextDeadlineNs);
    }

    [Fact]
    public void A_new_divider_while_counting_continues_from_the_current_count()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB); // ÷1
        k.Write(LvtTimer, 0x35);
        k.Write(InitialCount, 100);
        k.At(40);
        k.Write(DivideConfig, 0x0); // ÷2: 60 counts left take 120 ns
        Assert.Equal(60u, k.Read(CurrentCount));
        Assert.Equal(160, k.Lapic.NextDeadlineNs);
    }

    [Fact]
    public void Switching_to_periodic_mode_while_counting_keeps_the_count_and_reloads_at_zero()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB);
        k.Write(LvtTimer, 0x36);
        k.Write(InitialCount, 100);
        k.At(30);
        k.Write(LvtTimer, Periodic | 0x36);
        Assert.Equal(100, k.Lapic.NextDeadlineNs);
        k.At(100);
        Assert.Equal(0x36, k.Take());
        Assert.Equal(200, k.Lapic.NextDeadlineNs);
    }

    [Fact]
    public void A_software_disabled_apic_has_no_timer_interrupts()
    {
        var k = Enabled();
        k.Write(DivideConfig, 0xB);
        k.Write(LvtTimer, Periodic | 0x37);
        k.Write(InitialCount, 10);
        k.Write(Svr, 0xFF); // masks the entry
        Assert.Null(k.Lapic.NextDeadlineNs);
        k.At(100);
        Assert.Null(k.Take());
    }
}
