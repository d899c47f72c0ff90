using HexEmu.Domain.Tests.Support;
using static HexEmu.Domain.Tests.CpuTests.AluTestKit;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Shifts and rotates. Defined flags follow the SDM; where it says "undefined" the expectations
/// are the 386's known behaviour worked by hand: AF set by SHL/SHR/SAR, OF by the count-1
/// formula for any count, 8-bit shifts past the width taking CF from bit (count mod 8).
/// </summary>
public class ShiftTests
{
    private const uint All = CF | PF | AF | ZF | SF | OF;

    private static CpuHarness Shift(Action<Iced.Intel.Assembler> program, uint eax, uint ecx = 0, uint status = 0) =>
        Run32(program, c => { c.Gpr[X86Cpu.EAX] = eax; c.Gpr[X86Cpu.ECX] = ecx; c.WithStatus(status); });

    [Theory]
    [InlineData(0xC0u, 0x80u, CF | AF | SF)]       // CF = 1, OF = CF ⊕ MSB = 0
    [InlineData(0x40u, 0x80u, AF | SF | OF)]       // CF = 0, OF = 1
    public void Shl_by_one(uint value, uint result, uint status)
    {
        var h = Shift(a => a.shl(al, 1), value);
        Assert.Equal(result, h.Reg(X86Cpu.EAX));
        Assert.Equal(status, h.Status());
    }

    [Fact]
    public void Shr_by_one_sets_of_to_the_old_sign()
    {
        var h = Shift(a => a.shr(al, 1), 0x81);
        Assert.Equal(0x40u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | AF | OF, h.Status());
    }

    [Fact]
    public void Sar_by_one_keeps_the_sign_and_clears_of()
    {
        var h = Shift(a => a.sar(al, 1), 0x81, status: OF);
        Assert.Equal(0xC0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | SF, h.Status());
    }

    [Fact]
    public void Count_is_masked_to_five_bits()
    {
        var h = Shift(a => a.shl(eax, cl), 1, ecx: 33);
        Assert.Equal(2u, h.Reg(X86Cpu.EAX));
        Assert.Equal(AF, h.Status());
    }

    [Fact]
    public void A_masked_count_of_zero_changes_nothing()
    {
        var h = Shift(a => a.shl(eax, cl), 0x1234, ecx: 32, status: CF | ZF | OF);
        Assert.Equal(0x1234u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | ZF | OF, h.Status());
    }

    [Fact]
    public void Byte_shr_by_16_takes_cf_from_bit_7()
    {
        var h = Shift(a => a.shr(al, cl), 0x80, ecx: 16);
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF, h.Status());
    }

    [Fact]
    public void Byte_shl_by_8_takes_cf_from_bit_0()
    {
        var h = Shift(a => a.shl(al, cl), 0x01, ecx: 8);
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF | OF, h.Status());
    }

    [Fact]
    public void Byte_sar_past_the_width_fills_with_the_sign()
    {
        var h = Shift(a => a.sar(al, cl), 0x80, ecx: 20);
        Assert.Equal(0xFFu, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | SF, h.Status());
    }

    [Fact]
    public void Shl_dword_in_memory()
    {
        var h = CpuHarness.Flat32().Load(a => a.shl(__dword_ptr[CpuHarness.DataAddress], 4));
        h.Poke32(CpuHarness.DataAddress, 0x0F00_0001);
        h.Run(1);
        Assert.Equal(0xF000_0010u, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(AF | SF | OF, h.Status());
    }

    [Fact]
    public void Rol_changes_only_cf_and_of()
    {
        var h = Shift(a => a.rol(al, 1), 0x81, status: ZF);
        Assert.Equal(0x03u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | ZF | OF, h.Status());
    }

    [Fact]
    public void Ror_by_one()
    {
        var h = Shift(a => a.ror(al, 1), 0x01);
        Assert.Equal(0x80u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status());
    }

    [Fact]
    public void Byte_rol_by_8_keeps_the_value_and_sets_cf_from_bit_0()
    {
        var h = Shift(a => a.rol(al, cl), 0x81, ecx: 8, status: OF);
        Assert.Equal(0x81u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF, h.Status());
    }

    [Fact]
    public void Rcl_by_one_rotates_through_carry()
    {
        var h = Shift(a => a.rcl(al, 1), 0x80);
        Assert.Equal(0x00u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status());
    }

    [Fact]
    public void Rcr_by_one_rotates_carry_into_the_top()
    {
        var h = Shift(a => a.rcr(al, 1), 0x01, status: CF);
        Assert.Equal(0x80u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status());
    }

    [Fact]
    public void Byte_rcl_by_9_is_the_identity_but_recomputes_of()
    {
        var h = Shift(a => a.rcl(al, cl), 0x80, ecx: 9);
        Assert.Equal(0x80u, h.Reg(X86Cpu.EAX));
        Assert.Equal(OF, h.Status());
    }

    [Fact]
    public void Word_rcr_by_17_is_the_identity_but_recomputes_of()
    {
        var h = Shift(a => a.rcr(ax, cl), 0x4000, ecx: 17, status: CF);
        Assert.Equal(0x4000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status());
    }

    [Fact]
    public void Dword_rcl_by_4()
    {
        var h = Shift(a => a.rcl(eax, cl), 0x8000_0001, ecx: 4, status: CF);
        Assert.Equal(0x1Cu, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Status() & (CF | OF));
    }

    [Fact]
    public void Shld_dword_by_imm()
    {
        var h = Run32(a => a.shld(eax, edx, 8), c => { c.Gpr[X86Cpu.EAX] = 0x1234_5678; c.Gpr[X86Cpu.EDX] = 0x9ABC_DEF0; });
        Assert.Equal(0x3456_789Au, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status() & (All & ~AF));
    }

    [Fact]
    public void Shrd_dword_by_cl()
    {
        var h = Run32(a => a.shrd(eax, edx, cl), c => { c.Gpr[X86Cpu.EAX] = 0x1234_5678; c.Gpr[X86Cpu.EDX] = 0x9ABC_DEF0; c.Gpr[X86Cpu.ECX] = 4; });
        Assert.Equal(0x0123_4567u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF, h.Status() & (All & ~AF));
    }

    [Fact]
    public void Shld_word_by_16_moves_the_source_in()
    {
        var h = Run32(a => a.shld(ax, dx, 16), c => { c.Gpr[X86Cpu.EAX] = 0x1234; c.Gpr[X86Cpu.EDX] = 0xABCD; });
        Assert.Equal(0xABCDu, h.Reg(X86Cpu.EAX));
        Assert.Equal(SF | OF, h.Status() & (All & ~AF));
    }

    [Fact]
    public void Shrd_with_zero_count_changes_nothing()
    {
        var h = Run32(a => a.shrd(eax, edx, cl), c => { c.Gpr[X86Cpu.EAX] = 0x1234; c.Gpr[X86Cpu.EDX] = 0xFFFF; c.Gpr[X86Cpu.ECX] = 0x20; c.WithStatus(ZF); });
        Assert.Equal(0x1234u, h.Reg(X86Cpu.EAX));
        Assert.Equal(ZF, h.Status());
    }
}
