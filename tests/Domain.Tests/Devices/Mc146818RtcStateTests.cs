using HexEmu.Domain.Devices.Cmos;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>ARCHITECTURE.md §4 invariants for the RTC: save→load→save is byte-identical and a reloaded RTC behaves the same.</summary>
public class Mc146818RtcStateTests
{
    private static byte[] Save(Mc146818Rtc rtc)
    {
        var w = new StateWriter();
        rtc.SaveState(w);
        return w.ToArray();
    }

    /// <summary>An RTC with something in every saved field: a moved base, binary 12-hour mode, alarm, NVRAM, a pending PF, NMI masked.</summary>
    private static RtcRig Busy()
    {
        var rig = new RtcRig();
        rig.RunTo(1_234_567_890);
        rig.Set(RtcRig.B, 0x86);
        rig.Set(RtcRig.Minutes, 17);
        rig.Set(RtcRig.B, 0x76);                          // PIE, AIE, UIE, binary, 24-hour
        rig.Set(RtcRig.A, 0x2A);                          // rate 10
        rig.Set(RtcRig.SecondsAlarm, 0xC0);
        rig.Set(RtcRig.MinutesAlarm, 18);
        rig.Set(RtcRig.HoursAlarm, 0xFF);
        rig.Rtc.WriteNvram(0x40, 0xA5);
        rig.RunTo(1_300_000_000);                         // IRQ raised by PF
        rig.Rtc.Write(0x70, 1, 0x80 | 0x0F);
        return rig;
    }

    /// <summary>Everything a guest can observe over the next two minutes, in a fixed order.</summary>
    private static List<int> Observe(RtcRig rig)
    {
        var seen = new List<int> { rig.Rtc.IrqLevel ? 1 : 0, rig.Rtc.NmiMasked ? 1 : 0, (int)(rig.Rtc.NextDeadlineNs ?? -1) };
        seen.Add((int)rig.Rtc.Read(0x71, 1));             // the saved index
        for (int step = 0; step < 12; step++)
        {
            rig.RunTo(rig.Clock.NowNs + 10_000_000_000);
            seen.AddRange(rig.ReadTime().Select(b => (int)b));
            seen.Add(rig.Get(RtcRig.A));
            seen.Add(rig.Get(RtcRig.C));
            seen.Add(rig.Irq.RisingEdges);
        }
        seen.Add(rig.Rtc.ReadNvram(0x40));
        return seen;
    }

    [Fact]
    public void Save_load_save_is_byte_identical_and_the_copy_behaves_the_same()
    {
        var original = Busy();
        byte[] saved = Save(original.Rtc);

        var copy = new RtcRig(baseTime: 0);
        copy.Clock.NowNs = original.Clock.NowNs;
        copy.Rtc.LoadState(new StateReader(saved));
        Assert.Equal(saved, Save(copy.Rtc));

        // The copy's line starts low in the test; the PIC restores its own view in the machine.
        int originalEdges = original.Irq.RisingEdges;
        var expected = Observe(original);
        var actual = Observe(copy);
        Assert.Equal(expected.Count, actual.Count);
        // Compare all but the edge counts, which start from each rig's own history.
        for (int i = 0; i < expected.Count; i++)
        {
            bool isEdgeCount = i >= 4 && i < expected.Count - 1 && (i - 4) % 11 == 10;
            if (isEdgeCount) Assert.Equal(expected[i] - originalEdges, actual[i]);
            else Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void A_truncated_section_is_rejected_and_leaves_the_rtc_unchanged()
    {
        var rig = Busy();
        byte[] before = Save(rig.Rtc);
        var other = new RtcRig(baseTime: 42);
        var w = new StateWriter();
        w.BeginSection(Mc146818Rtc.StateSection, Mc146818Rtc.StateVersion);
        w.WriteBytes(new byte[10]);
        w.EndSection();
        Assert.Throws<StateFormatException>(() => rig.Rtc.LoadState(new StateReader(w.ToArray())));
        Assert.Equal(before, Save(rig.Rtc));
        Assert.NotEqual(before, Save(other.Rtc));
    }

    [Fact]
    public void An_index_out_of_range_is_rejected_and_leaves_the_rtc_unchanged()
    {
        var rig = Busy();
        byte[] before = Save(rig.Rtc);
        byte[] bad = (byte[])before.Clone();
        // The index byte follows the 128 RAM bytes at the end of the payload's fixed layout.
        int payloadStart = bad.Length - (128 + 3 + 32);
        bad[payloadStart + 128] = 0x80;
        Assert.Throws<StateFormatException>(() => rig.Rtc.LoadState(new StateReader(bad)));
        Assert.Equal(before, Save(rig.Rtc));
    }
}
