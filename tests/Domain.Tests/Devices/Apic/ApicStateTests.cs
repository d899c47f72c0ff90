using HexEmu.Domain.State;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>ARCHITECTURE.md §4 for the APICs: save→load→save is byte-identical, a loaded pair behaves as the saved one, a bad section changes nothing.</summary>
public class ApicStateTests
{
    /// <summary>Both APICs mid-everything: requests pending and in service, a level in flight, errors accumulated, the timer counting.</summary>
    private static ApicTestKit Busy()
    {
        var k = Enabled();
        k.Write(Tpr, 0x10);
        k.Write(Ldr, 0x0100_0000);
        k.Write(LvtError, 0x3E);
        k.Write(Esr, 0);
        k.Read(0x3F0); // an error accumulated, not yet latched
        k.Route(10, Level | 0x4A);
        k.Route(4, 0x34, destination: 0xFF);
        k.IoApic.Pin(10).Set(true);
        Assert.Equal(0x4A, k.Take());
        k.IoApic.Pin(4).Set(true);
        k.Write(DivideConfig, 0x1);
        k.Write(LvtTimer, Periodic | 0x31);
        k.At(1_234);
        k.Write(InitialCount, 777);
        k.At(5_000);
        return k;
    }

    /// <summary>Everything observable, driven forward in time.</summary>
    private static List<long> Drive(ApicTestKit k)
    {
        var seen = new List<long>();
        for (int i = 0; i < 6; i++)
        {
            seen.Add(k.Lapic.NextDeadlineNs ?? -1);
            k.At(k.Lapic.NextDeadlineNs ?? k.Clock.NowNs + 1);
            seen.Add(k.Read(CurrentCount));
            seen.Add(k.Read(Ppr));
            seen.Add(k.Take() ?? -1);
            k.Write(Eoi, 0);
            seen.Add(k.IoRead(0x10 + 20));
        }
        k.Write(Esr, 0);
        seen.Add(k.Read(Esr));
        return seen;
    }

    [Fact]
    public void Save_load_save_is_byte_identical_and_the_loaded_apics_behave_the_same()
    {
        var original = Busy();
        byte[] state = original.Save();
        var copy = new ApicTestKit();
        copy.Clock.NowNs = original.Clock.NowNs; // the clock's own section would restore it
        copy.Load(state);
        Assert.Equal(state, copy.Save());
        Assert.Equal(Drive(original), Drive(copy));
    }

    [Fact]
    public void A_malformed_section_leaves_both_apics_as_they_were()
    {
        var k = Busy();
        byte[] before = k.Save();
        var w = new StateWriter();
        w.BeginSection("lapic", 1);
        w.WriteU32(1);
        w.EndSection();
        Assert.Throws<StateFormatException>(() => k.Lapic.LoadState(new StateReader(w.ToArray())));
        var bad = new StateWriter();
        bad.BeginSection("ioapic", 1);
        bad.WriteU8(0);
        bad.WriteU32(0xFFFF_FFFF); // an ID with bits it cannot have
        bad.WriteU32(0);
        for (int i = 0; i < 24; i++) bad.WriteU64(0);
        bad.EndSection();
        Assert.Throws<StateFormatException>(() => k.IoApic.LoadState(new StateReader(bad.ToArray())));
        Assert.Equal(before, k.Save());
    }
}
