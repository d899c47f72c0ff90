using HexEmu.Domain.Devices.Keyboard;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>
/// The PS/2 keyboard's command set, sent through the controller's data port with translation off
/// so the keyboard's own bytes are visible (IBM PS/2 keyboard reference, "Commands from the system").
/// </summary>
public class Ps2KeyboardTests
{
    private static byte[] Send(KeyboardRig rig, params byte[] bytes)
    {
        var replies = new List<byte>();
        foreach (byte b in bytes)
        {
            rig.Data(b);
            replies.AddRange(rig.Drain());
        }
        return [.. replies];
    }

    [Fact]
    public void Reset_answers_ack_then_bat_passed_and_restores_defaults()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xED, 0x07, 0xF0, 0x01);
        Assert.Equal(new byte[] { 0xFA, 0xAA }, Send(rig, 0xFF));
        Assert.Equal(0, rig.Keyboard.Leds);
        Assert.Equal(2, rig.Keyboard.ScancodeSet);
        Assert.True(rig.Keyboard.ScanningEnabled);
    }

    [Fact]
    public void Set_leds_takes_its_data_byte_and_acks_both()
    {
        var rig = new KeyboardRig();
        Assert.Equal(new byte[] { 0xFA }, Send(rig, 0xED));
        Assert.Equal(new byte[] { 0xFA }, Send(rig, 0x05)); // Scroll Lock + Caps Lock
        Assert.Equal(0x05, rig.Keyboard.Leds);
    }

    [Fact]
    public void A_command_in_place_of_an_argument_aborts_and_runs()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xED);
        Assert.Equal(new byte[] { 0xFA, 0xAB, 0x83 }, Send(rig, 0xF2));
        Assert.Equal(0, rig.Keyboard.Leds);
        Assert.Equal(new byte[] { 0xFE }, Send(rig, 0x01)); // no command waits any more: 0x01 is unknown
    }

    [Fact]
    public void Scancode_set_can_be_read_and_selected()
    {
        var rig = new KeyboardRig();
        Assert.Equal(new byte[] { 0xFA, 0xFA, 0x02 }, Send(rig, 0xF0, 0x00));
        Assert.Equal(new byte[] { 0xFA, 0xFA }, Send(rig, 0xF0, 0x01));
        Assert.Equal(new byte[] { 0xFA, 0xFA, 0x01 }, Send(rig, 0xF0, 0x00));
        Assert.Equal(new byte[] { 0xFA, 0xFE }, Send(rig, 0xF0, 0x04)); // no set 4

        // In set 1 the keyboard itself sends XT codes: make, make | 0x80.
        rig.Keyboard.PressKey(0x1C);
        rig.Keyboard.PressKey(0x75, extended: true);
        Assert.Equal(new byte[] { 0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8 }, rig.Drain());
    }

    [Fact]
    public void Scancode_set_query_reads_translated_when_the_controller_translates()
    {
        // Linux's atkbd reads 0x41 for set 2 behind a translating controller: the reply goes
        // through the same table as scancodes.
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x41);
        Assert.Equal(new byte[] { 0xFA, 0xFA, 0x41 }, Send(rig, 0xF0, 0x00));
    }

    [Fact]
    public void Typematic_rate_and_echo()
    {
        var rig = new KeyboardRig();
        Assert.Equal(new byte[] { 0xFA, 0xFA }, Send(rig, 0xF3, 0x20));
        Assert.Equal(0x20, rig.Keyboard.Typematic);
        Assert.Equal(new byte[] { 0xEE }, Send(rig, 0xEE));
    }

    [Fact]
    public void Set_default_restores_defaults_and_keeps_scanning()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xF3, 0x00, 0xED, 0x02, 0xF5);
        Assert.False(rig.Keyboard.ScanningEnabled);
        Assert.Equal(new byte[] { 0xFA }, Send(rig, 0xF6));
        Assert.True(rig.Keyboard.ScanningEnabled);
        Assert.Equal(Ps2Keyboard.DefaultTypematic, rig.Keyboard.Typematic);
        Assert.Equal(0, rig.Keyboard.Leds);
    }

    [Fact]
    public void Resend_repeats_the_last_byte_sent()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xF2);
        Assert.Equal(new byte[] { 0x83 }, Send(rig, 0xFE));
    }

    [Fact]
    public void Enable_clears_the_keyboard_buffer()
    {
        var rig = new KeyboardRig();
        rig.Command(0xAD); // hold the keyboard's bytes back
        rig.Keyboard.PressKey(0x1C);
        Assert.Equal(3, rig.Keyboard.PendingBytes);
        rig.Data(0xF4); // the write re-enables the interface; the keyboard drops its keys and ACKs
        Assert.Equal(new byte[] { 0xFA }, rig.Drain());
    }

    [Fact]
    public void A_key_that_does_not_fit_in_the_buffer_is_dropped_whole()
    {
        var rig = new KeyboardRig();
        rig.Command(0xAD);
        for (int i = 0; i < 5; i++) rig.Keyboard.PressKey(0x1C); // 15 bytes
        rig.Keyboard.KeyDown(0x75, extended: true); // E0 75: 2 bytes do not fit in the 16th place
        Assert.Equal(15, rig.Keyboard.PendingBytes);
        rig.Keyboard.SendScancodes([0x1B]);
        Assert.Equal(Ps2Keyboard.ScancodeCapacity, rig.Keyboard.PendingBytes);
    }
}
