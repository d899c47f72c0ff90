using HexEmu.Domain.Devices.Keyboard;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>
/// The 8042 keyboard controller driven as BIOSes and Linux's i8042 driver drive it: controller
/// commands on 0x64, data and replies on 0x60, the status bits they poll, IRQ1/IRQ12, the output
/// port's A20 and reset lines.
/// </summary>
public class I8042ControllerTests
{
    [Fact]
    public void Status_after_reset_is_idle_unlocked_with_the_command_flag_and_no_system_flag()
    {
        var rig = new KeyboardRig();
        // OBF/IBF clear, system flag clear until a self test, bit 3 (command) and bit 4 (unlocked) set.
        Assert.Equal(0x18, rig.Status);
        Assert.Equal(0x03, rig.Query(0x20)); // QEMU's reset command byte: IRQ1 and IRQ12 enabled
    }

    [Fact]
    public void Bios_and_linux_style_init_sequence()
    {
        var rig = new KeyboardRig();
        // Disable both ports so nothing interferes, then flush.
        rig.Command(0xAD);
        rig.Command(0xA7);
        Assert.Empty(rig.Drain());

        byte ctr = rig.Query(0x20);
        Assert.Equal(I8042CommandByte.KeyboardDisabled | I8042CommandByte.AuxDisabled, ctr & 0x30);

        // Interrupts off while testing (Linux writes the CTR with interrupts cleared).
        rig.WriteCommandByte((byte)(ctr & ~0x03));
        Assert.Equal(ctr & ~0x03, rig.Query(0x20));

        Assert.Equal(0x55, rig.Query(0xAA));
        Assert.NotEqual(0, rig.Status & I8042Status.SystemFlag); // a passed self test sets the system flag
        Assert.Equal(0x00, rig.Query(0xAB)); // keyboard interface test: no clock/data line stuck
        Assert.Equal(0x00, rig.Query(0xA9)); // auxiliary interface test

        // Command byte as a PC BIOS sets it: IRQ1, system flag, translation, both clocks still off.
        rig.WriteCommandByte(0x75);
        Assert.Equal(0x75, rig.Query(0x20));
        rig.Command(0xAE);
        Assert.Equal(0x65, rig.Query(0x20));

        // Keyboard reset: ACK then the BAT completion code, each with its IRQ1.
        int edges = rig.Irq1.RisingEdges;
        rig.Data(0xFF);
        Assert.Equal(0, rig.Status & I8042Status.CommandWritten); // the last write went to 0x60
        Assert.True(rig.Irq1.High);
        Assert.Equal(0xFA, rig.ReadData());
        Assert.True(rig.Irq1.High);
        Assert.Equal(0xAA, rig.ReadData());
        Assert.False(rig.Irq1.High);
        Assert.False(rig.OutputFull);
        Assert.Equal(edges + 2, rig.Irq1.RisingEdges);
        Assert.Empty(rig.Irq12.Levels);
    }

    [Fact]
    public void Identify_reads_ab_83_untranslated_and_ab_41_translated()
    {
        var rig = new KeyboardRig();
        rig.Data(0xF2);
        Assert.Equal(new byte[] { 0xFA, 0xAB, 0x83 }, rig.Drain());

        rig.WriteCommandByte(0x41);
        rig.Data(0xF2);
        Assert.Equal(new byte[] { 0xFA, 0xAB, 0x41 }, rig.Drain());
    }

    [Fact]
    public void Typed_keys_arrive_translated_to_set_1_with_an_irq1_per_byte()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x61); // IRQ1, system flag, aux disabled, translation
        int edges = rig.Irq1.RisingEdges;

        rig.Keyboard.PressKey(0x1C); // 'A': set 2 make 1C, break F0 1C
        Assert.True(rig.Irq1.High);
        Assert.Equal(0x1E, rig.ReadData()); // set 1 make
        Assert.True(rig.Irq1.High);
        Assert.Equal(0x9E, rig.ReadData()); // set 1 break: the F0 prefix folded into bit 7
        Assert.False(rig.OutputFull);
        Assert.False(rig.Irq1.High);
        Assert.Equal(edges + 2, rig.Irq1.RisingEdges);

        rig.Keyboard.PressKey(0x75, extended: true); // cursor up: E0 75, E0 F0 75
        Assert.Equal(new byte[] { 0xE0, 0x48, 0xE0, 0xC8 }, rig.Drain());

        rig.Keyboard.PressKey(0x76); // Escape
        rig.Keyboard.PressKey(0x5A); // Enter
        Assert.Equal(new byte[] { 0x01, 0x81, 0x1C, 0x9C }, rig.Drain());
    }

    [Fact]
    public void Without_translation_the_guest_sees_set_2()
    {
        var rig = new KeyboardRig();
        rig.Keyboard.PressKey(0x1C);
        Assert.Equal(new byte[] { 0x1C, 0xF0, 0x1C }, rig.Drain());
        rig.Keyboard.SendScancodes([0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77]); // Pause
        Assert.Equal(new byte[] { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 }, rig.Drain());
    }

    [Fact]
    public void Disabled_keyboard_interface_delivers_nothing_until_enabled()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x41);
        rig.Command(0xAD);
        rig.Keyboard.PressKey(0x1C);
        Assert.False(rig.OutputFull);
        Assert.False(rig.Irq1.High);
        Assert.Equal(0x51, rig.Query(0x20)); // bit 4: keyboard clock disabled

        // The keyboard buffered its bytes behind the inhibited clock; enabling lets them through.
        rig.Command(0xAE);
        Assert.True(rig.Irq1.High);
        Assert.Equal(new byte[] { 0x1E, 0x9E }, rig.Drain());
    }

    [Fact]
    public void Keyboard_with_scanning_disabled_queues_nothing()
    {
        var rig = new KeyboardRig();
        rig.Data(0xF5);
        Assert.Equal(new byte[] { 0xFA }, rig.Drain());
        rig.Keyboard.PressKey(0x1C);
        rig.Keyboard.SendScancodes([0x1C]);
        Assert.Equal(0, rig.Keyboard.PendingBytes);
        Assert.False(rig.OutputFull);

        rig.Data(0xF4); // enable: the keys pressed while disabled are gone, not replayed
        Assert.Equal(new byte[] { 0xFA }, rig.Drain());
        rig.Keyboard.PressKey(0x1C);
        Assert.Equal(new byte[] { 0x1C, 0xF0, 0x1C }, rig.Drain());
    }

    [Fact]
    public void Writing_to_the_keyboard_enables_its_interface_so_the_reply_arrives()
    {
        // SeaBIOS sends keyboard commands with the keyboard clock disabled in the command byte;
        // the controller re-enables the interface to talk to the device and the ACK comes back.
        var rig = new KeyboardRig();
        rig.Command(0xAD);
        rig.Data(0xEE);
        Assert.Equal(new byte[] { 0xEE }, rig.Drain());
        Assert.Equal(0, rig.Query(0x20) & I8042CommandByte.KeyboardDisabled);
    }

    [Fact]
    public void Command_byte_interrupt_enable_bits_gate_irq1_and_irq12()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x00); // no interrupts, no translation
        rig.Keyboard.PressKey(0x1C);
        Assert.True(rig.OutputFull);
        Assert.False(rig.Irq1.High);

        rig.WriteCommandByte(0x01); // enabling IRQ1 with a byte waiting raises it at once
        Assert.True(rig.OutputFull);
        Assert.True(rig.Irq1.High);
        Assert.Equal(0x1C, rig.ReadData());
        rig.Drain();
        Assert.False(rig.Irq1.High);

        // Auxiliary bytes (0xD3 loopback, as Linux probes the port) use IRQ12 and status bit 5.
        rig.Command(0xD3);
        rig.Data(0x5A);
        Assert.Equal(I8042Status.OutputBufferFull | I8042Status.AuxOutputBufferFull, rig.Status & 0x21);
        Assert.False(rig.Irq12.High); // bit 1 clear
        Assert.False(rig.Irq1.High);  // an aux byte never raises IRQ1
        Assert.Equal(0x5A, rig.ReadData());

        rig.WriteCommandByte(0x02);
        rig.Command(0xD3);
        rig.Data(0xA5);
        Assert.True(rig.Irq12.High);
        Assert.False(rig.Irq1.High);
        Assert.Equal(0xA5, rig.ReadData());
        Assert.False(rig.Irq12.High);
        Assert.Equal(0, rig.Status & 0x21);
    }

    [Fact]
    public void Irq1_stays_low_while_the_keyboard_interface_is_disabled()
    {
        // QEMU's choice: a driver that polls with the keyboard port off gets its replies without IRQ1.
        var rig = new KeyboardRig();
        rig.Command(0xAD);
        rig.Command(0x20);
        Assert.True(rig.OutputFull);
        Assert.False(rig.Irq1.High);
        rig.Command(0xAE); // the byte is still there: the line comes up now
        Assert.True(rig.Irq1.High);
        Assert.Equal(0x13, rig.ReadData()); // the command byte as read while the keyboard was disabled
        Assert.False(rig.Irq1.High);
    }

    [Fact]
    public void Write_keyboard_output_buffer_is_read_back_as_keyboard_data_untranslated()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x41);
        rig.Command(0xD2);
        rig.Data(0x1C);
        Assert.True(rig.Irq1.High);
        Assert.Equal(0, rig.Status & I8042Status.AuxOutputBufferFull);
        Assert.Equal(0x1C, rig.ReadData());
    }

    [Fact]
    public void Bytes_for_the_aux_port_reach_the_mouse_and_its_replies_come_back_on_irq12()
    {
        var rig = new KeyboardRig();
        rig.Command(0xD4);
        rig.Data(0xF2); // mouse: identify
        Assert.Equal(I8042Status.OutputBufferFull | I8042Status.AuxOutputBufferFull, rig.Status & 0x61);
        Assert.True(rig.Irq12.High);
        Assert.False(rig.Irq1.High);
        Assert.Equal(0xFA, rig.ReadData());
        Assert.True(rig.Irq12.High);
        Assert.Equal(0x00, rig.ReadData()); // standard PS/2 mouse ID
        Assert.False(rig.Irq12.High);
        Assert.Equal(2, rig.Irq12.RisingEdges);
    }

    [Fact]
    public void Controller_replies_wait_for_the_output_buffer_and_do_not_overwrite_a_byte()
    {
        var rig = new KeyboardRig();
        rig.Keyboard.SendScancodes([0x1C]);
        rig.Command(0xD0); // output port while the keyboard's byte sits in the buffer: bit 4 says so
        Assert.Equal(0x1C, rig.ReadData());
        Assert.Equal(I8042OutputPort.AtReset | I8042OutputPort.KeyboardOutputFull, rig.ReadData());
        Assert.False(rig.OutputFull);
    }

    [Fact]
    public void Output_port_a20_through_d1_and_dd_df_drives_the_gate_per_write()
    {
        var rig = new KeyboardRig();
        Assert.Equal(0xCF, rig.Query(0xD0)); // reset, A20 and the idle lines high
        Assert.Empty(rig.A20Levels);

        rig.Command(0xD1);
        Assert.Empty(rig.A20Levels); // nothing happens before the data byte
        rig.Data(0xDD); // A20 off, reset line stays high
        Assert.Equal(new[] { false }, rig.A20Levels);
        // Bits 4–5 read back the output buffer's state when the command runs (empty), not what was written.
        Assert.Equal(0xCD, rig.Query(0xD0));

        rig.Command(0xD1);
        rig.Data(0xDF); // the classic "enable A20" value
        Assert.Equal(new[] { false, true }, rig.A20Levels);
        Assert.Equal(0xCF, rig.Query(0xD0));

        rig.Command(0xDD);
        Assert.Equal(new[] { false, true, false }, rig.A20Levels);
        Assert.Equal(0, rig.Query(0xD0) & I8042OutputPort.A20);
        rig.Command(0xDF);
        Assert.Equal(new[] { false, true, false, true }, rig.A20Levels);
        Assert.Equal(0, rig.ResetRequests);
    }

    [Fact]
    public void Writing_the_output_port_reset_bit_low_resets_the_system()
    {
        var rig = new KeyboardRig();
        rig.Command(0xD1);
        rig.Data(0xDE);
        Assert.Equal(1, rig.ResetRequests);
    }

    [Fact]
    public void Pulse_commands_reset_only_when_they_pulse_bit_0()
    {
        var rig = new KeyboardRig();
        rig.Command(0xFE);
        Assert.Equal(1, rig.ResetRequests);
        rig.Command(0xFF); // pulses nothing
        rig.Command(0xF1);
        rig.Command(0xFD);
        Assert.Equal(1, rig.ResetRequests);
        rig.Command(0xF0); // pulses bits 0–3
        rig.Command(0xFA);
        Assert.Equal(3, rig.ResetRequests);
        Assert.Empty(rig.A20Levels); // a pulse leaves the A20 gate alone
    }

    [Fact]
    public void A_command_abandons_a_previous_command_waiting_for_its_data()
    {
        var rig = new KeyboardRig();
        rig.Command(0xD1);
        rig.Command(0xAE);
        rig.Data(0xEE); // goes to the keyboard, not to the output port
        Assert.Empty(rig.A20Levels);
        Assert.Equal(0, rig.ResetRequests);
        Assert.Equal(new byte[] { 0xEE }, rig.Drain());
    }

    [Fact]
    public void Command_byte_system_flag_shows_in_the_status_register()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x04);
        Assert.NotEqual(0, rig.Status & I8042Status.SystemFlag);
        rig.WriteCommandByte(0x00);
        Assert.Equal(0, rig.Status & I8042Status.SystemFlag);
    }

    [Fact]
    public void Controller_ram_is_readable_and_writable_through_commands_21_and_61()
    {
        var rig = new KeyboardRig();
        rig.Command(0x65);
        rig.Data(0x9C);
        Assert.Equal(0x9C, rig.Query(0x25));
        Assert.Equal(0x03, rig.Query(0x20)); // the command byte is untouched
    }

    [Fact]
    public void Input_port_reports_the_keyboard_not_inhibited()
    {
        var rig = new KeyboardRig();
        Assert.Equal(0x80, rig.Query(0xC0));
    }

    [Fact]
    public void Aux_enable_and_disable_show_in_the_command_byte_as_linux_checks()
    {
        var rig = new KeyboardRig();
        rig.Command(0xA7);
        Assert.NotEqual(0, rig.Query(0x20) & I8042CommandByte.AuxDisabled);
        rig.Command(0xA8);
        Assert.Equal(0, rig.Query(0x20) & I8042CommandByte.AuxDisabled);
    }

    [Fact]
    public void Reading_an_empty_output_buffer_returns_the_last_byte_again()
    {
        var rig = new KeyboardRig();
        Assert.Equal(0x55, rig.Query(0xAA));
        Assert.False(rig.OutputFull);
        Assert.Equal(0x55, rig.ReadData());
    }

    [Fact]
    public void Reset_restores_power_on_state_and_drops_the_interrupt()
    {
        var rig = new KeyboardRig();
        rig.WriteCommandByte(0x45);
        rig.Keyboard.PressKey(0x1C);
        Assert.True(rig.Irq1.High);
        rig.Kbc.Reset();
        Assert.False(rig.Irq1.High);
        Assert.Equal(0x18, rig.Status);
        Assert.Equal(0x03, rig.Query(0x20));
        Assert.Equal(0, rig.Keyboard.PendingBytes);
    }
}
