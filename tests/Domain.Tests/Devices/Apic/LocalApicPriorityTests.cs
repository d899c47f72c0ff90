using HexEmu.Domain.Devices.Apic;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>Acceptance, priority and EOI (SDM vol. 3, 10.8): IRR → ISR by priority class against PPR, EOI of the highest in service.</summary>
public class LocalApicPriorityTests
{
    private static void Request(ApicTestKit k, int vector, bool level = false) =>
        Assert.True(k.Lapic.Deliver(vector, logicalDestination: false, destination: 0, levelTriggered: level));

    [Fact]
    public void The_highest_vector_goes_first_and_moves_from_irr_to_isr()
    {
        var k = Enabled();
        Request(k, 0x31);
        Request(k, 0x52);
        Assert.True(k.IrrBit(0x31) && k.IrrBit(0x52));
        Assert.Equal(0x52, k.Take());
        Assert.False(k.IrrBit(0x52));
        Assert.True(k.IsrBit(0x52));
        Assert.Equal(0x50u, k.Read(Ppr));
        Assert.Null(k.Take()); // 31h is below the class in service
        k.Write(Eoi, 0);
        Assert.False(k.IsrBit(0x52));
        Assert.Equal(0x31, k.Take());
    }

    [Fact]
    public void A_higher_class_interrupts_one_in_service_and_eoi_ends_the_highest_first()
    {
        var k = Enabled();
        Request(k, 0x40);
        Assert.Equal(0x40, k.Take());
        Request(k, 0x41); // same class: waits
        Assert.Null(k.Take());
        Request(k, 0x60);
        Assert.Equal(0x60, k.Take());
        k.Write(Eoi, 0);
        Assert.True(k.IsrBit(0x40));
        Assert.False(k.IsrBit(0x60));
        Assert.Null(k.Take());
        k.Write(Eoi, 0);
        Assert.Equal(0x41, k.Take());
    }

    [Fact]
    public void The_task_priority_holds_back_classes_at_or_below_it()
    {
        var k = Enabled();
        k.Write(Tpr, 0x50);
        Request(k, 0x5F);
        Assert.Null(k.Take());
        Assert.Equal(0x50u, k.Read(Ppr));
        Assert.Equal(0x50u, k.Read(Apr));
        Request(k, 0x61);
        Assert.Equal(0x60u, k.Read(Apr));
        Assert.Equal(0x61, k.Take());
        k.Write(Eoi, 0);
        k.Write(Tpr, 0x4F);
        Assert.Equal(0x5F, k.Take());
        Assert.Equal(0x50u, k.Read(Ppr)); // the class in service is above TPR's
    }

    [Fact]
    public void Illegal_vectors_are_refused_with_an_error_and_a_repeated_request_merges()
    {
        var k = Enabled();
        Assert.False(k.Lapic.Deliver(15, false, 0, false));
        k.Write(Esr, 0);
        Assert.Equal(LocalApic.EsrReceiveIllegalVector, k.Read(Esr));
        Request(k, 0x70);
        Request(k, 0x70);
        Assert.Equal(0x70, k.Take());
        Assert.Null(k.Take());
    }

    [Fact]
    public void A_software_disabled_apic_holds_its_requests_until_enabled()
    {
        var k = new ApicTestKit();
        Request(k, 0x44);
        Assert.Null(k.Take());
        k.Write(Svr, 0x1FF);
        Assert.Equal(0x44, k.Take());
    }

    [Fact]
    public void An_acknowledge_that_finds_nothing_gives_the_spurious_vector_and_puts_nothing_in_service()
    {
        var k = Enabled();
        k.Write(Svr, 0x1EF);
        Assert.Equal(0xEF, k.Lapic.AcknowledgeInterrupt());
        Assert.Equal(-1, HighestIsr(k));
        k.Write(Eoi, 0); // an EOI with nothing in service does nothing
        Assert.Equal(-1, HighestIsr(k));
    }

    private static int HighestIsr(ApicTestKit k)
    {
        for (int v = 255; v >= 0; v--) if (k.IsrBit(v)) return v;
        return -1;
    }

    [Fact]
    public void Level_triggered_vectors_set_tmr_and_their_eoi_reaches_the_io_apic_edge_ones_do_not()
    {
        var k = Enabled();
        k.Route(5, 0x55 | Level);
        k.IoApic.Pin(5).Set(true);
        Assert.True(k.TmrBit(0x55));
        Assert.Equal(0x55, k.Take());
        Assert.NotEqual(0u, k.IoRead(0x10 + 2 * 5) & RemoteIrr);
        k.IoApic.Pin(5).Set(false);
        k.Write(Eoi, 0);
        Assert.Equal(0u, k.IoRead(0x10 + 2 * 5) & RemoteIrr);

        k.Route(5, 0x55 | Level);
        Request(k, 0x55); // an edge message for the same vector clears TMR
        Assert.False(k.TmrBit(0x55));
    }

    [Fact]
    public void Logical_destinations_match_under_the_flat_and_cluster_models()
    {
        var k = Enabled();
        k.Write(Ldr, 0x0400_0000);
        Assert.True(k.Lapic.Deliver(0x40, true, 0x04, false));
        Assert.True(k.Lapic.Deliver(0x41, true, 0x0C, false));
        Assert.False(k.Lapic.Deliver(0x42, true, 0x03, false));
        Assert.True(k.Lapic.Deliver(0x43, true, 0xFF, false));
        k.Write(Dfr, 0x0FFF_FFFF);       // cluster model
        k.Write(Ldr, 0x2100_0000);       // cluster 2, member bit 0
        Assert.True(k.Lapic.Deliver(0x44, true, 0x21, false));
        Assert.False(k.Lapic.Deliver(0x45, true, 0x11, false));
        Assert.False(k.Lapic.Deliver(0x46, true, 0x22, false));
        Assert.True(k.Lapic.Deliver(0x47, false, 0xFF, false)); // physical broadcast
        Assert.False(k.Lapic.Deliver(0x48, false, 0x01, false));
    }
}
