using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>Interrupt sources, their priorities (PC16550D Table IV) and how they drive the IRQ line.</summary>
public class UartInterruptTests
{
    [Fact]
    public void Enabling_THRE_with_an_empty_transmitter_interrupts_at_once()
    {
        var rig = new UartRig();
        rig.Init();
        Assert.False(rig.Irq.High);
        rig.Out(UartRig.Ier, 0x02);
        Assert.True(rig.Irq.High);
        Assert.Equal(0xC2, rig.In(UartRig.Iir));
        // Reading IIR while THRE is the reported source clears it.
        Assert.False(rig.Irq.High);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
    }

    [Fact]
    public void Linux_THRE_startup_test_sees_the_interrupt()
    {
        var rig = new UartRig();
        rig.Init();
        rig.Out(UartRig.Ier, 0x02);
        byte lsr = rig.In(UartRig.Lsr);
        byte iir = rig.In(UartRig.Iir);
        rig.Out(UartRig.Ier, 0x00);
        Assert.NotEqual(0, lsr & 0x40);                 // TEMT
        Assert.Equal(0, iir & 0x01);                    // an interrupt was pending: no UART_BUG_TXEN
    }

    [Fact]
    public void Writing_THR_clears_THRE_and_the_emptied_transmitter_raises_it_again_with_a_new_edge()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x02);
        Assert.Equal(1, rig.Irq.RisingEdges);
        rig.Out(UartRig.Thr, (byte)'A');
        Assert.Equal([(byte)'A'], rig.Sink.Bytes);
        Assert.True(rig.Irq.High);
        Assert.Equal(2, rig.Irq.RisingEdges);           // the line dropped on the write and rose when THR emptied
        Assert.Equal(0xC2, rig.In(UartRig.Iir));
    }

    [Fact]
    public void Disabling_THRE_withdraws_it()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x02);
        rig.Out(UartRig.Ier, 0x00);
        Assert.False(rig.Irq.High);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
    }

    [Fact]
    public void Interrupt_driven_transmission_sends_up_to_sixteen_bytes_per_interrupt()
    {
        var rig = new UartRig();
        rig.Init();
        byte[] message = Enumerable.Range(0, 40).Select(i => (byte)('a' + i % 26)).ToArray();
        int next = 0, interrupts = 0;
        rig.Out(UartRig.Ier, 0x02);
        // A classic handler, run whenever the (edge-latching) PIC has a request: fill the FIFO, or
        // switch THRE off when the message is done.
        while (rig.Irq.TakeRequest())
        {
            interrupts++;
            Assert.True(interrupts < 10);
            Assert.Equal(0xC2, rig.In(UartRig.Iir));
            if (next == message.Length) rig.Out(UartRig.Ier, 0x00);
            for (int n = 0; n < 16 && next < message.Length; n++) rig.Out(UartRig.Thr, message[next++]);
        }
        Assert.Equal(message, rig.Sink.Bytes);
        Assert.Equal(4, interrupts);                    // 16 + 16 + 8 bytes, then the one that ends it
        Assert.False(rig.Irq.High);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
    }

    [Fact]
    public void Interrupt_driven_reception_drains_the_FIFO_on_each_interrupt()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x47, ier: 0x01);                 // trigger level 4
        var got = new List<byte>();
        void Handler()
        {
            byte iir;
            while (((iir = rig.In(UartRig.Iir)) & 0x01) == 0)
            {
                Assert.True(iir is 0xC4 or 0xCC);
                while ((rig.In(UartRig.Lsr) & 0x01) != 0) got.Add(rig.In(UartRig.Rbr));
            }
        }
        rig.Receive(10, 11, 12);
        Assert.False(rig.Irq.High);
        rig.Receive(13);
        Assert.True(rig.Irq.High);
        Handler();
        Assert.False(rig.Irq.High);
        rig.Receive(14);                                // below the trigger: only the timeout will tell
        rig.Uart.ElapseTime(rig.Uart.CharacterTimeoutNanoseconds);
        Assert.True(rig.Irq.High);
        Handler();
        Assert.Equal([10, 11, 12, 13, 14], got);
        Assert.False(rig.Irq.High);
        Assert.Equal(2, rig.Irq.RisingEdges);
    }

    [Fact]
    public void Sources_are_reported_in_priority_order_and_each_is_cleared_its_own_way()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x07);                            // trigger level 1
        for (int i = 0; i < 17; i++) rig.Uart.TryReceive((byte)i); // data and an overrun
        rig.Uart.SetModemInputs(clearToSend: false, dataSetReady: true, ringIndicator: false, dataCarrierDetect: true);
        rig.Out(UartRig.Ier, 0x0F);                     // THRE becomes pending too

        Assert.Equal(0xC6, rig.In(UartRig.Iir));        // receiver line status
        Assert.Equal(0xC6, rig.In(UartRig.Iir));        // reading IIR does not clear it
        rig.In(UartRig.Lsr);
        Assert.Equal(0xC4, rig.In(UartRig.Iir));        // received data available
        for (int i = 0; i < 16; i++) rig.In(UartRig.Rbr);
        Assert.Equal(0xC2, rig.In(UartRig.Iir));        // THR empty, cleared by this read
        Assert.Equal(0xC0, rig.In(UartRig.Iir));        // modem status
        Assert.True(rig.Irq.High);
        Assert.Equal(0xA1, rig.In(UartRig.Msr));        // DCD | DSR, and DCTS because CTS dropped
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        Assert.False(rig.Irq.High);
    }

    [Fact]
    public void Line_status_interrupts_only_when_enabled()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x01);
        for (int i = 0; i < 17; i++) rig.Uart.TryReceive((byte)i);
        Assert.Equal(0xC4, rig.In(UartRig.Iir));        // OE set, but ELSI is off
    }

    /// <summary>
    /// QEMU raises the IRQ whatever MCR.OUT2 says (real PC cards gate it); guests written against
    /// QEMU, xv6 among them, leave OUT2 clear and still expect IRQ 4.
    /// </summary>
    [Fact]
    public void The_IRQ_line_follows_the_pending_interrupt_whatever_OUT2_says_as_in_QEMU()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x07, ier: 0x01);
        rig.Out(UartRig.Mcr, 0x00);                     // what xv6 writes: OUT2 off
        rig.Receive(0x41);
        Assert.Equal(0xC4, rig.In(UartRig.Iir));
        Assert.True(rig.Irq.High);
        rig.In(UartRig.Rbr);
        Assert.False(rig.Irq.High);                    // reading the byte ends the request
    }

    [Fact]
    public void In_loopback_the_receiver_interrupt_reaches_the_line_as_in_QEMU()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x07, ier: 0x01);
        rig.Out(UartRig.Mcr, 0x1B);                     // LOOP
        rig.Out(UartRig.Thr, 0x41);
        Assert.Equal(0xC4, rig.In(UartRig.Iir));
        Assert.True(rig.Irq.High);
        Assert.Equal(0x41, rig.In(UartRig.Rbr));
        Assert.False(rig.Irq.High);
    }

    [Fact]
    public void Modem_status_deltas_follow_the_input_lines()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x08);
        rig.Uart.SetModemInputs(clearToSend: true, dataSetReady: true, ringIndicator: false, dataCarrierDetect: true);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));        // nothing changed
        rig.Uart.SetModemInputs(clearToSend: true, dataSetReady: true, ringIndicator: true, dataCarrierDetect: true);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));        // RI turning on is no trailing edge
        Assert.Equal(0xF0, rig.In(UartRig.Msr));
        rig.Uart.SetModemInputs(clearToSend: true, dataSetReady: true, ringIndicator: false, dataCarrierDetect: false);
        Assert.Equal(0xC0, rig.In(UartRig.Iir));
        Assert.True(rig.Irq.High);
        Assert.Equal(0x3C, rig.In(UartRig.Msr));        // TERI | DDCD, with CTS and DSR still on
        Assert.Equal(0x30, rig.In(UartRig.Msr));        // the read cleared the deltas
        Assert.False(rig.Irq.High);
    }

    [Fact]
    public void In_loopback_changing_an_output_sets_the_matching_delta()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Mcr, 0x10);
        rig.In(UartRig.Msr);                            // forget the deltas of entering loopback
        rig.Out(UartRig.Mcr, 0x12);                     // RTS → CTS
        Assert.Equal(0x11, rig.In(UartRig.Msr));
        rig.Out(UartRig.Mcr, 0x14);                     // RTS off, OUT1 on
        Assert.Equal(0x41, rig.In(UartRig.Msr));        // DCTS, RI on (no TERI yet)
        rig.Out(UartRig.Mcr, 0x10);
        Assert.Equal(0x04, rig.In(UartRig.Msr));        // OUT1 off → TERI
    }

    [Fact]
    public void Reset_lowers_the_line_and_forgets_pending_interrupts()
    {
        var rig = new UartRig();
        rig.Init(ier: 0x02);
        Assert.True(rig.Irq.High);
        rig.Uart.Reset();
        Assert.False(rig.Irq.High);
        Assert.Equal(0x01, rig.In(UartRig.Iir));
        Assert.Equal(0x08, rig.In(UartRig.Mcr));
    }
}
