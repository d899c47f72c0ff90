using HexEmu.Domain.Tests.Support;
using static HexEmu.Domain.Tests.CpuTests.AluTestKit;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>BT/BTS/BTR/BTC (including bit-string addressing), BSF/BSR and SETcc (SDM vol. 2).</summary>
public class BitTests
{
    private const uint Data = CpuHarness.DataAddress;

    [Fact]
    public void Bt_register_with_imm_copies_the_bit_to_cf()
    {
        var h = Run32(a => a.bt(eax, 3), c => c.Gpr[X86Cpu.EAX] = 8);
        Assert.Equal(8u, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF, h.Status() & CF);
    }

    [Fact]
    public void Bts_register_offset_is_taken_modulo_the_width()
    {
        var h = Run32(a => a.bts(eax, ecx), c => { c.Gpr[X86Cpu.EAX] = 0; c.Gpr[X86Cpu.ECX] = 33; c.WithStatus(CF); });
        Assert.Equal(2u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Status() & CF);
    }

    [Fact]
    public void Btr_word_register()
    {
        var h = Run32(a => a.btr(ax, cx), c => { c.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF; c.Gpr[X86Cpu.ECX] = 15; });
        Assert.Equal(0xFFFF_7FFFu, h.Reg(X86Cpu.EAX));
        Assert.Equal(CF, h.Status() & CF);
    }

    [Fact]
    public void Btc_complements_the_bit()
    {
        var h = Run32(a => a.btc(eax, 31), c => c.Gpr[X86Cpu.EAX] = 0);
        Assert.Equal(0x8000_0000u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Status() & CF);
    }

    [Fact]
    public void Bt_leaves_zf_sf_pf_af_alone()
    {
        var h = Run32(a => a.bt(eax, 0), c => { c.Gpr[X86Cpu.EAX] = 1; c.WithStatus(PF | AF | ZF | SF); });
        Assert.Equal(CF | PF | AF | ZF | SF, h.Status() & ~OF);
    }

    [Fact]
    public void Bt_sets_of_as_the_386_does()
    {
        // The 386 leaves OF as a rotate right of the operand by the bit offset would: for
        // 0x0001 by 1 that is 0x8000, whose top two bits differ, so OF = 1.
        var h = Run32(a => a.bt(ax, 1), c => c.Gpr[X86Cpu.EAX] = 1);
        Assert.Equal(OF, h.Status() & (CF | OF));
    }

    [Fact]
    public void Bt_memory_with_register_offset_addresses_past_the_operand()
    {
        var h = CpuHarness.Flat32().Load(a => a.bt(__dword_ptr[Data], ecx));
        h.Poke32(Data, 0xFFFF_FFF7);  // bit 3 of the operand itself is clear
        h.Poke32(Data + 4, 0x8);      // bit 35 of the bit string is set
        h.Cpu.Gpr[X86Cpu.ECX] = 35;
        h.Run(1);
        Assert.Equal(CF, h.Status() & CF);
    }

    [Fact]
    public void Bts_memory_with_negative_offset_addresses_before_the_operand()
    {
        var h = CpuHarness.Flat32().Load(a => a.bts(__dword_ptr[Data], ecx));
        h.Cpu.Gpr[X86Cpu.ECX] = 0xFFFF_FFFF; // −1: bit 31 of the dword below
        h.Run(1);
        Assert.Equal(0x8000_0000u, h.Peek32(Data - 4));
        Assert.Equal(0u, h.Peek32(Data));
        Assert.Equal(0u, h.Status() & CF);
    }

    [Fact]
    public void Btr_word_memory_with_negative_offset()
    {
        var h = CpuHarness.Flat32().Load(a => a.btr(__word_ptr[Data], cx));
        h.Poke32(Data - 4, 0x0001_0000); // the word at Data − 2 has bit 0 set
        h.Cpu.Gpr[X86Cpu.ECX] = 0xFFF0;  // −16: bit 0 of the word below
        h.Run(1);
        Assert.Equal(0u, h.Peek32(Data - 4));
        Assert.Equal(CF, h.Status() & CF);
    }

    [Fact]
    public void Bt_memory_with_imm_offset_stays_in_the_operand()
    {
        var h = CpuHarness.Flat32().Load(a => a.bt(__dword_ptr[Data], 35));
        h.Poke32(Data, 0x8);
        h.Poke32(Data + 4, 0);
        h.Run(1);
        Assert.Equal(CF, h.Status() & CF);
    }

    [Fact]
    public void Bsf_and_bsr_find_the_lowest_and_highest_set_bit()
    {
        var h = Run32(a => { a.bsf(ecx, edx); a.bsr(ebx, edx); }, c => { c.Gpr[X86Cpu.EDX] = 0xF0; c.WithStatus(ZF); }, count: 2);
        Assert.Equal(4u, h.Reg(X86Cpu.ECX));
        Assert.Equal(7u, h.Reg(X86Cpu.EBX));
        Assert.Equal(0u, h.Status() & ZF);
    }

    [Fact]
    public void Bsf_of_zero_sets_zf_and_leaves_the_destination()
    {
        var h = Run32(a => a.bsf(ecx, edx), c => { c.Gpr[X86Cpu.EDX] = 0; c.Gpr[X86Cpu.ECX] = 0xDEAD_BEEF; });
        Assert.Equal(0xDEAD_BEEFu, h.Reg(X86Cpu.ECX));
        Assert.Equal(ZF, h.Status() & ZF);
    }

    [Fact]
    public void Bsr_word_from_memory()
    {
        var h = CpuHarness.Flat32().Load(a => a.bsr(ax, __word_ptr[Data]));
        h.Poke32(Data, 0x8001);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234_0000;
        h.Run(1);
        Assert.Equal(0x1234_000Fu, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Setcc_writes_one_or_zero()
    {
        var h = Run32(a =>
        {
            a.sete(al);   // ZF = 1 → 1
            a.setne(bl);  // → 0
            a.setl(cl);   // SF ≠ OF → 1
            a.setg(dl);   // ZF = 1 → 0
            a.setb(__byte_ptr[Data]); // CF = 0 → 0
            a.setae(__byte_ptr[Data + 1]); // → 1
        }, c =>
        {
            c.Gpr[X86Cpu.EAX] = c.Gpr[X86Cpu.EBX] = c.Gpr[X86Cpu.ECX] = c.Gpr[X86Cpu.EDX] = 0xFFFF_FFFF;
            c.WithStatus(ZF | SF);
        }, count: 6);
        Assert.Equal(0xFFFF_FF01u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_FF00u, h.Reg(X86Cpu.EBX));
        Assert.Equal(0xFFFF_FF01u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0xFFFF_FF00u, h.Reg(X86Cpu.EDX));
        Assert.Equal(0x0100u, h.Peek32(Data) & 0xFFFF);
        Assert.Equal(ZF | SF, h.Status());
    }
}
