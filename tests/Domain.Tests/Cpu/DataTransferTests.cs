using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// MOV, MOVZX/MOVSX, XCHG, PUSH/POP, PUSHA/POPA, LEA, CBW family, XLAT, LxS, BSWAP, XADD,
/// CMPXCHG, CMPXCHG8B, CMOVcc. Expected values are worked by hand from the SDM's definitions.
/// </summary>
public class DataTransferTests
{
    // ---- segment register moves ----

    [Fact]
    public void Mov_to_segment_register_in_real_mode_sets_the_base_from_the_selector()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.mov(ax, 0x1234);
            a.mov(ds, ax);
            a.mov(bx, __word_ptr[0x10]);
        });
        h.Poke16(0x12340 + 0x10, 0xBEEF);
        h.Run(3);
        Assert.Equal(0x1234, h.Cpu.Segs[Seg.DS].Selector);
        Assert.Equal(0x12340u, h.Cpu.Segs[Seg.DS].Base);
        Assert.Equal(0xBEEFu, h.Reg(X86Cpu.EBX) & 0xFFFF);
    }

    [Fact]
    public void Mov_to_cs_is_an_invalid_opcode()
    {
        var h = CpuHarness.RealMode().TrapAll();
        h.LoadBytes([0x8E, 0xC8]); // mov cs, ax
        Assert.Equal(RunExit.Halted, h.Run(5));
        Assert.Equal(Vector.UD, h.TrappedVector());
        Assert.Equal(1, h.Cpu.Icount); // only the handler's HLT retired
    }

    /// <summary>A fake PIC whose interrupt becomes pending once the CPU has retired <c>from</c> instructions.</summary>
    private sealed class PendingAfter(X86Cpu cpu, long from, byte vector) : IInterruptSource
    {
        public bool Taken;
        public bool HasPendingInterrupt => !Taken && cpu.Icount >= from;
        public byte AcknowledgeInterrupt() { Taken = true; return vector; }
    }

    [Fact]
    public void Mov_ss_holds_off_interrupts_until_after_the_next_instruction()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a =>
        {
            a.mov(ss, ax);      // 2 bytes, IP 0
            a.mov(sp, 0x8000);  // 3 bytes, IP 2
            a.nop();            // IP 5: the interrupt must return here
        });
        h.Cpu.Gpr[X86Cpu.EAX] = 0;
        h.Cpu.Eflags |= Flags.IF;
        h.Cpu.InterruptSource = new PendingAfter(h.Cpu, 1, 0x10); // due right after MOV SS
        h.Poke32(0x10 * 4, 0x3000_0000u | 0x1F); // vector 0x10 → the HLT at 3000:1F
        h.Run(10);
        Assert.Equal(0x1F + 1u, h.Cpu.Eip);
        Assert.Equal(0x8000u - 6, h.Reg(X86Cpu.ESP));
        Assert.Equal(5, h.Peek16(0x8000 - 6)); // return IP: after MOV SP, not after MOV SS
    }

    [Fact]
    public void Mov_from_segment_register_zero_extends_into_32_bit_registers_and_writes_a_word_to_memory()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.mov(eax, ds);
            a.mov(__word_ptr[0x20000], es);
            a.mov(bx, ss); // 66 8C D3: only BX changes
        });
        h.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF;
        h.Cpu.Gpr[X86Cpu.EBX] = 0xAAAA_5555;
        h.Poke32(0x20000, 0xFFFF_FFFF);
        h.Run(3);
        Assert.Equal(0x10u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_0010u, h.Peek32(0x20000));
        Assert.Equal(0xAAAA_0010u, h.Reg(X86Cpu.EBX));
    }

    // ---- extension, exchange, address ----

    [Fact]
    public void Movzx_and_movsx_extend_bytes_and_words()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.movzx(eax, bl);
            a.movsx(ecx, bl);
            a.movsx(edx, __word_ptr[0x20000]);
            a.movzx(si, bl);
            a.movsx(di, bl);
        });
        h.Cpu.Gpr[X86Cpu.EBX] = 0x1234_5685;
        h.Cpu.Gpr[X86Cpu.ESI] = 0xFFFF_FFFF;
        h.Cpu.Gpr[X86Cpu.EDI] = 0x1111_1111;
        h.Poke32(0x20000, 0x0000_8001);
        h.Run(5);
        Assert.Equal(0x85u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_FF85u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0xFFFF_8001u, h.Reg(X86Cpu.EDX));
        Assert.Equal(0xFFFF_0085u, h.Reg(X86Cpu.ESI));
        Assert.Equal(0x1111_FF85u, h.Reg(X86Cpu.EDI));
    }

    [Fact]
    public void Xchg_swaps_registers_and_memory_and_nop_changes_nothing()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.xchg(ebx, ecx);
            a.xchg(__dword_ptr[0x20000], edx);
            a.xchg(ah, al);
            a.nop();
        });
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1122_3344;
        h.Cpu.Gpr[X86Cpu.EBX] = 1;
        h.Cpu.Gpr[X86Cpu.ECX] = 2;
        h.Cpu.Gpr[X86Cpu.EDX] = 0xDDDD_DDDD;
        h.Poke32(0x20000, 0x1234_5678);
        h.Run(4);
        Assert.Equal(2u, h.Reg(X86Cpu.EBX));
        Assert.Equal(1u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0x1234_5678u, h.Reg(X86Cpu.EDX));
        Assert.Equal(0xDDDD_DDDDu, h.Peek32(0x20000));
        Assert.Equal(0x1122_4433u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Lea_computes_the_offset_with_16_bit_wraparound_and_truncates_to_the_operand_size()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.lea(ax, __[bx + si + 0x10]);
            a.lea(edx, __[ebx + ecx * 4 + 8]);
        });
        h.Cpu.Gpr[X86Cpu.EBX] = 0xFFF0;
        h.Cpu.Gpr[X86Cpu.ESI] = 0x0020;
        h.Cpu.Gpr[X86Cpu.ECX] = 0x1000_0000;
        h.Cpu.Gpr[X86Cpu.EAX] = 0xABCD_0000;
        h.Run(2);
        Assert.Equal(0xABCD_0020u, h.Reg(X86Cpu.EAX)); // (FFF0 + 20 + 10) mod 10000h
        Assert.Equal(0x4001_0000u - 0x10000 + 0xFFF8, h.Reg(X86Cpu.EDX)); // FFF0 + 40000000 + 8
    }

    [Fact]
    public void Cbw_cwde_cwd_cdq_sign_extend_the_accumulator()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.cbw();
            a.cwde();
            a.cdq();
            a.mov(eax, 0x0000_7FFF);
            a.cwd();
        });
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234_5680;
        h.Run(3);
        Assert.Equal(0xFFFF_FF80u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0xFFFF_FFFFu, h.Reg(X86Cpu.EDX));
        h.Run(2);
        Assert.Equal(0xFFFF_0000u, h.Reg(X86Cpu.EDX)); // CWD writes DX only
    }

    [Fact]
    public void Xlat_indexes_the_table_at_bx_with_al()
    {
        var h = CpuHarness.RealMode().Load(a => a.xlatb());
        h.Cpu.Gpr[X86Cpu.EBX] = 0x7000_8000; // 16-bit addressing uses BX only
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1111_22F0;
        h.Memory.Ram[0x80F0] = 0x5A;
        h.Run(1);
        Assert.Equal(0x1111_225Au, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Lds_and_lss_load_a_far_pointer()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.lss(esp, __fword_ptr[0x200]); // first: LDS changes DS
            a.lds(si, __dword_ptr[0x100]);
        });
        h.Poke32(0x100, 0x2345_6789); // offset 6789h, selector 2345h
        h.Poke32(0x200, 0xCAFE_F00D);
        h.Poke16(0x204, 0x4000);
        h.Run(2);
        Assert.Equal(0x6789u, h.Reg(X86Cpu.ESI) & 0xFFFF);
        Assert.Equal(0x23450u, h.Cpu.Segs[Seg.DS].Base);
        Assert.Equal(0xCAFE_F00Du, h.Reg(X86Cpu.ESP));
        Assert.Equal(0x4000, h.Cpu.Segs[Seg.SS].Selector);
    }

    [Fact]
    public void Bswap_reverses_the_bytes()
    {
        var h = CpuHarness.Flat32().Load(a => a.bswap(ecx));
        h.Cpu.Gpr[X86Cpu.ECX] = 0x1122_3344;
        h.Run(1);
        Assert.Equal(0x4433_2211u, h.Reg(X86Cpu.ECX));
    }

    // ---- 486 atomics ----

    [Fact]
    public void Xadd_exchanges_and_adds_with_add_flags()
    {
        var h = CpuHarness.Flat32().Load(a => a.xadd(__dword_ptr[0x20000], ebx));
        h.Poke32(0x20000, 0xFFFF_FFFF);
        h.Cpu.Gpr[X86Cpu.EBX] = 1;
        h.Run(1);
        Assert.Equal(0u, h.Peek32(0x20000));
        Assert.Equal(0xFFFF_FFFFu, h.Reg(X86Cpu.EBX));
        // FFFFFFFF + 1 = 0 carry out: CF, ZF, AF (carry out of bit 3), PF (zero has even parity).
        Assert.Equal(Flags.CF | Flags.ZF | Flags.AF | Flags.PF, h.Cpu.Eflags & Flags.Status);
    }

    [Fact]
    public void Cmpxchg_stores_the_source_when_equal_and_loads_the_accumulator_otherwise()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.cmpxchg(__dword_ptr[0x20000], ecx);
            a.cmpxchg(__dword_ptr[0x20000], edx);
        });
        h.Poke32(0x20000, 5);
        h.Cpu.Gpr[X86Cpu.EAX] = 5;
        h.Cpu.Gpr[X86Cpu.ECX] = 7;
        h.Cpu.Gpr[X86Cpu.EDX] = 9;
        h.Run(1);
        Assert.Equal(7u, h.Peek32(0x20000));
        Assert.True(h.Cpu.GetFlag(Flags.ZF));
        h.Run(1); // EAX = 5 ≠ 7: EAX ← 7, ZF clear; 5 − 7 borrows: CF, SF, AF
        Assert.Equal(7u, h.Reg(X86Cpu.EAX));
        Assert.Equal(7u, h.Peek32(0x20000));
        Assert.Equal(Flags.CF | Flags.SF | Flags.AF, h.Cpu.Eflags & Flags.Status);
    }

    [Fact]
    public void Cmpxchg8b_compares_edx_eax_with_the_quadword()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.cmpxchg8b(__qword_ptr[0x20000]);
            a.cmpxchg8b(__qword_ptr[0x20000]);
        });
        h.Poke32(0x20000, 0x1111_1111);
        h.Poke32(0x20004, 0x2222_2222);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1111_1111;
        h.Cpu.Gpr[X86Cpu.EDX] = 0x2222_2222;
        h.Cpu.Gpr[X86Cpu.EBX] = 0x3333_3333;
        h.Cpu.Gpr[X86Cpu.ECX] = 0x4444_4444;
        h.Run(1);
        Assert.Equal(0x3333_3333u, h.Peek32(0x20000));
        Assert.Equal(0x4444_4444u, h.Peek32(0x20004));
        Assert.True(h.Cpu.GetFlag(Flags.ZF));
        h.Run(1); // now unequal: EDX:EAX ← memory
        Assert.False(h.Cpu.GetFlag(Flags.ZF));
        Assert.Equal(0x3333_3333u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0x4444_4444u, h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Cmov_moves_only_when_the_condition_holds()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.cmove(eax, ebx);
            a.cmovne(ecx, __dword_ptr[0x20000]);
            a.cmove(dx, bx);
        });
        h.Poke32(0x20000, 0x1234_5678);
        h.Cpu.Eflags |= Flags.ZF;
        h.Cpu.Gpr[X86Cpu.EBX] = 0xAAAA_BBBB;
        h.Cpu.Gpr[X86Cpu.ECX] = 3;
        h.Cpu.Gpr[X86Cpu.EDX] = 0x1111_2222;
        h.Run(3);
        Assert.Equal(0xAAAA_BBBBu, h.Reg(X86Cpu.EAX));
        Assert.Equal(3u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0x1111_BBBBu, h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Cmov_reads_its_memory_source_even_when_the_condition_is_false()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.cmove(ax, __word_ptr[0xFFFF]));
        h.Cpu.Eflags &= ~Flags.ZF;
        h.Run(5);
        Assert.Equal(Vector.GP, h.TrappedVector()); // a word at offset FFFFh crosses the limit
    }

    // ---- stack ----

    [Fact]
    public void Push_esp_pushes_the_value_before_the_push_and_pop_esp_keeps_the_popped_value()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.push(esp);
            a.pop(esp);
        });
        h.Run(1);
        Assert.Equal(CpuHarness.StackTop - 4, h.Reg(X86Cpu.ESP));
        Assert.Equal(CpuHarness.StackTop, h.Peek32(CpuHarness.StackTop - 4));
        h.Poke32(CpuHarness.StackTop - 4, 0x1234_5678);
        h.Run(1);
        Assert.Equal(0x1234_5678u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Pop_to_memory_addressed_with_esp_uses_the_incremented_esp()
    {
        var h = CpuHarness.Flat32().Load(a => a.pop(__dword_ptr[esp]));
        h.Poke32(CpuHarness.StackTop, 0xCAFE_BABE);
        h.Run(1);
        Assert.Equal(CpuHarness.StackTop + 4, h.Reg(X86Cpu.ESP));
        Assert.Equal(0xCAFE_BABEu, h.Peek32(CpuHarness.StackTop + 4));
    }

    [Fact]
    public void Push_imm8_sign_extends_and_push_word_moves_esp_by_two()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.push(-2);
            a.push(bx);
        });
        h.Cpu.Gpr[X86Cpu.EBX] = 0xAAAA_1234;
        h.Run(2);
        Assert.Equal(0xFFFF_FFFEu, h.Peek32(CpuHarness.StackTop - 4));
        Assert.Equal(0x1234, h.Peek16(CpuHarness.StackTop - 6));
        Assert.Equal(CpuHarness.StackTop - 6, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Push_of_a_segment_register_with_32_bit_operand_size_writes_only_a_word()
    {
        var h = CpuHarness.Flat32().Load(a => a.push(ds));
        h.Poke32(CpuHarness.StackTop - 4, 0xDEAD_BEEF);
        h.Run(1);
        Assert.Equal(CpuHarness.StackTop - 4, h.Reg(X86Cpu.ESP));
        Assert.Equal(0xDEAD_0010u, h.Peek32(CpuHarness.StackTop - 4));
    }

    [Fact]
    public void Push_and_pop_of_segment_registers_in_real_mode()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.push(cs);
            a.pop(es);
        });
        h.Run(2);
        Assert.Equal(0x1000, h.Cpu.Segs[Seg.ES].Selector);
        Assert.Equal(0x10000u, h.Cpu.Segs[Seg.ES].Base);
        Assert.Equal(0xFFF0u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Pop_ss_holds_off_interrupts_for_one_instruction()
    {
        var h = CpuHarness.RealMode().Load(a => a.pop(ss));
        h.Poke16(0xFFF0, 0x0000);
        h.Run(1);
        Assert.True(h.Cpu.InterruptShadow);
        Assert.Equal(0xFFF2u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Pushad_and_popad_follow_the_register_order_and_skip_esp_on_pop()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.pushad();
            a.popad();
        });
        for (int r = 0; r < 8; r++) if (r != X86Cpu.ESP) h.Cpu.Gpr[r] = 0x100u * (uint)(r + 1);
        h.Run(1);
        uint top = CpuHarness.StackTop;
        Assert.Equal(top - 32, h.Reg(X86Cpu.ESP));
        Assert.Equal(0x100u, h.Peek32(top - 4));   // EAX first
        Assert.Equal(top, h.Peek32(top - 20));     // original ESP
        Assert.Equal(0x800u, h.Peek32(top - 32));  // EDI last
        for (uint k = 0; k < 8; k++) h.Poke32(top - 32 + 4 * k, 0xA0 + k); // EDI..EAX slots
        h.Run(1);
        Assert.Equal(top, h.Reg(X86Cpu.ESP));
        Assert.Equal(0xA0u, h.Reg(X86Cpu.EDI));
        Assert.Equal(0xA1u, h.Reg(X86Cpu.ESI));
        Assert.Equal(0xA2u, h.Reg(X86Cpu.EBP));
        Assert.Equal(0xA4u, h.Reg(X86Cpu.EBX));
        Assert.Equal(0xA7u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Popa_16_bit_changes_only_the_low_words()
    {
        var h = CpuHarness.RealMode().Load(a => a.popa());
        h.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_0000;
        for (uint k = 0; k < 8; k++) h.Poke16(0xFFF0 + 2 * k, (ushort)(0x10 + k));
        h.Run(1);
        Assert.Equal(0xFFFF_0017u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0x10u, h.Reg(X86Cpu.EDI));
        Assert.Equal(0x0000u, h.Reg(X86Cpu.ESP) & 0xFFFF); // FFF0 + 16 wraps at 64 KiB
    }

    [Fact]
    public void A_push_that_crosses_the_stack_limit_leaves_esp_unchanged()
    {
        // SP = 1: the word at FFFFh straddles the 64 KiB limit → #SS. Delivering it pushes at
        // the same SP and faults again (#SS, #DF, then shutdown), so what we observe is exactly
        // the state the PUSH left behind.
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.push(ax));
        h.Cpu.Gpr[X86Cpu.ESP] = 1;
        Assert.Equal(RunExit.Shutdown, h.Run(1));
        Assert.Equal(0, h.Cpu.Icount);
        Assert.Equal(1u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Pushad_faulting_on_its_fifth_push_leaves_the_registers_unchanged()
    {
        // SS = 5000h, SP = 12h: four dwords fit (0Eh, 0Ah, 06h, 02h), the fifth would sit at
        // FFFEh after the 16-bit wrap and straddle the limit → #SS(0), a fault: IP points at PUSHAD.
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.pushad());
        h.Cpu.LoadSegmentReal(Seg.SS, 0x5000);
        h.Cpu.Gpr[X86Cpu.ESP] = 0x0012;
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234;
        h.Run(2);
        Assert.Equal(Vector.SS, h.TrappedVector());
        Assert.Equal(0x0012u - 6, h.Reg(X86Cpu.ESP)); // only the fault's FLAGS, CS, IP
        Assert.Equal(0, h.Peek16(0x50000 + 0x0C));     // return IP = the PUSHAD
        Assert.Equal(0x1234u, h.Reg(X86Cpu.EAX));
        Assert.Equal(1, h.Cpu.Icount);                 // only the handler's HLT
    }
}
