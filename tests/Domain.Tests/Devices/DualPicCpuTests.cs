using HexEmu.Domain.Cpu;
using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>
/// The controllers with the real CPU in real mode: a BIOS-style init through OUT, STI and HLT,
/// a device raising its line, the handler found through the IVT running and ending the interrupt
/// with an EOI, and the program resuming after the HLT.
/// </summary>
public class DualPicCpuTests
{
    private const ushort HandlerOffset = 0x0100;   // in the code segment 0x1000
    private const ushort Counter = 0x0600;         // a word at 0000:0600
    private const ushort LastIsr = 0x0602;         // the handler stores the ISR it saw before its EOI

    private static (CpuHarness H, DualPic Pic) Machine(byte vector, bool slave, bool eoi = true)
    {
        var h = CpuHarness.RealMode();
        var pic = new DualPic();
        pic.MapPorts(h.Io);
        h.Cpu.InterruptSource = pic;
        h.Load(a =>
        {
            // IBM PC/AT BIOS programming: vectors 0x08 and 0x70.
            Out(a, 0x20, 0x11); Out(a, 0x21, 0x08); Out(a, 0x21, 0x04); Out(a, 0x21, 0x01);
            Out(a, 0xA0, 0x11); Out(a, 0xA1, 0x70); Out(a, 0xA1, 0x02); Out(a, 0xA1, 0x01);
            Out(a, 0x21, 0xB8);  // unmask IRQ 0, 1, 2 (cascade), 6
            Out(a, 0xA1, 0xEF);  // unmask IRQ 12
            a.sti();
            var idle = a.CreateLabel();
            a.Label(ref idle);
            a.hlt();
            a.inc(si);           // counts returns from the handler to the idle loop
            a.jmp(idle);
        });
        var handler = new Assembler(16);
        handler.mov(al, 0x0B);
        handler.@out(slave ? (byte)0xA0 : (byte)0x20, al);
        handler.@in(al, slave ? (byte)0xA0 : (byte)0x20);
        handler.mov(__byte_ptr[LastIsr], al);
        handler.inc(__word_ptr[Counter]);
        handler.mov(al, 0x20);
        if (slave && eoi) handler.@out(0xA0, al);
        if (eoi) handler.@out(0x20, al);
        handler.iret();
        var code = new MemoryStream();
        handler.Assemble(new StreamCodeWriter(code), HandlerOffset);
        code.ToArray().CopyTo(h.Memory.Ram[(int)(CpuHarness.CodeAddress + HandlerOffset)..]);
        h.Poke32(vector * 4u, (uint)(CpuHarness.CodeAddress >> 4) << 16 | HandlerOffset);
        return (h, pic);
    }

    private static void Out(Assembler a, byte port, byte value)
    {
        a.mov(al, value);
        a.@out(port, al);
    }

    private static int Word(CpuHarness h, uint address) => BitConverter.ToUInt16(h.Memory.Ram[(int)address..]);

    [Fact]
    public void A_timer_tick_runs_the_IRQ0_handler_which_EOIs_through_OUT()
    {
        var (h, pic) = Machine(vector: 0x08, slave: false);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(0, Word(h, Counter));

        pic.Line(0).Set(true);
        pic.Line(0).Set(false);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(1, Word(h, Counter));
        Assert.Equal(0x01, h.Memory.Ram[LastIsr]);   // IR0 was in service inside the handler
        Assert.Equal(1u, h.Reg(HexEmu.Domain.Cpu.Cpu.ESI)); // resumed after the HLT
        Assert.Equal(0, pic.Master.Isr);             // the EOI ended it
        Assert.False(pic.HasPendingInterrupt);
    }

    [Fact]
    public void Every_tick_after_an_EOI_runs_the_handler_again()
    {
        var (h, pic) = Machine(vector: 0x08, slave: false);
        h.Run(100);
        for (int tick = 1; tick <= 3; tick++)
        {
            pic.Line(0).Set(true);
            pic.Line(0).Set(false);
            Assert.Equal(RunExit.Halted, h.Run(100));
            Assert.Equal(tick, Word(h, Counter));
        }
    }

    [Fact]
    public void A_handler_that_forgets_its_EOI_blocks_its_own_level_but_not_a_higher_one()
    {
        var (h, pic) = Machine(vector: 0x0E, slave: false, eoi: false);
        h.Poke32(0x08 * 4, (uint)(CpuHarness.CodeAddress >> 4) << 16 | HandlerOffset);
        h.Run(100);
        pic.Line(6).Set(true);
        pic.Line(6).Set(false);
        h.Run(100);
        Assert.Equal(1, Word(h, Counter));
        Assert.Equal(0x40, pic.Master.Isr);
        pic.Line(6).Set(true);
        pic.Line(6).Set(false);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(1, Word(h, Counter));          // IR6 still in service: the CPU stays halted
        pic.Line(0).Set(true);
        pic.Line(0).Set(false);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(2, Word(h, Counter));          // IR0 outranks it
        Assert.Equal(0x41, pic.Master.Isr);
    }

    [Fact]
    public void A_mouse_interrupt_comes_through_the_slave_at_vector_0x74()
    {
        var (h, pic) = Machine(vector: 0x74, slave: true);
        h.Run(100);
        pic.Line(12).Set(true);
        pic.Line(12).Set(false);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(1, Word(h, Counter));
        Assert.Equal(0x10, h.Memory.Ram[LastIsr]); // slave IR4 in service
        Assert.Equal(0, pic.Master.Isr);
        Assert.Equal(0, pic.Slave.Isr);
    }

    [Fact]
    public void A_masked_line_does_not_wake_the_halted_CPU()
    {
        var (h, pic) = Machine(vector: 0x0D, slave: false);
        h.Run(100);
        long icount = h.Cpu.Icount;
        pic.Line(5).Set(true);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(icount, h.Cpu.Icount);
        Assert.Equal(0, Word(h, Counter));
    }
}
