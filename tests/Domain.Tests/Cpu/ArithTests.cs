using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using static HexEmu.Domain.Tests.CpuTests.AluTestKit;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// ADD, ADC, SUB, SBB, CMP, INC, DEC, NEG, MUL, IMUL, DIV, IDIV. Expected values are worked by
/// hand from the SDM definitions (CF = carry/borrow out, OF = signed overflow, AF = carry out of
/// bit 3, PF = even parity of the low byte).
/// </summary>
public class ArithTests
{
    [Fact]
    public void Add_sets_overflow_sign_and_adjust_on_0x7F_plus_1()
    {
        var h = Run32(a => a.add(al, 1), c => c.Gpr[X86Cpu.EAX] = 0x1234_567F);
        Assert.Equal(0x1234_5680u, h.Reg(X86Cpu.EAX));
        Assert.Equal(AF | SF | OF, h.Status());
    }

    [Fact]
    public void Add_wrapping_to_zero_sets_carry_zero_parity_adjust()
    {
        var h = Run32(a => a.add(eax, 1), c => c.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF);
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF, h.Status());
    }

    [Fact]
    public void Adc_adds_the_carry()
    {
        var h = Run32(a => a.adc(al, 0), c => { c.Gpr[X86Cpu.EAX] = 0xFF; c.WithStatus(CF); });
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF, h.Status());
    }

    [Fact]
    public void Sub_16_bit_overflows_from_most_negative_and_keeps_upper_half()
    {
        var h = Run32(a => a.sub(ax, 1), c => c.Gpr[X86Cpu.EAX] = 0x1234_8000);
        Assert.Equal(0x1234_7FFFu, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF | AF | OF, h.Status());
    }

    [Fact]
    public void Sbb_subtracts_the_borrow()
    {
        var h = Run32(a => a.sbb(al, 0), c => { c.Gpr[X86Cpu.EAX] = 0; c.WithStatus(CF); });
        Assert.Equal(0xFFu, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | SF, h.Status());
    }

    [Fact]
    public void Cmp_sets_flags_without_writing()
    {
        var h = Run32(a => a.cmp(ecx, edx), c => { c.Gpr[X86Cpu.ECX] = 5; c.Gpr[X86Cpu.EDX] = 7; });
        Assert.Equal(5u, h.Reg(X86Cpu.ECX));
        Assert.Equal(CF | AF | SF, h.Status());
    }

    [Fact]
    public void Add_memory_with_sign_extended_imm8()
    {
        // 83 05 00000200 FF: add dword [0x20000], -1
        var h = CpuHarness.Flat32().LoadBytes([0x83, 0x05, 0x00, 0x00, 0x02, 0x00, 0xFF]);
        h.Poke32(CpuHarness.DataAddress, 5);
        h.Run(1);
        Assert.Equal(4u, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(CF | AF, h.Status());
    }

    [Fact]
    public void Opcode_82_is_an_alias_of_80_in_32_bit_code()
    {
        // 82 C0 05: add al, 5
        var h = RunBytes32([0x82, 0xC0, 0x05], c => c.Gpr[X86Cpu.EAX] = 0xFB);
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF, h.Status());
    }

    [Fact]
    public void Lock_prefixed_add_to_memory_behaves_as_unlocked()
    {
        // F0 01 05 00000200: lock add [0x20000], eax
        var h = CpuHarness.Flat32().LoadBytes([0xF0, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00]);
        h.Poke32(CpuHarness.DataAddress, 0x10);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x20;
        h.Run(1);
        Assert.Equal(0x30u, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(PF, h.Status());
    }

    [Fact]
    public void Inc_keeps_carry_and_overflows_at_max_positive()
    {
        var h = Run32(a => a.inc(eax), c => { c.Gpr[X86Cpu.EAX] = 0x7FFF_FFFF; c.WithStatus(CF); });
        Assert.Equal(0x8000_0000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | SF | OF, h.Status());
    }

    [Fact]
    public void Dec_short_form_0x49_keeps_carry_clear()
    {
        var h = RunBytes32([0x49], c => c.Gpr[X86Cpu.ECX] = 0);
        Assert.Equal(0xFFFF_FFFFu, h.Reg(X86Cpu.ECX));
        Assert.Equal(PF | AF | SF, h.Status());
    }

    [Fact]
    public void Dec_word_in_memory()
    {
        var h = CpuHarness.Flat32().Load(a => a.dec(__word_ptr[CpuHarness.DataAddress]));
        h.Poke32(CpuHarness.DataAddress, 0xAAAA_0001);
        h.Run(1);
        Assert.Equal(0xAAAA_0000u, h.Peek32(CpuHarness.DataAddress));
        Assert.Equal(PF | ZF, h.Status());
    }

    [Theory]
    [InlineData(0x00u, 0x00u, PF | ZF)]
    [InlineData(0x80u, 0x80u, CF | SF | OF)]
    [InlineData(0x01u, 0xFFu, CF | PF | AF | SF)]
    public void Neg_byte(uint value, uint result, uint status)
    {
        var h = Run32(a => a.neg(al), c => c.Gpr[X86Cpu.EAX] = value);
        Assert.Equal(result, h.Reg(X86Cpu.EAX));
        Assert.Equal(status, h.Status() & (CF | PF | AF | ZF | SF | OF));
    }

    [Fact]
    public void Mul_byte_writes_ax_and_flags_significant_high_half()
    {
        var h = Run32(a => a.mul(bl), c => { c.Gpr[X86Cpu.EAX] = 0xABCD_0080; c.Gpr[X86Cpu.EBX] = 2; });
        Assert.Equal(0xABCD_0100u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Mul_word_writes_dx_ax()
    {
        var h = Run32(a => a.mul(cx), c => { c.Gpr[X86Cpu.EAX] = 0x100; c.Gpr[X86Cpu.ECX] = 0x100; c.Gpr[X86Cpu.EDX] = 0xFFFF_FFFF; });
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_0001u, h.Reg(X86Cpu.EDX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Mul_dword_writes_edx_eax()
    {
        var h = Run32(a => a.mul(ecx), c => { c.Gpr[X86Cpu.EAX] = 0x1_0000; c.Gpr[X86Cpu.ECX] = 0x1_0000; });
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(1u, h.Reg(X86Cpu.EDX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Mul_without_significant_high_half_clears_cf_of()
    {
        var h = Run32(a => a.mul(ecx), c => { c.Gpr[X86Cpu.EAX] = 3; c.Gpr[X86Cpu.ECX] = 5; c.WithStatus(CF | OF); });
        Assert.Equal(15u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Reg(X86Cpu.EDX));
        Assert.Equal(0u, h.Status() & (CF | OF));
    }

    [Fact]
    public void Imul_one_operand_word_sign_extends_into_dx()
    {
        var h = Run32(a => a.imul(cx), c => { c.Gpr[X86Cpu.EAX] = 0xFFFE; c.Gpr[X86Cpu.ECX] = 3; c.WithStatus(CF | OF); });
        Assert.Equal(0xFFFAu, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFFu, h.Reg(X86Cpu.EDX));
        Assert.Equal(0u, h.Status() & (CF | OF));
    }

    [Fact]
    public void Imul_one_operand_byte_overflows_at_plus_128()
    {
        var h = Run32(a => a.imul(bl), c => { c.Gpr[X86Cpu.EAX] = 0x80; c.Gpr[X86Cpu.EBX] = 0xFF; });
        Assert.Equal(0x0080u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Imul_two_operand_truncates_and_flags_overflow()
    {
        var h = Run32(a => a.imul(eax, ecx), c => { c.Gpr[X86Cpu.EAX] = 0x4000_0000; c.Gpr[X86Cpu.ECX] = 2; });
        Assert.Equal(0x8000_0000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Imul_three_operand_with_negative_imm8()
    {
        var h = Run32(a => a.imul(eax, ecx, -3), c => { c.Gpr[X86Cpu.ECX] = 5; c.WithStatus(CF | OF); });
        Assert.Equal(0xFFFF_FFF1u, h.Reg(X86Cpu.EAX));
        Assert.Equal(5u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0u, h.Status() & (CF | OF));
    }

    [Fact]
    public void Imul_three_operand_word_with_imm16()
    {
        var h = Run32(a => a.imul(ax, cx, 0x1000), c => { c.Gpr[X86Cpu.EAX] = 0xABCD_1234; c.Gpr[X86Cpu.ECX] = 0x10; });
        Assert.Equal(0xABCD_0000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Div_byte_puts_quotient_in_al_and_remainder_in_ah()
    {
        var h = RunRealWithDivideHandler(a => { a.div(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 1000; c.Gpr[X86Cpu.EBX] = 7; });
        Assert.False(h.TookDivideError());
        Assert.Equal(0x068Eu, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Div_word_and_dword()
    {
        var h = RunRealWithDivideHandler(a => { a.div(cx); a.div(ebx); a.hlt(); }, c =>
        {
            c.Gpr[X86Cpu.EDX] = 0x0001;
            c.Gpr[X86Cpu.EAX] = 0x0005;   // 65541 / 256 = 256 rem 5
            c.Gpr[X86Cpu.ECX] = 0x100;
            c.Gpr[X86Cpu.EBX] = 0x10;     // then (5 << 32 | 256) / 16
        });
        Assert.False(h.TookDivideError());
        ulong dividend = (5UL << 32) | 0x100;
        Assert.Equal((uint)(dividend / 16), h.Reg(X86Cpu.EAX));
        Assert.Equal((uint)(dividend % 16), h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Div_by_zero_raises_divide_error_before_changing_anything()
    {
        var h = RunRealWithDivideHandler(a => { a.div(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 0x1234; c.Gpr[X86Cpu.EBX] = 0; });
        Assert.True(h.TookDivideError());
        Assert.Equal(0x1234u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFEAu, h.Reg(X86Cpu.ESP));
        Assert.Equal(0, BitConverter.ToUInt16(h.Memory.Ram[0xFFEA..])); // IP of the DIV itself
    }

    [Fact]
    public void Div_quotient_overflow_raises_divide_error()
    {
        var h = RunRealWithDivideHandler(a => { a.div(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 0x1000; c.Gpr[X86Cpu.EBX] = 0x10; });
        Assert.True(h.TookDivideError());
        Assert.Equal(0x1000u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Idiv_byte_allows_the_most_negative_quotient()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 0xFF00; c.Gpr[X86Cpu.EBX] = 2; });
        Assert.False(h.TookDivideError());
        Assert.Equal(0x0080u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Idiv_byte_faults_on_plus_128()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 0x0100; c.Gpr[X86Cpu.EBX] = 2; });
        Assert.True(h.TookDivideError());
        Assert.Equal(0x0100u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Idiv_truncates_toward_zero_and_remainder_takes_dividend_sign()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(bl); a.hlt(); }, c => { c.Gpr[X86Cpu.EAX] = 0xFFF9; c.Gpr[X86Cpu.EBX] = 2; });
        Assert.False(h.TookDivideError());
        Assert.Equal(0xFFFDu, h.Reg(X86Cpu.EAX)); // AL = −3, AH = −1
    }

    [Fact]
    public void Idiv_word_allows_minus_32768()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(cx); a.hlt(); }, c => { c.Gpr[X86Cpu.EDX] = 0xFFFF; c.Gpr[X86Cpu.EAX] = 0; c.Gpr[X86Cpu.ECX] = 2; });
        Assert.False(h.TookDivideError());
        Assert.Equal(0x8000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Idiv_dword_most_negative_by_minus_one_faults()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(ecx); a.hlt(); }, c =>
        {
            c.Gpr[X86Cpu.EDX] = 0x8000_0000;
            c.Gpr[X86Cpu.EAX] = 0;
            c.Gpr[X86Cpu.ECX] = 0xFFFF_FFFF;
        });
        Assert.True(h.TookDivideError());
        Assert.Equal(0x8000_0000u, h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Idiv_dword_negative_dividend()
    {
        var h = RunRealWithDivideHandler(a => { a.idiv(ecx); a.hlt(); }, c =>
        {
            c.Gpr[X86Cpu.EDX] = 0xFFFF_FFFF;
            c.Gpr[X86Cpu.EAX] = 0xFFFF_FFF9; // −7
            c.Gpr[X86Cpu.ECX] = 2;
        });
        Assert.False(h.TookDivideError());
        Assert.Equal(0xFFFF_FFFDu, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_FFFFu, h.Reg(X86Cpu.EDX));
    }
}

/// <summary>Every 16/32-bit encoding of the ALU groups reaches a handler (none falls to #UD).</summary>
public class AluDispatchTests
{
    private static readonly Iced.Intel.Mnemonic[] AluMnemonics =
    [
        Iced.Intel.Mnemonic.Add, Iced.Intel.Mnemonic.Adc, Iced.Intel.Mnemonic.Sub, Iced.Intel.Mnemonic.Sbb,
        Iced.Intel.Mnemonic.Cmp, Iced.Intel.Mnemonic.And, Iced.Intel.Mnemonic.Or, Iced.Intel.Mnemonic.Xor,
        Iced.Intel.Mnemonic.Test, Iced.Intel.Mnemonic.Inc, Iced.Intel.Mnemonic.Dec, Iced.Intel.Mnemonic.Neg,
        Iced.Intel.Mnemonic.Not, Iced.Intel.Mnemonic.Mul, Iced.Intel.Mnemonic.Imul, Iced.Intel.Mnemonic.Div,
        Iced.Intel.Mnemonic.Idiv, Iced.Intel.Mnemonic.Shl, Iced.Intel.Mnemonic.Sal, Iced.Intel.Mnemonic.Shr,
        Iced.Intel.Mnemonic.Sar, Iced.Intel.Mnemonic.Rol, Iced.Intel.Mnemonic.Ror, Iced.Intel.Mnemonic.Rcl,
        Iced.Intel.Mnemonic.Rcr, Iced.Intel.Mnemonic.Shld, Iced.Intel.Mnemonic.Shrd, Iced.Intel.Mnemonic.Bt,
        Iced.Intel.Mnemonic.Bts, Iced.Intel.Mnemonic.Btr, Iced.Intel.Mnemonic.Btc, Iced.Intel.Mnemonic.Bsf,
        Iced.Intel.Mnemonic.Bsr, Iced.Intel.Mnemonic.Daa, Iced.Intel.Mnemonic.Das, Iced.Intel.Mnemonic.Aaa,
        Iced.Intel.Mnemonic.Aas, Iced.Intel.Mnemonic.Aam, Iced.Intel.Mnemonic.Aad, Iced.Intel.Mnemonic.Sete,
        Iced.Intel.Mnemonic.Setg,
    ];

    [Fact]
    public void Every_legacy_16_and_32_bit_encoding_is_registered()
    {
        var missing = new List<string>();
        foreach (var code in Enum.GetValues<Iced.Intel.Code>())
        {
            var info = code.ToOpCode();
            if (info.Encoding != Iced.Intel.EncodingKind.Legacy || !(info.Mode16 || info.Mode32)) continue;
            if (Array.IndexOf(AluMnemonics, code.Mnemonic()) < 0) continue;
            if (!HexEmu.Domain.Cpu.DispatchTable.IsImplemented(code)) missing.Add(code.ToString());
        }
        Assert.Empty(missing);
        Assert.True(HexEmu.Domain.Cpu.DispatchTable.IsImplemented(Iced.Intel.Code.Add_rm8_imm8_82));
        Assert.True(HexEmu.Domain.Cpu.DispatchTable.IsImplemented(Iced.Intel.Code.Test_rm8_imm8_F6r1));
        Assert.True(HexEmu.Domain.Cpu.DispatchTable.IsImplemented(Iced.Intel.Code.Sal_rm32_CL));
    }
}
