using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Io;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>ARCHITECTURE.md §4 for the interrupt controllers: save→load→save is byte-identical and a reloaded pair behaves the same.</summary>
public class DualPicStateTests
{
    private static (DualPic Pic, IoBus Io) Fresh()
    {
        var pic = new DualPic();
        var io = new IoBus();
        pic.MapPorts(io);
        return (pic, io);
    }

    /// <summary>A pair with every kind of state set: rotation, AEOI rotation, special mask, ELCR, lines, latches, ISR, a slave halfway through ICWs.</summary>
    private static (DualPic Pic, IoBus Io) Unusual()
    {
        var (pic, io) = Fresh();
        void Out(ushort port, byte v) => io.Write(port, 1, v);
        Out(0x20, 0x11); Out(0x21, 0x08); Out(0x21, 0x04); Out(0x21, 0x13); // AEOI + SFNM
        Out(0x20, 0x80);             // rotate in AEOI
        Out(0x20, 0xC2);             // IR2 lowest
        Out(0x4D0, 0x28);
        Out(0x4D1, 0x0C);
        pic.Line(5).Set(true);       // level input held
        pic.Line(4).Set(true);
        pic.Line(4).Set(false);      // edge latched
        pic.Line(6).Set(true);
        Assert.Equal(0x0C, pic.AcknowledgeInterrupt()); // IR4 (order 3,4,5,...) and AEOI rotation
        Out(0x21, 0x40);
        Out(0x20, 0x6B);             // special mask on, read ISR
        Out(0xA0, 0x19);             // slave re-initialising, level-triggered
        Out(0xA1, 0x70);             // ICW2 written: ICW3 comes next
        pic.Line(11).Set(true);
        Out(0x20, 0x0C);             // poll pending
        return (pic, io);
    }

    private static byte[] Save(DualPic pic)
    {
        var w = new StateWriter();
        pic.SaveState(w);
        return w.ToArray();
    }

    private static (DualPic Pic, IoBus Io) Reloaded(byte[] state)
    {
        var copy = Fresh();
        copy.Pic.LoadState(new StateReader(state));
        return copy;
    }

    /// <summary>The same driver steps on any pair, reporting everything the guest can see.</summary>
    private static List<int> Drive((DualPic Pic, IoBus Io) m)
    {
        var seen = new List<int>();
        void Out(ushort port, byte v) => m.Io.Write(port, 1, v);
        int In(ushort port) => (int)m.Io.Read(port, 1);
        seen.Add(In(0x20));          // the pending poll
        seen.Add(In(0x20));          // ISR
        Out(0xA1, 0x02); Out(0xA1, 0x01); // finish the slave's ICW3, ICW4
        m.Pic.Line(12).Set(true);
        m.Pic.Line(0).Set(true);
        for (int i = 0; i < 6; i++)
        {
            seen.Add(m.Pic.HasPendingInterrupt ? m.Pic.AcknowledgeInterrupt() : -1);
            Out(0x20, 0x0A); seen.Add(In(0x20));
            Out(0xA0, 0x0B); seen.Add(In(0xA0));
            Out(0x21, 0x00);
            Out(0xA0, 0x20);
        }
        seen.Add(In(0x4D0));
        seen.Add(In(0x4D1));
        return seen;
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        byte[] state = Save(Unusual().Pic);
        Assert.Equal(state, Save(Reloaded(state).Pic));
        Assert.NotEqual(state, Save(Fresh().Pic));
    }

    [Fact]
    public void A_reloaded_pair_behaves_like_the_original()
    {
        var original = Unusual();
        var copy = Reloaded(Save(original.Pic));
        Assert.Equal(Drive(original), Drive(copy));
    }

    [Fact]
    public void A_malformed_section_leaves_the_controller_unchanged()
    {
        var (pic, _) = Unusual();
        byte[] before = Save(pic);
        byte[] bad = (byte[])before.Clone();
        // Header: magic (4) + format (2) + name length (1) + "pic" (3) + version (2) + length (4);
        // the master's priority level is its sixth byte.
        bad[16 + 5] = 9;
        Assert.Throws<StateFormatException>(() => pic.LoadState(new StateReader(bad)));
        Assert.Equal(before, Save(pic));
    }
}
