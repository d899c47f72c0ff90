using HexEmu.Domain.Devices;
using HexEmu.Domain.Devices.Serial;
using HexEmu.Domain.Io;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

internal sealed class RecordingSink : IByteSink
{
    public List<byte> Bytes { get; } = [];
    public void Write(byte value) => Bytes.Add(value);
}

/// <summary>A UART on COM1 behind an I/O bus, driven through its ports as a guest driver would.</summary>
internal sealed class UartRig
{
    public const ushort Base = 0x3F8;
    public const ushort Rbr = Base, Thr = Base, Dll = Base, Ier = Base + 1, Dlm = Base + 1,
        Iir = Base + 2, Fcr = Base + 2, Lcr = Base + 3, Mcr = Base + 4, Lsr = Base + 5, Msr = Base + 6, Scr = Base + 7;

    public RecordingIrqLine Irq { get; } = new();
    public RecordingSink Sink { get; } = new();
    public IoBus Bus { get; } = new();
    public Uart16550 Uart { get; }

    public UartRig()
    {
        Uart = new Uart16550(ComPort.Com1, Irq, Sink);
        Bus.Map(ComPort.Com1.BasePort, ComPort.PortCount, Uart);
    }

    public byte In(ushort port) => (byte)Bus.Read(port, 1);
    public void Out(ushort port, byte value) => Bus.Write(port, 1, value);

    /// <summary>The usual driver init: 115200 baud (divisor 1), 8N1, FIFOs on and cleared with <paramref name="fcr"/>, DTR|RTS|OUT2.</summary>
    public void Init(byte fcr = 0xC7, byte ier = 0)
    {
        Out(Ier, 0);
        Out(Lcr, 0x80);
        Out(Dll, 1);
        Out(Dlm, 0);
        Out(Lcr, 0x03);
        Out(Fcr, fcr);
        Out(Mcr, 0x0B);
        Out(Ier, ier);
    }

    public void Receive(params byte[] bytes)
    {
        foreach (byte b in bytes) Assert.True(Uart.TryReceive(b));
    }
}
