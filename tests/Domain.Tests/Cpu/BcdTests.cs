using HexEmu.Domain.Tests.Support;
using static HexEmu.Domain.Tests.CpuTests.AluTestKit;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// DAA, DAS, AAA, AAS, AAM, AAD, worked by hand from the SDM pseudo-code. Where the SDM leaves
/// flags undefined the expectations follow the 386: AAA/AAS take SF/ZF/PF/OF from AL ± 6 before
/// masking and carry/borrow into AH (AX ± 0x106); DAA/DAS set OF from the whole adjustment; AAD
/// has the flags of the 8-bit addition AL + AH × base; AAM clears CF, AF, OF.
/// </summary>
public class BcdTests
{
    private static CpuHarness Bcd(Action<Iced.Intel.Assembler> op, uint eax, uint status) =>
        Run32(op, c => { c.Gpr[X86Cpu.EAX] = eax; c.WithStatus(status); });

    [Fact]
    public void Daa_after_79_plus_35()
    {
        var h = Bcd(a => a.daa(), 0xAE, 0); // 0x79 + 0x35 = 0xAE, no carries
        Assert.Equal(0x14u, h.Reg(X86Cpu.EAX)); // 114 decimal: 14 with carry
        Assert.Equal(CF | PF | AF, h.Status());
    }

    [Fact]
    public void Das_after_35_minus_47()
    {
        var h = Bcd(a => a.das(), 0xEE, CF | AF); // 0x35 − 0x47 = 0xEE with borrows
        Assert.Equal(0x88u, h.Reg(X86Cpu.EAX)); // −12 decimal: 88 with borrow
        Assert.Equal(CF | PF | AF | SF, h.Status());
    }

    [Fact]
    public void Daa_sets_of_from_the_whole_adjustment()
    {
        var h = Bcd(a => a.daa(), 0x1A, CF); // + 0x66 → 0x80: a signed overflow
        Assert.Equal(0x80u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | AF | SF | OF, h.Status());
    }

    [Fact]
    public void Aaa_after_9_plus_8()
    {
        var h = Bcd(a => a.aaa(), 0x0011, AF);
        Assert.Equal(0x0107u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF, h.Status());
    }

    [Fact]
    public void Aaa_carries_from_al_into_ah()
    {
        var h = Bcd(a => a.aaa(), 0x05FA, 0); // AX + 0x106 = 0x0700
        Assert.Equal(0x0700u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | ZF, h.Status());
    }

    [Fact]
    public void Aaa_takes_sign_and_overflow_from_al_plus_6()
    {
        var h = Bcd(a => a.aaa(), 0x007A, 0); // 0x7A + 6 = 0x80
        Assert.Equal(0x0100u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | AF | SF | OF, h.Status());
    }

    [Fact]
    public void Aas_borrows_from_ah()
    {
        var h = Bcd(a => a.aas(), 0x0205, AF); // AX − 0x106 = 0x00FF
        Assert.Equal(0x000Fu, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | PF | AF | SF, h.Status());
    }

    [Fact]
    public void Aas_without_adjustment_clears_cf_af()
    {
        var h = Bcd(a => a.aas(), 0x0205, CF);
        Assert.Equal(0x0205u, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status());
    }

    [Fact]
    public void Aam_splits_al_into_digits()
    {
        var h = Bcd(a => a.aam(10), 63, CF | AF | OF);
        Assert.Equal(0x0603u, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status());
    }

    [Fact]
    public void Aam_with_another_base()
    {
        var h = RunBytes32([0xD4, 0x10], c => c.Gpr[X86Cpu.EAX] = 0x3F); // aam 16
        Assert.Equal(0x030Fu, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status());
    }

    [Fact]
    public void Aam_zero_raises_divide_error()
    {
        var h = CpuHarness.RealMode();
        h.Poke32(0, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xF4;
        h.LoadBytes([0xD4, 0x00, 0xF4]);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234;
        h.Run(10);
        Assert.True(h.TookDivideError());
        Assert.Equal(0x1234u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Aad_combines_digits()
    {
        var h = Bcd(a => a.aad(10), 0x0207, 0);
        Assert.Equal(0x001Bu, h.Reg(X86Cpu.EAX));
        Assert.Equal(PF, h.Status());
    }

    [Fact]
    public void Aad_flags_come_from_the_byte_addition()
    {
        var h = Bcd(a => a.aad(10), 0x0D8E, 0); // 0x8E + 13 × 10 (0x82) = 0x110
        Assert.Equal(0x0010u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF | AF | OF, h.Status());
    }
}
