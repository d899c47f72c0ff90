using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>ARCHITECTURE.md §4 for the keyboard controller, its keyboard and port 0x92.</summary>
public class I8042StateTests
{
    private static byte[] Save(I8042Controller kbc)
    {
        var w = new StateWriter();
        kbc.SaveState(w);
        return w.ToArray();
    }

    /// <summary>A controller in the middle of things: a byte in the buffer, a reply behind it, a command waiting for data, keys queued.</summary>
    private static KeyboardRig Busy()
    {
        var rig = new KeyboardRig();
        rig.Data(0xED);
        rig.Data(0x04);            // Caps Lock LED
        rig.Data(0xF3);
        rig.Data(0x1F);            // typematic byte
        rig.Drain();
        rig.WriteCommandByte(0x65); // translate, IRQ1, system flag, aux off
        rig.Command(0x67);
        rig.Data(0x5C);            // controller RAM byte 7
        foreach (byte b in new byte[] { 0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF4 })
        {
            rig.Command(0xD4);     // mouse: wheel knock, reporting on
            rig.Data(b);
        }
        rig.Drain();
        rig.Command(0xA7);
        rig.Mouse.Move(2, 3, buttons: 0x02, wheel: 1); // held back behind the disabled aux clock
        rig.Keyboard.SendScancodes([ScancodeTranslation.BreakPrefix]); // translation holds the prefix back
        rig.Command(0xAD);
        rig.Keyboard.PressKey(0x1C);                                    // queued behind the disabled clock
        rig.Command(0xD2);
        rig.Data(0x77);            // output buffer full
        rig.Command(0xC0);         // its reply waits behind 0x77
        rig.Command(0xD1);         // waits for the output port value
        return rig;
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        byte[] first = Save(Busy().Kbc);
        var copy = new KeyboardRig();
        copy.Kbc.LoadState(new StateReader(first));
        Assert.Equal(first, Save(copy.Kbc));
    }

    [Fact]
    public void A_reloaded_controller_behaves_the_same()
    {
        var original = Busy();
        var copy = new KeyboardRig();
        copy.Kbc.LoadState(new StateReader(Save(original.Kbc)));

        foreach (var rig in new[] { original, copy })
        {
            Assert.Equal(0x1D, rig.Status); // OBF, system flag, last write a command, unlocked
            rig.Data(0xDD);                        // completes the waiting 0xD1: A20 off
            Assert.Equal(new[] { false }, rig.A20Levels);
            Assert.Equal(0x77, rig.ReadData());
            Assert.Equal(0x80, rig.ReadData());    // the input port reply
            rig.Command(0xAE);                      // the keyboard's bytes follow, translated
            Assert.Equal(new byte[] { 0x9E, 0x9E }, rig.Drain()); // the held prefix marks the make code as a break
            Assert.Equal(0x5C, rig.Query(0x27));
            rig.Command(0xA8);
            Assert.Equal(new byte[] { 0x0A, 0x02, 0x03, 0x01 }, rig.Drain());
            Assert.Empty(rig.Irq12.Levels); // command byte 0x65 keeps IRQ12 off
            Assert.Equal(0x04, rig.Keyboard.Leds);
            Assert.Equal(0x1F, rig.Keyboard.Typematic);
        }
    }

    [Fact]
    public void A_malformed_keyboard_section_leaves_the_controller_as_it_was()
    {
        var w = new StateWriter();
        new KeyboardRig().Kbc.SaveState(w);
        byte[] state = w.ToArray();
        // The keyboard section's second payload byte is its scancode set; make it 7.
        int at = IndexOf(state, "ps2-keyboard"u8.ToArray()) + "ps2-keyboard".Length + 6 + 1;
        state[at] = 7;

        var rig = Busy();
        byte[] before = Save(rig.Kbc);
        Assert.Throws<StateFormatException>(() => rig.Kbc.LoadState(new StateReader(state)));
        Assert.Equal(before, Save(rig.Kbc));
    }

    [Fact]
    public void Port_92_round_trips()
    {
        var port = new SystemControlPortA(_ => { }, () => { });
        port.Write(0x92, 1, 0xCA);
        var w = new StateWriter();
        port.SaveState(w);
        byte[] first = w.ToArray();

        int resets = 0;
        var copy = new SystemControlPortA(_ => { }, () => resets++);
        copy.LoadState(new StateReader(first));
        var w2 = new StateWriter();
        copy.SaveState(w2);
        Assert.Equal(first, w2.ToArray());
        Assert.Equal(0xCAu, copy.Read(0x92, 1));
        copy.Write(0x92, 1, 0xCB); // bit 0 was 0 in the saved state, so this is a rising edge
        Assert.Equal(1, resets);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}
