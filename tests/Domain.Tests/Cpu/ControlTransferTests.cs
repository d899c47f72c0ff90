using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>Near and far JMP/CALL/RET, LOOP family, JCXZ, ENTER, LEAVE, INT, INTO, IRET (expected values from the SDM by hand).</summary>
public class ControlTransferTests
{
    [Fact]
    public void Call_and_ret_near_in_real_mode_push_and_pop_the_return_ip()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            var sub = a.CreateLabel();
            a.call(sub);       // IP 0, 3 bytes
            a.hlt();           // IP 3
            a.Label(ref sub);
            a.ret(4);          // IP 4
        });
        h.Run(1);
        Assert.Equal(4u, h.Cpu.Eip);
        Assert.Equal(0xFFEEu, h.Reg(X86Cpu.ESP));
        Assert.Equal(3, h.Peek16(0xFFEE));
        h.Run(1);
        Assert.Equal(3u, h.Cpu.Eip);
        Assert.Equal(0xFFF0u + 4, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Indirect_call_through_memory_and_register_in_flat_mode()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.call(__dword_ptr[0x20000]);
        });
        h.Poke32(0x20000, 0x0001_2345);
        h.Run(1);
        Assert.Equal(0x12345u, h.Cpu.Eip);
        Assert.Equal(CpuHarness.CodeAddress + 6, h.Peek32(CpuHarness.StackTop - 4));
    }

    [Fact]
    public void A_near_jump_with_16_bit_operand_size_truncates_eip()
    {
        var h = CpuHarness.Flat32();
        h.LoadBytes([0x66, 0xE9, 0x10, 0x00]); // jmp rel16 +10h: (10004h + 10h) & FFFFh
        h.Run(1);
        Assert.Equal(0x14u, h.Cpu.Eip);
    }

    [Fact]
    public void A_near_jump_beyond_the_code_segment_limit_is_a_general_protection_fault()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.jmp(__word_ptr[bx]));
        h.Cpu.Segs[Seg.CS].Limit = 0x0FFF; // a real-mode CS with a small limit (left by protected mode)
        h.Cpu.Segs[Seg.CS].Refresh(protectedMode: false);
        h.Poke16(0x0100, 0x2000);
        h.Cpu.Gpr[X86Cpu.EBX] = 0x100;
        h.Run(2);
        Assert.Equal(Vector.GP, h.TrappedVector());
        Assert.Equal(0, h.Peek16(0xFFF0 - 6)); // the fault's return IP is the JMP itself
    }

    [Fact]
    public void Ret_near_32_releases_parameters()
    {
        var h = CpuHarness.Flat32().Load(a => a.ret(8));
        h.Poke32(CpuHarness.StackTop, 0x0001_1000);
        h.Run(1);
        Assert.Equal(0x11000u, h.Cpu.Eip);
        Assert.Equal(CpuHarness.StackTop + 12, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Loop_counts_cx_down_to_zero()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            var top = a.CreateLabel();
            a.mov(cx, 3);
            a.Label(ref top);
            a.nop();
            a.loop(top);
            a.hlt();
        });
        h.Cpu.Gpr[X86Cpu.ECX] = 0xABCD_0000;
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(1 + 3 * 2 + 1, h.Cpu.Icount);
        Assert.Equal(0xABCD_0000u, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void Loop_uses_cx_or_ecx_as_the_address_size_says()
    {
        // 16-bit code: E2 FE = loop to itself with CX; 67 E2 FD = the same with ECX.
        var h = CpuHarness.RealMode();
        h.LoadBytes([0xE2, 0x00, 0x67, 0xE2, 0x00]);
        h.Cpu.Gpr[X86Cpu.ECX] = 0x0001_0000; // CX = 0 → FFFFh: taken (to the next instruction anyway)
        h.Run(1);
        Assert.Equal(0x0001_FFFFu, h.Reg(X86Cpu.ECX));
        h.Cpu.Gpr[X86Cpu.ECX] = 0x0001_0000; // ECX → FFFFh
        h.Run(1);
        Assert.Equal(0x0000_FFFFu, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void Loope_and_loopne_also_test_zf()
    {
        var h = CpuHarness.Flat32();
        h.LoadBytes([0xE1, 0x10, 0xE0, 0x10]); // loope +10h; loopne +10h
        h.Cpu.Gpr[X86Cpu.ECX] = 5;
        h.Cpu.Eflags &= ~Flags.ZF;
        h.Run(1); // loope, ZF = 0: not taken, ECX still decremented
        Assert.Equal(CpuHarness.CodeAddress + 2, h.Cpu.Eip);
        Assert.Equal(4u, h.Reg(X86Cpu.ECX));
        h.Run(1); // loopne, ZF = 0, ECX = 3: taken
        Assert.Equal(CpuHarness.CodeAddress + 4 + 0x10, h.Cpu.Eip);
        Assert.Equal(3u, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void Jcxz_tests_cx_and_jecxz_tests_ecx()
    {
        var h = CpuHarness.Flat32();
        h.LoadBytes([0x67, 0xE3, 0x10, 0xE3, 0x20]); // jcxz +10h (address size 16); jecxz +20h
        h.Cpu.Gpr[X86Cpu.ECX] = 0x0001_0000;
        h.Run(1);
        Assert.Equal(CpuHarness.CodeAddress + 3 + 0x10, h.Cpu.Eip);
        h.Cpu.Eip = CpuHarness.CodeAddress + 3;
        h.Run(1); // ECX ≠ 0: not taken
        Assert.Equal(CpuHarness.CodeAddress + 5, h.Cpu.Eip);
    }

    [Fact]
    public void Enter_32_with_nesting_level_3_copies_two_frame_pointers()
    {
        var h = CpuHarness.Flat32().Load(a => a.enter(16, 3));
        h.Cpu.Gpr[X86Cpu.EBP] = 0x80000;
        h.Poke32(0x80000 - 4, 0x1111_1111);
        h.Poke32(0x80000 - 8, 0x2222_2222);
        h.Run(1);
        uint top = CpuHarness.StackTop;
        // push EBP; FrameTemp = top − 4; push [EBP−4], [EBP−8]; push FrameTemp; EBP ← FrameTemp; ESP −= 16.
        Assert.Equal(0x80000u, h.Peek32(top - 4));
        Assert.Equal(0x1111_1111u, h.Peek32(top - 8));
        Assert.Equal(0x2222_2222u, h.Peek32(top - 12));
        Assert.Equal(top - 4, h.Peek32(top - 16));
        Assert.Equal(top - 4, h.Reg(X86Cpu.EBP));
        Assert.Equal(top - 16 - 16, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Enter_16_with_level_1_then_leave_restores_the_frame()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.enter(8, 1);
            a.leave();
        });
        h.Cpu.Gpr[X86Cpu.EBP] = 0xAAAA_1234;
        h.Run(1);
        Assert.Equal(0x1234, h.Peek16(0xFFEE));
        Assert.Equal(0xFFEE, h.Peek16(0xFFEC));            // FrameTemp
        Assert.Equal(0xAAAA_FFEEu, h.Reg(X86Cpu.EBP));     // BP only
        Assert.Equal(0xFFECu - 8, h.Reg(X86Cpu.ESP));
        h.Run(1);
        Assert.Equal(0xAAAA_1234u, h.Reg(X86Cpu.EBP));
        Assert.Equal(0xFFF0u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Enter_32_on_a_16_bit_stack_keeps_the_upper_half_of_esp_in_ebp()
    {
        // 66 C8 04 00 00 = o32 enter 4, 0 in 16-bit code; SS is a 16-bit stack.
        var h = CpuHarness.RealMode();
        h.LoadBytes([0x66, 0xC8, 0x04, 0x00, 0x00]);
        h.Cpu.Gpr[X86Cpu.ESP] = 0x0001_0000; // SP = 0: the push wraps to FFFCh
        h.Cpu.Gpr[X86Cpu.EBP] = 0x1234_5678;
        h.Run(1);
        Assert.Equal(0x1234_5678u, h.Peek32(0xFFFC));
        Assert.Equal(0x0001_FFFCu, h.Reg(X86Cpu.EBP));
        Assert.Equal(0x0001_FFF8u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Enter_that_faults_changes_no_register()
    {
        // SP = 1: the push of BP straddles the limit → #SS, and its delivery faults too (→ shutdown).
        var h = CpuHarness.RealMode().Load(a => a.enter(4, 2));
        h.Cpu.Gpr[X86Cpu.ESP] = 1;
        h.Cpu.Gpr[X86Cpu.EBP] = 0x100;
        h.Run(1);
        Assert.Equal(0, h.Cpu.Icount);
        Assert.Equal(1u, h.Reg(X86Cpu.ESP));
        Assert.Equal(0x100u, h.Reg(X86Cpu.EBP));
    }

    [Fact]
    public void Far_jump_call_and_return_in_real_mode()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.call(0x2000, 0x0010); // 9A: IP 0, 5 bytes
            a.jmp(0x2000, 0x0020);  // IP 5
        });
        h.Memory.Ram[0x20010] = 0xCB; // retf
        h.Run(1);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x10u, h.Cpu.Eip);
        Assert.Equal(0x1000, h.Peek16(0xFFEE));
        Assert.Equal(5, h.Peek16(0xFFEC));
        h.Run(1);
        Assert.Equal(0x1000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(5u, h.Cpu.Eip);
        Assert.Equal(0xFFF0u, h.Reg(X86Cpu.ESP));
        h.Run(1);
        Assert.Equal(0x20000u, h.Cpu.Segs[Seg.CS].Base);
        Assert.Equal(0x20u, h.Cpu.Eip);
    }

    [Fact]
    public void Far_jump_through_memory_reads_offset_then_selector()
    {
        var h = CpuHarness.RealMode().Load(a => a.jmp(__dword_ptr[0x300]));
        h.Poke32(0x300, 0x4000_0123);
        h.Run(1);
        Assert.Equal(0x4000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x123u, h.Cpu.Eip);
    }

    [Fact]
    public void Int_n_and_iret_in_real_mode()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.@int(0x21); // IP 0, 2 bytes
            a.nop();
        });
        h.Poke32(0x21 * 4, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xCF; // iret
        h.Cpu.Eflags |= Flags.IF | Flags.CF;
        h.Run(1);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0u, h.Cpu.Eip);
        Assert.False(h.Cpu.GetFlag(Flags.IF));
        Assert.Equal(2, h.Peek16(0xFFEA));
        Assert.Equal(0x1000, h.Peek16(0xFFEC));
        h.Run(1);
        Assert.Equal(0x1000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(2u, h.Cpu.Eip);
        Assert.True(h.Cpu.GetFlag(Flags.IF));
        Assert.True(h.Cpu.GetFlag(Flags.CF));
        Assert.Equal(0xFFF0u, h.Reg(X86Cpu.ESP));
    }

    [Fact]
    public void Int3_uses_vector_3_and_into_traps_only_when_of_is_set()
    {
        var h = CpuHarness.RealMode().TrapAll();
        h.LoadBytes([0xCE, 0xCE, 0xCC]); // into; into; int3
        h.Run(1);
        Assert.Equal(1u, h.Cpu.Eip); // OF clear: nothing
        h.Cpu.Eflags |= Flags.OF;
        h.Run(2);
        Assert.Equal(Vector.OF, h.TrappedVector());
        Assert.Equal(2, h.Peek16(0xFFEA)); // a trap: returns after INTO
        var h3 = CpuHarness.RealMode().TrapAll();
        h3.LoadBytes([0xCC]);
        h3.Run(2);
        Assert.Equal(Vector.BP, h3.TrappedVector());
        Assert.Equal(1, h3.Peek16(0xFFEA));
    }
}
