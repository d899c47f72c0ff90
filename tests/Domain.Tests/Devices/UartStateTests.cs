using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.State;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>ARCHITECTURE.md §4 invariants for the UART: save→load→save is byte-identical and a reloaded UART behaves the same.</summary>
public class UartStateTests
{
    private static byte[] Save(Uart16550 uart)
    {
        var w = new StateWriter();
        uart.SaveState(w);
        return w.ToArray();
    }

    /// <summary>A UART with something in every saved field: divisor, FIFOs with a break, latched errors, deltas, an armed timeout.</summary>
    private static UartRig Busy()
    {
        var rig = new UartRig();
        rig.Init(fcr: 0x8F, ier: 0x0F);                 // trigger 8, DMA mode bit
        rig.Out(UartRig.Lcr, 0x80);
        rig.Out(UartRig.Dll, 0x34);
        rig.Out(UartRig.Dlm, 0x02);
        rig.Out(UartRig.Lcr, 0x1B);
        rig.Out(UartRig.Scr, 0x5C);
        rig.Out(UartRig.Mcr, 0x0D);
        rig.Receive(1, 2, 3);
        rig.Uart.ReceiveBreak();
        rig.Receive(5);
        rig.In(UartRig.Rbr);                            // the ring no longer starts at slot 0
        rig.Uart.SetModemInputs(clearToSend: false, dataSetReady: true, ringIndicator: true, dataCarrierDetect: false);
        rig.Uart.ElapseTime(1000);
        return rig;
    }

    /// <summary>Everything a guest can observe, read in a fixed order (reads have side effects, so run it on both copies alike).</summary>
    private static List<int> Observe(UartRig rig)
    {
        var seen = new List<int>();
        int levelsBefore = rig.Irq.Levels.Count;
        seen.Add(rig.Uart.IrqLevel ? 1 : 0);
        rig.Uart.ElapseTime(rig.Uart.NanosecondsUntilCharacterTimeout ?? 0);
        seen.Add(rig.Uart.IrqLevel ? 1 : 0);
        for (int i = 0; i < 8; i++)
        {
            seen.Add(rig.In(UartRig.Iir));
            seen.Add(rig.In(UartRig.Lsr));
            seen.Add(rig.In(UartRig.Msr));
            seen.Add(rig.In(UartRig.Rbr));
        }
        seen.AddRange([rig.In(UartRig.Ier), rig.In(UartRig.Lcr), rig.In(UartRig.Mcr), rig.In(UartRig.Scr)]);
        rig.Out(UartRig.Lcr, 0x9B);
        seen.AddRange([rig.In(UartRig.Dll), rig.In(UartRig.Dlm)]);
        rig.Out(UartRig.Lcr, 0x1B);
        rig.Out(UartRig.Thr, 0x99);
        seen.Add(rig.Sink.Bytes.Count);
        seen.AddRange(rig.Irq.Levels.Skip(levelsBefore).Select(l => l ? 1 : 0)); // how the line moved
        return seen;
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        var state = Save(Busy().Uart);
        var copy = new UartRig();
        copy.Uart.LoadState(new StateReader(state));
        Assert.Equal(state, Save(copy.Uart));
    }

    [Fact]
    public void A_reloaded_UART_behaves_like_the_original()
    {
        var original = Busy();
        var copy = new UartRig();
        copy.Uart.LoadState(new StateReader(Save(original.Uart)));
        Assert.Equal(original.Uart.NanosecondsUntilCharacterTimeout, copy.Uart.NanosecondsUntilCharacterTimeout);
        Assert.Equal(original.Uart.IrqLevel, copy.Uart.IrqLevel);

        Assert.Equal(Observe(original), Observe(copy));
        Assert.Equal(original.Sink.Bytes, copy.Sink.Bytes);
    }

    [Fact]
    public void Each_COM_port_has_its_own_section()
    {
        var w = new StateWriter();
        foreach (var port in ComPort.All)
            new Uart16550(port, new RecordingIrqLine(), new RecordingSink()).SaveState(w);
        var r = new StateReader(w.ToArray());
        Assert.Equal(["serial0", "serial1", "serial2", "serial3"], r.SectionNames);
    }

    [Fact]
    public void A_malformed_section_is_rejected_and_leaves_the_UART_unchanged()
    {
        var rig = Busy();
        var before = Save(rig.Uart);
        var bad = (byte[])before.Clone();
        int payload = 4 + 2 + 1 + "serial0".Length + 2 + 4;
        bad[payload + 2] = 0xF0;                        // IER with undefined bits
        Assert.Throws<StateFormatException>(() => rig.Uart.LoadState(new StateReader(bad)));
        Assert.Equal(before, Save(rig.Uart));
    }
}
