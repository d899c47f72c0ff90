using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>What a driver sees at power-on and when it probes the chip (Linux 8250 autoconfig).</summary>
public class UartProbeTests
{
    [Fact]
    public void After_reset_registers_read_as_QEMU_leaves_them()
    {
        var rig = new UartRig();
        Assert.Equal(0x00, rig.In(UartRig.Ier));
        Assert.Equal(0x01, rig.In(UartRig.Iir));          // no interrupt, FIFOs off
        Assert.Equal(0x00, rig.In(UartRig.Lcr));
        Assert.Equal(0x08, rig.In(UartRig.Mcr));          // OUT2, as QEMU resets it
        Assert.Equal(0x60, rig.In(UartRig.Lsr));          // THRE | TEMT
        Assert.Equal(0xB0, rig.In(UartRig.Msr));          // DCD, DSR, CTS; no deltas
        Assert.Equal(0x00, rig.In(UartRig.Scr));
        rig.Out(UartRig.Lcr, 0x80);
        Assert.Equal(12, rig.In(UartRig.Dll) | rig.In(UartRig.Dlm) << 8); // 9600 baud
        Assert.Empty(rig.Irq.Levels);
    }

    [Fact]
    public void Linux_autoconfig_IER_and_scratch_tests_pass()
    {
        var rig = new UartRig();
        // IER holds its low four bits and reads 0 above them.
        rig.Out(UartRig.Ier, 0x00);
        Assert.Equal(0x00, rig.In(UartRig.Ier) & 0x0F);
        rig.Out(UartRig.Ier, 0xFF);
        Assert.Equal(0x0F, rig.In(UartRig.Ier));
        rig.Out(UartRig.Ier, 0x00);
        // The scratch register keeps any pattern.
        foreach (byte pattern in new byte[] { 0xA5, 0x5A, 0x00, 0xFF })
        {
            rig.Out(UartRig.Scr, pattern);
            Assert.Equal(pattern, rig.In(UartRig.Scr));
        }
    }

    [Fact]
    public void Loopback_feeds_the_modem_outputs_back_to_the_status_bits()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Mcr, 0x10 | 0x0A); // LOOP | OUT2 | RTS, the value Linux writes
        Assert.Equal(0x90, rig.In(UartRig.Msr) & 0xF0); // DCD (from OUT2) | CTS (from RTS)
        rig.Out(UartRig.Mcr, 0x10 | 0x05); // LOOP | OUT1 | DTR
        Assert.Equal(0x60, rig.In(UartRig.Msr) & 0xF0); // RI (from OUT1) | DSR (from DTR)
        rig.Out(UartRig.Mcr, 0x10);
        Assert.Equal(0x00, rig.In(UartRig.Msr) & 0xF0);
        rig.Out(UartRig.Mcr, 0x08);
        Assert.Equal(0xB0, rig.In(UartRig.Msr) & 0xF0); // the outside lines again
    }

    [Fact]
    public void MCR_keeps_five_bits()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Mcr, 0xFF);
        Assert.Equal(0x1F, rig.In(UartRig.Mcr));
    }

    [Fact]
    public void FIFOs_are_detected_through_IIR_bits_6_and_7()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Fcr, 0x01);
        Assert.Equal(0xC0, rig.In(UartRig.Iir) & 0xC0);
        // Linux's 16750 test sets FCR bit 5; a 16550A has no 64-byte FIFO, so IIR bit 5 stays 0.
        rig.Out(UartRig.Fcr, 0x21);
        Assert.Equal(0xC1, rig.In(UartRig.Iir));
        rig.Out(UartRig.Fcr, 0x00);
        Assert.Equal(0x01, rig.In(UartRig.Iir));
    }

    [Fact]
    public void With_DLAB_set_offsets_0_and_1_are_the_divisor_latch()
    {
        var rig = new UartRig();
        rig.Out(UartRig.Ier, 0x05);
        rig.Out(UartRig.Lcr, 0x83);
        rig.Out(UartRig.Dll, 0x34);
        rig.Out(UartRig.Dlm, 0x12);
        Assert.Equal(0x34, rig.In(UartRig.Dll));
        Assert.Equal(0x12, rig.In(UartRig.Dlm));
        Assert.Equal(0x83, rig.In(UartRig.Lcr));
        Assert.Empty(rig.Sink.Bytes);                  // writing DLL sent nothing
        rig.Out(UartRig.Lcr, 0x03);
        Assert.Equal(0x05, rig.In(UartRig.Ier));       // IER untouched by the DLM write
        rig.Out(UartRig.Lcr, 0x83);
        Assert.Equal(0x1234, rig.In(UartRig.Dll) | rig.In(UartRig.Dlm) << 8);
    }

    [Fact]
    public void The_four_COM_ports_have_the_PC_resources()
    {
        Assert.Equal([(0x3F8, 4), (0x2F8, 3), (0x3E8, 4), (0x2E8, 3)],
            ComPort.All.Select(p => ((int)p.BasePort, p.Irq)).ToArray());
        Assert.Equal(["COM1", "COM2", "COM3", "COM4"], ComPort.All.Select(p => p.Name).ToArray());
        Assert.Equal(4, ComPort.All.Select(p => p.StateSection).Distinct().Count());
    }

    [Fact]
    public void A_UART_decodes_only_the_low_three_address_bits()
    {
        var rig = new UartRig();
        var com4 = new Uart16550(ComPort.Com4, new RecordingIrqLine(), new RecordingSink());
        rig.Bus.Map(ComPort.Com4.BasePort, ComPort.PortCount, com4);
        rig.Bus.Write(0x2EF, 1, 0x77);
        Assert.Equal(0x77u, rig.Bus.Read(0x2EF, 1));
        Assert.Equal(0x00u, rig.Bus.Read(0x3FF, 1)); // COM1's scratch is its own
    }

    [Fact]
    public void A_word_access_touches_two_consecutive_registers()
    {
        var rig = new UartRig();
        rig.Bus.Write(0x3FE, 2, 0xAB00); // MSR (ignored), SCR = 0xAB
        Assert.Equal(0xAB, rig.In(UartRig.Scr));
        rig.Out(UartRig.Lcr, 0x03);
        Assert.Equal(0x0803u, rig.Bus.Read(UartRig.Lcr, 2)); // LCR, then MCR in the high byte
    }
}
