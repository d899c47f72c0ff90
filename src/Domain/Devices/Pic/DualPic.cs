using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;

namespace HexEmu.Domain.Devices.Pic;

/// <summary>
/// The PC/AT pair of 8259A interrupt controllers: the master at 0x20/0x21 takes IRQ 0–7, the
/// slave at 0xA0/0xA1 takes IRQ 8–15 and drives the master's IR2 (the cascade). The PIIX-style
/// edge/level control registers ELCR1/ELCR2 sit at 0x4D0/0x4D1. It is the CPU's interrupt
/// source: INTR is the master's INT output, and an acknowledge runs the INTA sequence through
/// the cascade.
/// </summary>
public sealed partial class DualPic : IInterruptSource, IPortDevice
{
    public const ushort MasterPort = 0x20;
    public const ushort SlavePort = 0xA0;
    public const ushort ElcrPort = 0x4D0;
    public const int CascadeIrq = 2;
    public const int IrqCount = 16;

    // PIIX ELCR1 bits 0–2 (timer, keyboard, cascade) and ELCR2 bits 0 and 5 (RTC, FPU error) are
    // reserved as edge-triggered; QEMU's masks are the same.
    private const byte MasterElcrWritable = 0xF8;
    private const byte SlaveElcrWritable = 0xDE;

    public Pic8259 Master { get; }
    public Pic8259 Slave { get; }

    private readonly IIrqLine[] _lines = new IIrqLine[IrqCount];

    /// <param name="intr">
    /// Optional: told the master's INT level after every change, for a machine that wants to
    /// react to it. The CPU itself samples <see cref="HasPendingInterrupt"/> between blocks, and
    /// every I/O instruction ends its block, so a request unmasked by an OUT is seen right after it.
    /// </param>
    public DualPic(IIrqLine? intr = null)
    {
        Master = new Pic8259(isMaster: true, MasterElcrWritable, intr);
        Slave = new Pic8259(isMaster: false, SlaveElcrWritable, new CascadeInput(Master));
        for (int irq = 0; irq < IrqCount; irq++) _lines[irq] = new IrqInput(this, irq);
    }

    /// <summary>The line a device drives for IRQ <paramref name="irq"/> (0–15). IRQ 2 is the cascade; ISA's IRQ 2/9 is IRQ 9.</summary>
    public IIrqLine Line(int irq)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(irq);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(irq, IrqCount);
        return _lines[irq];
    }

    /// <summary>Claims the PICs' ports (and the ELCR pair unless told otherwise) on <paramref name="bus"/>.</summary>
    /// <param name="withElcr">False for an ISA-only PC (QEMU's isapc), whose chipset has no edge/level control register.</param>
    public void MapPorts(IoBus bus, bool withElcr = true)
    {
        bus.Map(MasterPort, 2, this);
        bus.Map(SlavePort, 2, this);
        if (withElcr) bus.Map(ElcrPort, 2, this);
    }

    /// <summary>INTR: the master's INT output.</summary>
    public bool HasPendingInterrupt => Master.InterruptRequested;

    /// <summary>
    /// The INTA sequence (datasheet, "Interrupt Sequence", 8086 mode). The master resolves its
    /// highest request; if that is a slave's input, the slave resolves and supplies the vector.
    /// A request gone by the acknowledge gives the spurious IR7 vector of the chip that lost it,
    /// with no ISR bit set there; a slave's spurious interrupt still leaves the master's IR2 in
    /// service, so its handler must EOI the master.
    /// </summary>
    public byte AcknowledgeInterrupt()
    {
        int level = Master.Acknowledge();
        if (level < 0) return Master.VectorFor(Pic8259.SpuriousLevel);
        if (level != CascadeIrq || !Master.IsCascadeInput(level)) return Master.VectorFor(level);
        int slaveLevel = Slave.Acknowledge();
        return Slave.VectorFor(slaveLevel < 0 ? Pic8259.SpuriousLevel : slaveLevel);
    }

    public uint Read(ushort port, int size)
    {
        // A wider access is split into byte cycles on the ISA bus.
        uint value = 0;
        for (int i = 0; i < size; i++) value |= (uint)ReadByte((ushort)(port + i)) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        for (int i = 0; i < size; i++) WriteByte((ushort)(port + i), (byte)(value >> (8 * i)));
    }

    private byte ReadByte(ushort port) => port switch
    {
        MasterPort or MasterPort + 1 => Master.Read(a0: port == MasterPort + 1),
        SlavePort or SlavePort + 1 => Slave.Read(a0: port == SlavePort + 1),
        ElcrPort => Master.Elcr,
        ElcrPort + 1 => Slave.Elcr,
        _ => 0xFF,
    };

    private void WriteByte(ushort port, byte value)
    {
        switch (port)
        {
            case MasterPort or MasterPort + 1: Master.Write(a0: port == MasterPort + 1, value); break;
            case SlavePort or SlavePort + 1: Slave.Write(a0: port == SlavePort + 1, value); break;
            case ElcrPort: Master.Elcr = value; break;
            case ElcrPort + 1: Slave.Elcr = value; break;
        }
    }

    private sealed class IrqInput(DualPic pic, int irq) : IIrqLine
    {
        public void Set(bool high) => (irq < 8 ? pic.Master : pic.Slave).SetInput(irq & 7, high);
    }

    /// <summary>The slave's INT pin wired to the master's IR2.</summary>
    private sealed class CascadeInput(Pic8259 master) : IIrqLine
    {
        public void Set(bool high) => master.SetInput(CascadeIrq, high);
    }
}
