using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// x87 opcodes on a CPU with no FPU (SDM vol. 3, 9.2.2 table 9-2): ESC raises #NM when CR0.EM
/// or CR0.TS is set and otherwise reaches no coprocessor; WAIT raises #NM when TS and MP are set.
/// </summary>
public class X87Tests
{
    [Fact]
    public void Without_em_or_ts_escape_opcodes_do_nothing_so_the_classic_fpu_probe_finds_no_fpu()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.fninit();
            a.fnstsw(__word_ptr[0x500]);
            a.fld(__dword_ptr[0x600]);
            a.hlt();
        });
        h.Cpu.Cr0 &= ~(CR0.EM | CR0.TS);
        h.Poke16(0x500, 0x5A5A);
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(4, h.Cpu.Icount);
        Assert.Equal(0x5A5A, h.Peek16(0x500)); // no FPU stored a status word
    }

    [Fact]
    public void Escape_opcodes_raise_nm_when_em_or_ts_is_set()
    {
        foreach (uint bits in new[] { CR0.EM, CR0.TS, CR0.EM | CR0.TS | CR0.MP })
        {
            var h = CpuHarness.RealMode().TrapAll().Load(a => a.fnstsw(__word_ptr[0x500]));
            h.Cpu.Cr0 |= bits;
            h.Poke16(0x500, 0x5A5A);
            h.Run(2);
            Assert.Equal(Vector.NM, h.TrappedVector());
            Assert.Equal(0, h.Peek16(0xFFF0 - 6)); // a fault: returns to the ESC instruction
        }
    }

    [Fact]
    public void Wait_raises_nm_only_when_ts_and_mp_are_both_set()
    {
        foreach (var (bits, faults) in new[] { (CR0.TS | CR0.MP, true), (CR0.TS, false), (CR0.EM | CR0.MP, false) })
        {
            var h = CpuHarness.RealMode().TrapAll();
            h.LoadBytes([0x9B, 0xF4]); // wait; hlt
            h.Cpu.Cr0 |= bits;
            h.Run(2);
            if (faults) Assert.Equal(Vector.NM, h.TrappedVector());
            else Assert.Equal(2u, h.Cpu.Eip);
        }
    }

    [Fact]
    public void Every_x87_encoding_has_a_handler()
    {
        foreach (var code in new[] { Code.Fninit, Code.Fld_m80fp, Code.Fcmovb_st0_sti, Code.Fisttp_m16int, Code.Fnop, Code.Fnstsw_AX, Code.Wait })
            Assert.True(DispatchTable.IsImplemented(code), code.ToString());
        // And nothing outside D8–DF got swept in.
        Assert.False(DispatchTable.IsImplemented(Code.Nop_rm16));
    }
}
