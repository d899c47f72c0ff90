namespace HexEmu.Domain.Tests.Devices;

/// <summary>Reading counters: access modes, the counter latch command, read-back, and BCD counting.</summary>
public class PitReadTests : PitTestKit
{
    [Fact]
    public void Counter_latch_freezes_the_value_until_both_bytes_are_read()
    {
        AtTick(0);
        Program(0, mode: 2, count: 1193);
        AtTick(100);
        Out(0x43, 0x00); // counter latch, counter 0
        AtTick(300);
        Out(0x43, 0x00); // a second latch before the first is read is ignored
        Assert.Equal(1093, ReadWord(0));
        Assert.Equal(1193 - 300, ReadWord(0)); // latch released: live count
    }

    [Fact]
    public void Unlatched_word_reads_alternate_lsb_and_msb()
    {
        AtTick(0);
        Program(0, mode: 2, count: 0x1234);
        Assert.Equal(0x34, In(0x40));
        AtTick(0x10);
        Assert.Equal(0x12, In(0x40)); // MSB of 0x1224
        Assert.Equal(0x24, In(0x40));
    }

    [Fact]
    public void Lsb_only_and_msb_only_access_modes()
    {
        AtTick(0);
        Out(0x43, 0x54); // counter 1, LSB only, mode 2
        Out(0x41, 18);   // the classic refresh count: MSB is zero
        AtTick(5);
        Assert.Equal(13, In(0x41));
        Assert.Equal(13, In(0x41));

        Out(0x43, 0x64); // counter 1, MSB only, mode 2
        Out(0x41, 0x02); // count 0x0200
        AtTick(5 + 0x100);
        Assert.Equal(0x01, In(0x41));
        Out(0x43, 0x40); // latch in MSB-only mode: one byte, the MSB
        AtTick(5 + 0x180);
        Assert.Equal(0x01, In(0x41));
        Assert.Equal(0x00, In(0x41)); // live again: 0x0080
    }

    [Fact]
    public void Read_back_latches_status_then_count()
    {
        AtTick(0);
        Out(0x43, 0x34);
        Out(0x43, 0xE2); // read-back: status only (COUNT bit high), counter 0
        // OUT high (mode 2), NULL COUNT set (no count yet), RW=11, mode 2, binary.
        Assert.Equal(0x80 | 0x40 | 0x34, In(0x40));
        Out(0x40, 0xA9);
        Out(0x40, 0x04);
        AtTick(200);
        Out(0x43, 0xC2); // status and count, counter 0
        AtTick(400);
        Assert.Equal(0x80 | 0x34, In(0x40)); // status first; count loaded
        Assert.Equal(1193 - 200, ReadWord(0));
        Assert.Equal(1193 - 400, ReadWord(0));
    }

    [Fact]
    public void Read_back_of_several_counters_latches_each()
    {
        AtTick(0);
        Program(0, mode: 2, count: 1000);
        Program(2, mode: 0, count: 3000);
        Out(0x61, 0x01); // counter 2 gate high: mode 0 counts
        AtTick(250);
        Out(0x43, 0xDA); // latch count (not status) of counters 0 and 2 (bits 1 and 3)
        AtTick(900);
        Assert.Equal(750, ReadWord(0));
        Assert.Equal(2750, ReadWord(2));
        Out(0x43, 0xE8); // status of counter 2: OUT low (mode 0 counting), RW=11, mode 0
        Assert.Equal(0x30, In(0x42));
    }

    [Fact]
    public void Bcd_counter_counts_in_decimal_digits()
    {
        AtTick(0);
        Out(0x43, 0x31); // counter 0, LSB then MSB, mode 0, BCD
        Out(0x40, 0x00);
        Out(0x40, 0x01); // 0100 BCD = 100 counts
        AtTick(1);
        Assert.Equal(0x0099, ReadWord(0));
        AtTick(37);
        Assert.Equal(0x0063, ReadWord(0));
        Assert.Equal(NsAt(100), RunToNextDeadline());
        Assert.True(Irq0.High);
        AtTick(101);
        Assert.Equal(0x9999, ReadWord(0)); // BCD wraps to 9999
    }

    [Fact]
    public void Bcd_count_of_zero_means_10000()
    {
        AtTick(0);
        Out(0x43, 0x35); // counter 0, mode 2, BCD
        Out(0x40, 0);
        Out(0x40, 0);
        AtTick(1);
        Assert.Equal(0x9999, ReadWord(0));
        AtTick(1234);
        Assert.Equal(0x8766, ReadWord(0));
        RunToNextDeadline();
        Assert.Equal(NsAt(10000), RunToNextDeadline());
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Write_only_control_port_reads_0_as_in_qemu()
    {
        AtTick(0);
        Program(0, mode: 2, count: 0x1234);
        Assert.Equal(0, In(0x43));
        Assert.Equal(0x1234, ReadWord(0)); // and the read disturbs no counter
    }
}
