using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Io;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>
/// The PC's two 8259As driven through their ports as a BIOS or Linux driver drives them. The
/// expectations come from the Intel 8259A datasheet (command word tables, "Interrupt
/// Sequence", the nesting and rotation modes) and, for the ELCR, the PIIX datasheet.
/// </summary>
public class DualPicTests
{
    private readonly DualPic _pic = new();
    private readonly IoBus _io = new();

    public DualPicTests() => _pic.MapPorts(_io);

    private void Out(ushort port, byte value) => _io.Write(port, 1, value);
    private byte In(ushort port) => (byte)_io.Read(port, 1);

    /// <summary>Linux's init_8259A: ICW1 0x11 (edge, cascade, ICW4), vectors 0x20/0x28, ICW3 0x04/0x02, ICW4 0x01 (8086).</summary>
    private void InitLinux(byte masterIcw4 = 0x01, byte slaveIcw4 = 0x01, byte icw1 = 0x11)
    {
        Out(0x20, icw1); Out(0x21, 0x20); Out(0x21, 0x04); Out(0x21, masterIcw4);
        Out(0xA0, icw1); Out(0xA1, 0x28); Out(0xA1, 0x02); Out(0xA1, slaveIcw4);
    }

    private void Pulse(int irq)
    {
        _pic.Line(irq).Set(true);
        _pic.Line(irq).Set(false);
    }

    private byte MasterIsr() { Out(0x20, 0x0B); return In(0x20); }
    private byte MasterIrr() { Out(0x20, 0x0A); return In(0x20); }
    private byte SlaveIsr() { Out(0xA0, 0x0B); return In(0xA0); }
    private byte SlaveIrr() { Out(0xA0, 0x0A); return In(0xA0); }

    [Fact]
    public void Linux_init_delivers_irq0_at_vector_0x20_and_a_non_specific_EOI_ends_it()
    {
        InitLinux();
        Assert.Equal(0x00, In(0x21)); // ICW1 cleared the IMR
        Assert.False(_pic.HasPendingInterrupt);
        Pulse(0);
        Assert.True(_pic.HasPendingInterrupt);
        Assert.Equal(0x20, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x01, MasterIsr());
        Assert.Equal(0x00, MasterIrr());
        Assert.False(_pic.HasPendingInterrupt);
        Out(0x20, 0x20);
        Assert.Equal(0x00, MasterIsr());
    }

    [Fact]
    public void BIOS_vectors_0x08_and_0x70_put_irq1_at_9_and_irq8_to_15_at_0x70_to_0x77()
    {
        Out(0x20, 0x11); Out(0x21, 0x08); Out(0x21, 0x04); Out(0x21, 0x01);
        Out(0xA0, 0x11); Out(0xA1, 0x70); Out(0xA1, 0x02); Out(0xA1, 0x01);
        Pulse(1);
        Assert.Equal(0x09, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x20);
        Pulse(8);
        Assert.Equal(0x70, _pic.AcknowledgeInterrupt());
        Out(0xA0, 0x20); Out(0x20, 0x20);
        Pulse(15);
        Assert.Equal(0x77, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void ICW2_ignores_the_low_three_bits_of_the_vector_base()
    {
        Out(0x20, 0x11); Out(0x21, 0x27); Out(0x21, 0x04); Out(0x21, 0x01);
        Pulse(3);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void Without_IC4_and_in_single_mode_the_third_odd_port_write_is_already_the_mask()
    {
        Out(0x20, 0x12); // SNGL, no ICW4: no ICW3, no ICW4
        Out(0x21, 0x40);
        Out(0x21, 0xF5);
        Assert.Equal(0xF5, In(0x21));
        Assert.False(_pic.Master.Initialising);
    }

    [Fact]
    public void In_single_mode_IR2_is_an_ordinary_input_answered_by_the_master()
    {
        Out(0x20, 0x13); Out(0x21, 0x40); Out(0x21, 0x01); // single, ICW4, no ICW3
        Out(0xA0, 0x11); Out(0xA1, 0x70); Out(0xA1, 0x02); Out(0xA1, 0x01);
        Pulse(9); // the slave's INT still reaches IR2
        Assert.Equal(0x42, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x00, SlaveIsr()); // the slave saw no acknowledge
    }

    [Fact]
    public void A_masked_request_shows_in_IRR_but_is_not_delivered_until_unmasked()
    {
        InitLinux();
        Out(0x21, 0xFE); // only the timer
        Pulse(4);
        Assert.Equal(0x10, MasterIrr());
        Assert.False(_pic.HasPendingInterrupt);
        Out(0x21, 0xEE);
        Assert.Equal(0xEE, In(0x21));
        Assert.True(_pic.HasPendingInterrupt);
        Assert.Equal(0x24, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void The_status_read_stays_on_ISR_or_IRR_until_OCW3_changes_it()
    {
        InitLinux();
        Pulse(3);
        Pulse(5);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x0B);
        Assert.Equal(0x08, In(0x20));
        Out(0x20, 0x08); // OCW3 with RR = 0: no change
        Assert.Equal(0x08, In(0x20));
        Out(0x20, 0x0A);
        Assert.Equal(0x20, In(0x20));
    }

    [Fact]
    public void Lower_levels_win_and_a_higher_one_nests_over_an_interrupt_in_service()
    {
        InitLinux();
        Pulse(3);
        Pulse(1);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Assert.False(_pic.HasPendingInterrupt); // IR3 waits for IR1's EOI
        Pulse(0);
        Assert.True(_pic.HasPendingInterrupt);
        Assert.Equal(0x20, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x03, MasterIsr());
        Out(0x20, 0x20); // non-specific EOI ends the highest in service: IR0
        Assert.Equal(0x02, MasterIsr());
        Assert.False(_pic.HasPendingInterrupt);
        Out(0x20, 0x20);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void A_specific_EOI_clears_only_the_named_level()
    {
        InitLinux();
        Pulse(5);
        Assert.Equal(0x25, _pic.AcknowledgeInterrupt());
        Pulse(2 + 1);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x65); // specific EOI for IR5, though IR3 is higher
        Assert.Equal(0x08, MasterIsr());
    }

    [Fact]
    public void Rotate_on_non_specific_EOI_makes_the_served_level_the_lowest()
    {
        InitLinux();
        Pulse(1);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Out(0x20, 0xA0);
        Assert.Equal(0x00, MasterIsr());
        Pulse(1);
        Pulse(3);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt()); // order is now 2,3,4,5,6,7,0,1
        Pulse(0);
        Assert.False(_pic.HasPendingInterrupt); // IR0 now ranks below IR3 in service
    }

    [Fact]
    public void Set_priority_makes_the_named_level_the_lowest()
    {
        InitLinux();
        Out(0x20, 0xC4); // IR4 lowest, IR5 highest
        Pulse(3);
        Pulse(6);
        Assert.Equal(0x26, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x20);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void Rotate_on_specific_EOI_clears_the_level_and_makes_it_the_lowest()
    {
        InitLinux();
        Pulse(6);
        Assert.Equal(0x26, _pic.AcknowledgeInterrupt());
        Out(0x20, 0xE6);
        Assert.Equal(0x00, MasterIsr());
        Pulse(6);
        Pulse(7);
        Assert.Equal(0x27, _pic.AcknowledgeInterrupt()); // IR7 is now the highest
    }

    [Fact]
    public void A_non_specific_EOI_after_rotation_ends_the_highest_under_the_new_order()
    {
        InitLinux();
        Out(0x20, 0xC4); // order 5,6,7,0,1,2,3,4
        Pulse(0);
        Assert.Equal(0x20, _pic.AcknowledgeInterrupt());
        Pulse(6);
        Assert.Equal(0x26, _pic.AcknowledgeInterrupt()); // IR6 outranks IR0 now
        Out(0x20, 0x20);
        Assert.Equal(0x01, MasterIsr()); // IR6 ended, IR0 still in service
    }

    [Fact]
    public void Auto_EOI_leaves_ISR_clear_so_the_next_request_follows_at_once()
    {
        InitLinux(masterIcw4: 0x03);
        Pulse(1);
        Pulse(4);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x00, MasterIsr());
        Assert.True(_pic.HasPendingInterrupt);
        Assert.Equal(0x24, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void Rotate_in_auto_EOI_mode_rotates_on_each_acknowledge_until_cleared()
    {
        InitLinux(masterIcw4: 0x03);
        Out(0x20, 0x80);
        Pulse(1);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Pulse(1);
        Pulse(3);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt()); // IR1 became the lowest, then IR3
        Out(0x20, 0x00); // clear rotation
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt()); // order stays 4..7,0..3 from the last rotation
        Pulse(3);
        Pulse(4);
        Assert.Equal(0x24, _pic.AcknowledgeInterrupt()); // a rotation after IR1 would have put IR3 first
    }

    [Fact]
    public void An_edge_pulse_stays_latched_until_acknowledged()
    {
        InitLinux();
        Out(0x21, 0xFF);
        Pulse(4);
        Assert.Equal(0x10, MasterIrr());
        Out(0x21, 0x00);
        Assert.Equal(0x24, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x00, MasterIrr());
    }

    [Fact]
    public void An_edge_input_held_high_requests_once_and_again_only_after_a_new_rising_edge()
    {
        InitLinux();
        _pic.Line(3).Set(true);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x20);
        Assert.False(_pic.HasPendingInterrupt);
        _pic.Line(3).Set(true); // still high: no edge
        Assert.False(_pic.HasPendingInterrupt);
        _pic.Line(3).Set(false);
        _pic.Line(3).Set(true);
        Assert.True(_pic.HasPendingInterrupt);
    }

    [Fact]
    public void ICW1_resets_the_edge_sense_IMR_ISR_and_priority()
    {
        InitLinux();
        Out(0x20, 0xC4);
        Pulse(5);
        Assert.Equal(0x25, _pic.AcknowledgeInterrupt());
        _pic.Line(6).Set(true);
        Out(0x21, 0xFF);
        InitLinux();
        Assert.Equal(0x00, In(0x21));
        Assert.Equal(0x00, MasterIsr());
        Assert.Equal(0x00, MasterIrr()); // IR6's edge was forgotten though the line is high
        Pulse(7);
        Pulse(3);
        Assert.Equal(0x23, _pic.AcknowledgeInterrupt()); // IR7 is the lowest again
    }

    [Fact]
    public void ELCR_bits_the_chipset_reserves_stay_edge()
    {
        Out(0x4D0, 0xFF);
        Out(0x4D1, 0xFF);
        Assert.Equal(0xF8, In(0x4D0));
        Assert.Equal(0xDE, In(0x4D1));
        Out(0x4D1, 0x0C);
        Assert.Equal(0x0C, In(0x4D1));
    }

    [Fact]
    public void A_level_input_requests_while_high_even_after_EOI_and_stops_when_lowered()
    {
        InitLinux();
        Out(0x4D1, 0x04); // IRQ 10 level-triggered, as for a PCI device
        _pic.Line(10).Set(true);
        Assert.Equal(0x04, MasterIrr());
        Assert.Equal(0x2A, _pic.AcknowledgeInterrupt());
        Out(0xA0, 0x20); Out(0x20, 0x20);
        Assert.True(_pic.HasPendingInterrupt); // the device has not been serviced yet
        Assert.Equal(0x2A, _pic.AcknowledgeInterrupt());
        _pic.Line(10).Set(false);
        Out(0xA0, 0x20); Out(0x20, 0x20);
        Assert.Equal(0x00, SlaveIrr());
        Assert.False(_pic.HasPendingInterrupt);
    }

    [Fact]
    public void ICW1_LTIM_makes_every_input_level_triggered()
    {
        InitLinux(icw1: 0x19);
        _pic.Line(1).Set(true);
        Assert.Equal(0x02, MasterIrr());
        _pic.Line(1).Set(false);
        Assert.Equal(0x00, MasterIrr());
        Assert.False(_pic.HasPendingInterrupt);
    }

    [Fact]
    public void A_master_request_gone_before_the_acknowledge_gives_spurious_IR7_without_ISR()
    {
        InitLinux();
        Out(0x4D0, 0x20); // IRQ 5 level-triggered
        _pic.Line(5).Set(true);
        Assert.True(_pic.HasPendingInterrupt);
        _pic.Line(5).Set(false);
        Assert.Equal(0x27, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x00, MasterIsr());
    }

    [Fact]
    public void A_slave_request_gone_before_the_acknowledge_gives_spurious_IR15_with_the_master_IR2_in_service()
    {
        InitLinux();
        Out(0x4D1, 0x04); // IRQ 10 level-triggered
        _pic.Line(10).Set(true);
        Assert.True(_pic.HasPendingInterrupt);
        _pic.Line(10).Set(false);
        Assert.Equal(0x2F, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x00, SlaveIsr());
        Assert.Equal(0x04, MasterIsr()); // Linux EOIs the master for a spurious IRQ 15
    }

    [Fact]
    public void A_real_IR7_does_set_its_ISR_bit()
    {
        InitLinux();
        Pulse(7);
        Assert.Equal(0x27, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x80, MasterIsr());
    }

    [Fact]
    public void A_slave_interrupt_goes_through_IR2_and_needs_EOI_on_both_chips()
    {
        InitLinux();
        Pulse(12);
        Assert.Equal(0x10, SlaveIrr());
        Assert.Equal(0x04, MasterIrr());
        Assert.Equal(0x2C, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x10, SlaveIsr());
        Assert.Equal(0x04, MasterIsr());
        Pulse(14);
        Assert.False(_pic.HasPendingInterrupt); // lower on the slave: waits
        Out(0xA0, 0x20);
        Assert.False(_pic.HasPendingInterrupt); // the master's IR2 is still in service
        Out(0x20, 0x20);
        Assert.Equal(0x2E, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void The_slave_mask_and_the_master_cascade_mask_both_gate_slave_interrupts()
    {
        InitLinux();
        Out(0xA1, 0x02);
        Pulse(9);
        Assert.Equal(0x02, SlaveIrr());
        Assert.False(_pic.HasPendingInterrupt); // masked on the slave: its INT stays low
        Out(0x21, 0x04);
        Out(0xA1, 0x00);
        Assert.Equal(0x04, MasterIrr());
        Assert.False(_pic.HasPendingInterrupt); // the cascade input is masked on the master
        Out(0x21, 0x00);
        Assert.Equal(0x29, _pic.AcknowledgeInterrupt());
    }

    [Fact]
    public void A_master_level_above_the_cascade_interrupts_a_slave_handler()
    {
        InitLinux();
        Pulse(11);
        Assert.Equal(0x2B, _pic.AcknowledgeInterrupt());
        Pulse(1);
        Pulse(3);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Out(0x20, 0x20);
        Assert.False(_pic.HasPendingInterrupt); // IR3 ranks below IR2 in service
    }

    [Fact]
    public void In_fully_nested_mode_a_higher_slave_request_is_locked_out_while_the_slave_is_in_service()
    {
        InitLinux();
        Pulse(12);
        Assert.Equal(0x2C, _pic.AcknowledgeInterrupt());
        Pulse(8);
        Assert.Equal(0x01, SlaveIrr());
        Assert.False(_pic.HasPendingInterrupt);
    }

    [Fact]
    public void In_special_fully_nested_mode_a_higher_slave_request_interrupts_the_slave_handler()
    {
        InitLinux(masterIcw4: 0x11);
        Pulse(12);
        Assert.Equal(0x2C, _pic.AcknowledgeInterrupt());
        Pulse(8);
        Assert.True(_pic.HasPendingInterrupt);
        Assert.Equal(0x28, _pic.AcknowledgeInterrupt());
        Assert.Equal(0x11, SlaveIsr());
        Pulse(3);
        Assert.False(_pic.HasPendingInterrupt); // master IR3 still ranks below IR2 in service
    }

    [Fact]
    public void Poll_reads_the_highest_request_as_an_acknowledge()
    {
        InitLinux();
        Pulse(6);
        Pulse(3);
        Out(0x20, 0x0C);
        Assert.Equal(0x83, In(0x20));
        Assert.Equal(0x08, MasterIsr());
        Assert.Equal(0x00, In(0x21)); // the poll was used up by one read: this is the IMR
        Out(0x20, 0x20);
        Out(0x20, 0x0C);
        Assert.Equal(0x86, In(0x21)); // either port answers a poll
        Out(0x20, 0x20);
        Out(0x20, 0x0C);
        Assert.Equal(0x00, In(0x20)); // nothing pending: I = 0
    }

    [Fact]
    public void Poll_is_subject_to_the_mask()
    {
        InitLinux();
        Out(0x21, 0x08);
        Pulse(3);
        Out(0x20, 0x0C);
        Assert.Equal(0x00, In(0x20));
    }

    [Fact]
    public void Special_mask_mode_lets_lower_levels_in_while_the_masked_level_is_in_service()
    {
        InitLinux();
        Pulse(1);
        Assert.Equal(0x21, _pic.AcknowledgeInterrupt());
        Pulse(5);
        Assert.False(_pic.HasPendingInterrupt);
        Out(0x21, 0x02);
        Assert.False(_pic.HasPendingInterrupt); // masking alone does not lift the nesting
        Out(0x20, 0x68); // ESMM + SMM
        Assert.True(_pic.HasPendingInterrupt);
        Out(0x20, 0x48); // ESMM, SMM = 0
        Assert.False(_pic.HasPendingInterrupt);
        Out(0x20, 0x28); // SMM without ESMM: no change
        Assert.False(_pic.HasPendingInterrupt);
    }

    [Fact]
    public void A_word_access_is_split_into_byte_cycles()
    {
        InitLinux();
        _io.Write(0x20, 2, 0xF00B); // OCW3 read ISR, then mask 0xF0
        Assert.Equal(0xF0, In(0x21));
        Pulse(0);
        _pic.AcknowledgeInterrupt();
        Assert.Equal(0xF001u, _io.Read(0x20, 2));
    }

    [Fact]
    public void The_INTR_output_follows_the_master_INT()
    {
        var intr = new RecordingLine();
        var pic = new DualPic(intr);
        pic.Master.Write(a0: false, 0x11); pic.Master.Write(a0: true, 0x20); pic.Master.Write(a0: true, 0x04); pic.Master.Write(a0: true, 0x01);
        pic.Line(1).Set(true);
        Assert.True(intr.High);
        pic.AcknowledgeInterrupt();
        Assert.False(intr.High);
        pic.Line(1).Set(false);
        pic.Line(1).Set(true);
        Assert.False(intr.High);               // IR1 in service
        pic.Master.Write(a0: false, 0x20);
        Assert.True(intr.High);                // the EOI lets the new edge through
    }

    private sealed class RecordingLine : HexEmu.Domain.Devices.IIrqLine
    {
        public bool High { get; private set; }
        public void Set(bool high) => High = high;
    }

    [Fact]
    public void Line_numbers_outside_0_to_15_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _pic.Line(16));
        Assert.Throws<ArgumentOutOfRangeException>(() => _pic.Line(-1));
    }
}
