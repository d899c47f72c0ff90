using HexEmu.Domain.Devices.Keyboard;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>
/// The PS/2 mouse behind the controller's auxiliary port, driven with 0xD4 as Linux's psmouse
/// and SeaBIOS drive it (IBM PS/2 mouse reference; IntelliMouse extensions).
/// </summary>
public class Ps2MouseTests
{
    private static byte[] Send(KeyboardRig rig, params byte[] bytes)
    {
        var replies = new List<byte>();
        foreach (byte b in bytes)
        {
            rig.Command(0xD4);
            rig.Data(b);
            while (rig.OutputFull)
            {
                Assert.NotEqual(0, rig.Status & I8042Status.AuxOutputBufferFull);
                replies.Add(rig.ReadData());
            }
        }
        return [.. replies];
    }

    [Fact]
    public void Reset_answers_ack_bat_and_id_0()
    {
        var rig = new KeyboardRig();
        Assert.Equal(new byte[] { 0xFA, 0xAA, 0x00 }, Send(rig, 0xFF));
    }

    [Fact]
    public void Status_request_reports_the_defaults_and_the_changes()
    {
        var rig = new KeyboardRig();
        // Defaults: stream mode, reporting off, 1:1, resolution 2 (4 counts/mm), 100 samples/s.
        Assert.Equal(new byte[] { 0xFA, 0x00, 0x02, 0x64 }, Send(rig, 0xE9));
        Assert.Equal(new byte[] { 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA }, Send(rig, 0xF3, 40, 0xE8, 3, 0xE7, 0xF4));
        Assert.Equal(new byte[] { 0xFA, 0x30, 0x03, 40 }, Send(rig, 0xE9));
        Assert.Equal(new byte[] { 0xFA }, Send(rig, 0xF6));
        Assert.Equal(new byte[] { 0xFA, 0x00, 0x02, 0x64 }, Send(rig, 0xE9));
    }

    [Fact]
    public void The_intellimouse_knock_turns_the_wheel_on()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xF3, 200, 0xF3, 100, 0xF3, 80);
        Assert.Equal(new byte[] { 0xFA, 0x03 }, Send(rig, 0xF2));

        Send(rig, 0xF4);
        rig.Mouse.Move(1, -1, buttons: 0, wheel: -1);
        Assert.Equal(new byte[] { 0x28, 0x01, 0xFF, 0xFF }, rig.Drain()); // 4-byte packet with the wheel
    }

    [Fact]
    public void Motion_packets_only_when_reporting_is_enabled()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x03);
        rig.Mouse.Move(5, 5, buttons: 1);
        Assert.Equal(0, rig.Mouse.PendingBytes);

        Send(rig, 0xF4);
        int edges = rig.Irq12.RisingEdges;
        rig.Mouse.Move(5, -3, buttons: 0x01); // left button, right and down
        // Byte 0: always-one bit 3, Y sign (bit 5), left (bit 0); then X and Y two's complement.
        Assert.Equal(new byte[] { 0x29, 0x05, 0xFD }, rig.Drain());
        Assert.Equal(edges + 3, rig.Irq12.RisingEdges);
        Assert.False(rig.Irq1.High);
    }

    [Fact]
    public void Disabled_aux_interface_holds_the_packets_back()
    {
        var rig = new KeyboardRig();
        Send(rig, 0xF4);
        rig.Command(0xA7);
        rig.Mouse.Move(1, 1, buttons: 0);
        Assert.False(rig.OutputFull);
        rig.Command(0xA8);
        Assert.Equal(new byte[] { 0x08, 0x01, 0x01 }, rig.Drain());
    }

    [Fact]
    public void Wrap_mode_echoes_until_reset_wrap()
    {
        var rig = new KeyboardRig();
        Assert.Equal(new byte[] { 0xFA }, Send(rig, 0xEE));
        Assert.Equal(new byte[] { 0x12, 0xF2 }, Send(rig, 0x12, 0xF2));
        Assert.Equal(new byte[] { 0xFA, 0xFA, 0x00 }, Send(rig, 0xEC, 0xF2));
    }
}
