using HexEmu.Domain.Tests.Support;
using static HexEmu.Domain.Tests.CpuTests.AluTestKit;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>AND, OR, XOR, TEST, NOT: CF and OF cleared, SF/ZF/PF from the result (SDM vol. 2).</summary>
public class LogicTests
{
    private const uint Defined = CF | PF | ZF | SF | OF;

    [Fact]
    public void And_clears_carry_and_overflow()
    {
        var h = Run32(a => a.and(eax, edx), c =>
        {
            c.Gpr[X86Cpu.EAX] = 0xF0F0_F0F0;
            c.Gpr[X86Cpu.EDX] = 0x0FF0_0FF0;
            c.WithStatus(CF | OF);
        });
        Assert.Equal(0x00F0_00F0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status() & Defined);
    }

    [Fact]
    public void Or_byte_sets_sign()
    {
        var h = Run32(a => a.or(al, 0x80), c => c.Gpr[X86Cpu.EAX] = 0x1);
        Assert.Equal(0x81u, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF | SF, h.Status() & Defined);
    }

    [Fact]
    public void Xor_with_itself_zeroes()
    {
        var h = Run32(a => a.xor(eax, eax), c => { c.Gpr[X86Cpu.EAX] = 0x1234; c.WithStatus(CF | SF | OF); });
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF | ZF, h.Status() & Defined);
    }

    [Fact]
    public void Test_sets_flags_without_writing()
    {
        var h = Run32(a => a.test(cl, 0x80), c => c.Gpr[X86Cpu.ECX] = 0x80);
        Assert.Equal(0x80u, h.Reg(X86Cpu.ECX));
        Assert.Equal(SF, h.Status() & Defined);
    }

    [Fact]
    public void Test_alias_F6_reg_1_is_test_imm8()
    {
        // F6 C9 01: F6 /1 (an undocumented alias of F6 /0): test cl, 1
        var h = RunBytes32([0xF6, 0xC9, 0x01], c => c.Gpr[X86Cpu.ECX] = 2);
        Assert.Equal(2u, h.Reg(X86Cpu.ECX));
        Assert.Equal(PF | ZF, h.Status() & Defined);
    }

    [Fact]
    public void And_byte_in_memory()
    {
        var h = CpuHarness.Flat32().Load(a => a.and(__byte_ptr[CpuHarness.DataAddress], 0x0F));
        h.Poke32(CpuHarness.DataAddress, 0x5555_55AB);
        h.Run(1);
        Assert.Equal(0x5555_550Bu, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(0u, h.Status() & Defined);
    }

    [Fact]
    public void Not_changes_no_flags()
    {
        var h = CpuHarness.Flat32().Load(a => a.not(__word_ptr[CpuHarness.DataAddress]));
        h.Poke32(CpuHarness.DataAddress, 0x7777_1234);
        h.Cpu.WithStatus(CF | PF | AF | ZF | SF | OF);
        h.Run(1);
        Assert.Equal(0x7777_EDCBu, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(CF | PF | AF | ZF | SF | OF, h.Status());
    }
}
