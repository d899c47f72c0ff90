using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>ARCHITECTURE.md §4 for the PIT and port 0x61: save→load→save is byte-identical and a reloaded timer behaves the same.</summary>
public class PitStateTests
{
    /// <summary>A PIT mid-everything: a pending mode 2 count, half-read latch, latched status, half-written count, counter 2 beeping.</summary>
    private sealed class Machine : PitTestKit
    {
        public long Now { get => Clock.NowNs; set => Clock.NowNs = value; }

        public void MakeUnusual()
        {
            AtTick(100);
            Program(0, mode: 2, count: 1000);
            AtTick(400);
            Out(0x40, 0xF4); Out(0x40, 0x01);      // 500, pending until tick 1100
            Program(2, mode: 3, count: 333);
            Out(0x61, 0x03);
            AtTick(450);
            Out(0x43, 0x00); In(0x40);             // counter 0 latch, LSB read, MSB pending
            Out(0x43, 0xE4);                       // counter 1 status latched
            Out(0x43, 0x70); Out(0x41, 0x12);      // counter 1 mode 0, LSB written, MSB next
        }

        public byte[] Save()
        {
            var w = new StateWriter();
            Pit.SaveState(w);
            Port61.SaveState(w);
            return w.ToArray();
        }

        public void Load(byte[] state)
        {
            var r = new StateReader(state);
            Pit.LoadState(r);
            Port61.LoadState(r);
        }

        public List<long> Drive()
        {
            var seen = new List<long> { In(0x40), In(0x41), In(0x41) };
            Out(0x41, 0x00);
            for (int i = 0; i < 12; i++)
            {
                seen.Add(RunToNextDeadline());
                seen.Add(Irq0.High ? 1 : 0);
                seen.Add(In(0x61) & 0x3F);
                seen.Add(ReadWord(0));
                seen.Add(LatchAndRead(1));
                seen.Add(LatchAndRead(2));
            }
            seen.Add(Irq0.RisingEdges);
            return seen;
        }
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        var original = new Machine();
        original.MakeUnusual();
        byte[] state = original.Save();
        var copy = new Machine { Now = original.Now };
        copy.Load(state);
        Assert.Equal(state, copy.Save());
    }

    [Fact]
    public void A_reloaded_timer_behaves_the_same()
    {
        var original = new Machine();
        original.MakeUnusual();
        byte[] state = original.Save();
        var copy = new Machine { Now = original.Now };
        copy.Load(state);
        // Both lines saw only the power-on edge before the save, so the edge counts compare too.
        Assert.Equal(original.Drive(), copy.Drive());
    }

    [Fact]
    public void A_malformed_section_is_rejected_and_changes_nothing()
    {
        var original = new Machine();
        original.MakeUnusual();
        byte[] state = original.Save();
        var fresh = new Machine { Now = original.Now };
        byte[] before = fresh.Save();

        var w = new StateWriter();
        w.BeginSection("pit", 1);
        w.WriteBytes(ReadAll(new StateReader(state).Open("pit", 1)));
        w.EndSection();
        byte[] bad = w.ToArray();
        // Counter 2's record is the last 49 bytes; its first is the control word. RW = 00 is no programmable state.
        int at = bad.Length - 49;
        bad[at] = 0x06;
        Assert.Throws<StateFormatException>(() => fresh.Load(bad));
        Assert.Equal(before, fresh.Save());

        // A zero initial count (bytes 3–6 of the record) would make a period of 0 ticks.
        bad[at] = 0x36;
        bad[at + 3] = bad[at + 4] = bad[at + 5] = bad[at + 6] = 0;
        Assert.Throws<StateFormatException>(() => fresh.Load(bad));
        Assert.Equal(before, fresh.Save());

        var tooNew = new StateWriter();
        tooNew.BeginSection("pit", 2);
        tooNew.EndSection();
        Assert.Throws<StateFormatException>(() => fresh.Load(tooNew.ToArray()));
    }

    private static byte[] ReadAll(SectionReader s)
    {
        var bytes = new byte[s.Length];
        s.ReadBytes(bytes);
        return bytes;
    }
}
