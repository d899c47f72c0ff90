using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>Polled transmit and receive, FIFOs, overrun, the character timeout and breaks.</summary>
public class UartTransferTests
{
    /// <summary>A polled putc: wait for THRE, write THR.</summary>
    private static void PolledWrite(UartRig rig, string text)
    {
        foreach (char c in text)
        {
            int spins = 0;
            while ((rig.In(UartRig.Lsr) & 0x20) == 0)
                Assert.True(++spins < 100, "THRE never came");
            rig.Out(UartRig.Thr, (byte)c);
        }
    }

    [Fact]
    public void Polled_transmission_reaches_the_sink_and_leaves_the_transmitter_empty()
    {
        var rig = new UartRig();
        rig.Init();
        PolledWrite(rig, "Hello\n");
        Assert.Equal("Hello\n"u8.ToArray(), rig.Sink.Bytes);
        Assert.Equal(0x60, rig.In(UartRig.Lsr) & 0x60);
    }

    [Fact]
    public void Transmission_works_in_16450_mode_too()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x00);
        PolledWrite(rig, "ok");
        Assert.Equal("ok"u8.ToArray(), rig.Sink.Bytes);
    }

    [Fact]
    public void Polled_reception_reads_bytes_in_order_while_DR_is_set()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Receive((byte)'a', (byte)'b', (byte)'c');
        var got = new List<byte>();
        while ((rig.In(UartRig.Lsr) & 0x01) != 0) got.Add(rig.In(UartRig.Rbr));
        Assert.Equal("abc"u8.ToArray(), got);
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
    }

    [Fact]
    public void In_16450_mode_a_second_byte_overruns_the_unread_one()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x00);
        Assert.True(rig.Uart.TryReceive(0x11));
        Assert.False(rig.Uart.CanReceive);
        Assert.False(rig.Uart.TryReceive(0x22));
        Assert.Equal(0x63, rig.In(UartRig.Lsr));       // DR | OE | THRE | TEMT
        Assert.Equal(0x61, rig.In(UartRig.Lsr));       // OE cleared by the read
        Assert.Equal(0x22, rig.In(UartRig.Rbr));       // the new byte replaced the old
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
        Assert.Equal(0x22, rig.In(UartRig.Rbr));       // RBR keeps its last character
    }

    [Fact]
    public void A_full_FIFO_overruns_and_keeps_its_sixteen_characters()
    {
        var rig = new UartRig();
        rig.Init();
        for (int i = 0; i < 16; i++)
        {
            Assert.True(rig.Uart.CanReceive);
            Assert.True(rig.Uart.TryReceive((byte)i));
        }
        Assert.False(rig.Uart.CanReceive);
        Assert.False(rig.Uart.TryReceive(0xEE));
        Assert.Equal(0x63, rig.In(UartRig.Lsr));
        for (int i = 0; i < 16; i++) Assert.Equal(i, rig.In(UartRig.Rbr));
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
        Assert.True(rig.Uart.CanReceive);
    }

    [Fact]
    public void FCR_bit_1_empties_the_receive_FIFO()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Receive(1, 2, 3);
        rig.Out(UartRig.Fcr, 0xC3);
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
        rig.Receive(9);
        Assert.Equal(9, rig.In(UartRig.Rbr));
    }

    [Fact]
    public void Switching_the_FIFOs_off_empties_them()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Receive(1, 2);
        rig.Out(UartRig.Fcr, 0x00);
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
        Assert.Equal(0x01, rig.In(UartRig.Iir));
    }

    [Fact]
    public void In_loopback_transmitted_bytes_come_back_and_nothing_leaves()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Out(UartRig.Mcr, 0x1B);
        rig.Out(UartRig.Thr, 0x55);
        rig.Out(UartRig.Thr, 0xAA);
        Assert.Empty(rig.Sink.Bytes);
        Assert.Equal(0x61, rig.In(UartRig.Lsr));
        Assert.Equal(0x55, rig.In(UartRig.Rbr));
        Assert.Equal(0xAA, rig.In(UartRig.Rbr));
        // SIN is disconnected: outside bytes are refused, and back-pressure says so.
        Assert.False(rig.Uart.CanReceive);
        Assert.False(rig.Uart.TryReceive(0x77));
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
        rig.Out(UartRig.Mcr, 0x0B);
        Assert.True(rig.Uart.CanReceive);
        rig.Out(UartRig.Thr, 0x33);
        Assert.Equal([0x33], rig.Sink.Bytes);
    }

    [Theory]
    [InlineData(0x00, 1)]
    [InlineData(0x40, 4)]
    [InlineData(0x80, 8)]
    [InlineData(0xC0, 14)]
    public void The_received_data_interrupt_waits_for_the_trigger_level(byte triggerBits, int level)
    {
        var rig = new UartRig();
        rig.Init(fcr: (byte)(0x07 | triggerBits), ier: 0x01);
        for (int i = 1; i < level; i++)
        {
            rig.Receive((byte)i);
            Assert.Equal(0xC1, rig.In(UartRig.Iir));
            Assert.False(rig.Irq.High);
        }
        rig.Receive(0x42);
        Assert.Equal(0xC4, rig.In(UartRig.Iir));
        Assert.True(rig.Irq.High);
        rig.In(UartRig.Rbr);                            // one below the level again
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        Assert.False(rig.Irq.High);
        Assert.Equal(level > 1 ? 0x61 : 0x60, rig.In(UartRig.Lsr)); // DR while characters remain
    }

    [Fact]
    public void Below_the_trigger_level_the_character_timeout_fires_after_four_character_times()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x87, ier: 0x01);                 // trigger 8, 115200 baud 8N1
        const long fourCharacters = 4 * 10 * 1_000_000_000L / 115_200; // 4 × (start + 8 data + stop) bits
        Assert.Equal(fourCharacters, rig.Uart.CharacterTimeoutNanoseconds);
        Assert.Null(rig.Uart.NanosecondsUntilCharacterTimeout);

        rig.Receive(1, 2, 3);
        Assert.Equal(fourCharacters, rig.Uart.NanosecondsUntilCharacterTimeout);
        rig.Uart.ElapseTime(fourCharacters - 1);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        Assert.False(rig.Irq.High);
        rig.Uart.ElapseTime(1);
        Assert.Equal(0xCC, rig.In(UartRig.Iir));
        Assert.True(rig.Irq.High);

        // Reading a character clears the timeout and restarts the timer for the rest.
        Assert.Equal(1, rig.In(UartRig.Rbr));
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        Assert.False(rig.Irq.High);
        Assert.Equal(fourCharacters, rig.Uart.NanosecondsUntilCharacterTimeout);
        rig.Uart.ElapseTime(fourCharacters);
        Assert.Equal(0xCC, rig.In(UartRig.Iir));
        rig.In(UartRig.Rbr);
        rig.In(UartRig.Rbr);
        Assert.Null(rig.Uart.NanosecondsUntilCharacterTimeout); // FIFO empty: nothing to time out
        rig.Uart.ElapseTime(10 * fourCharacters);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
    }

    [Fact]
    public void A_new_character_restarts_the_timeout()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x87, ier: 0x01);
        long timeout = rig.Uart.CharacterTimeoutNanoseconds;
        rig.Receive(1);
        rig.Uart.ElapseTime(timeout - 10);
        rig.Receive(2);
        rig.Uart.ElapseTime(timeout - 10);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        rig.Uart.ElapseTime(10);
        Assert.Equal(0xCC, rig.In(UartRig.Iir));
    }

    [Fact]
    public void The_character_time_follows_divisor_and_word_format()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Lcr, 0x80);
        rig.Out(UartRig.Dll, 12);                       // 9600 baud
        rig.Out(UartRig.Dlm, 0);
        rig.Out(UartRig.Lcr, 0x1F);                     // 8 data bits, even parity, 2 stop bits: 12 bits
        Assert.Equal(4 * 12 * 12 * 1_000_000_000L / 115_200, rig.Uart.CharacterTimeoutNanoseconds);
        rig.Out(UartRig.Lcr, 0x04);                     // 5 data bits, 1.5 stop bits: 7.5 bits
        Assert.Equal(4 * 15 * 12 * 1_000_000_000L / (2 * 115_200), rig.Uart.CharacterTimeoutNanoseconds);
    }

    [Fact]
    public void There_is_no_character_timeout_in_16450_mode()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x00, ier: 0x01);
        rig.Receive(1);
        Assert.Null(rig.Uart.NanosecondsUntilCharacterTimeout);
        rig.Uart.ElapseTime(1_000_000_000);
        Assert.Equal(0x04, rig.In(UartRig.Iir));        // plain received data, never 0x0C
    }

    [Fact]
    public void A_break_shows_in_LSR_when_its_character_reaches_the_top_of_the_FIFO()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x04);
        rig.Receive((byte)'x');
        rig.Uart.ReceiveBreak();
        Assert.Equal(0xE1, rig.In(UartRig.Lsr));        // error in FIFO, DR; BI not yet (x is on top)
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        Assert.Equal((byte)'x', rig.In(UartRig.Rbr));
        Assert.Equal(0xC6, rig.In(UartRig.Iir));        // line status: the break character is on top
        Assert.True(rig.Irq.High);
        Assert.Equal(0xF1, rig.In(UartRig.Lsr));        // BI | error in FIFO | DR
        Assert.False(rig.Irq.High);
        Assert.Equal(0x00, rig.In(UartRig.Rbr));        // a break reads as a zero character
        Assert.Equal(0x60, rig.In(UartRig.Lsr));
    }

    [Fact]
    public void A_reported_break_is_not_reported_again_when_more_characters_arrive()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Uart.ReceiveBreak();
        Assert.Equal(0xF1, rig.In(UartRig.Lsr));        // BI | error in FIFO | DR
        rig.Receive((byte)'y');
        Assert.Equal(0xE1, rig.In(UartRig.Lsr));        // the break character still waits, BI was read
        Assert.Equal(0x00, rig.In(UartRig.Rbr));
        Assert.Equal(0x61, rig.In(UartRig.Lsr));        // 'y' on top, no error
        Assert.Equal((byte)'y', rig.In(UartRig.Rbr));
    }

    [Fact]
    public void In_16450_mode_a_break_sets_BI_with_a_zero_character()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x00);
        rig.Uart.ReceiveBreak();
        Assert.Equal(0x71, rig.In(UartRig.Lsr));        // BI | DR, no FIFO error bit in 16450 mode
        Assert.Equal(0x00, rig.In(UartRig.Rbr));
    }
}
