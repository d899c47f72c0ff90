using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Protected-mode interrupt and exception delivery and IRET (SDM vol. 3, 6.12–6.15; vol. 2, INT n
/// and IRET). Expected frames and error codes are worked from the manual's pseudo-code.
/// </summary>
public class InterruptTests
{
    private const uint Handler = 0x1_1000;
    private const uint Code = CpuHarness.CodeAddress;

    private static T Machine()
    {
        var t = T.Create();
        t.Code(Handler, T.Hlt);
        t.Cpu.Eflags = 0x202;
        return t;
    }

    private static CpuFault Faults(Action action) => Assert.Throws<CpuFault>(action);

    [Fact]
    public void Exception_at_ring_0_through_an_interrupt_gate_pushes_eflags_cs_eip_and_clears_IF()
    {
        var t = Machine();
        t.Gate(6, T.Code0, Handler, T.InterruptGate32);
        t.Code(Code, T.Ud2);
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        var c = t.Cpu;
        Assert.Equal(1, c.Icount); // UD2 did not retire, the handler's HLT did
        Assert.Equal(CpuHarness.StackTop - 12, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(Code, t.Peek32(CpuHarness.StackTop - 12));       // EIP of the faulting instruction
        Assert.Equal(T.Code0, t.Peek32(CpuHarness.StackTop - 8));     // CS
        Assert.Equal(0x202u, t.Peek32(CpuHarness.StackTop - 4));      // EFLAGS as it was
        Assert.Equal(0u, c.Eflags & Flags.IF);
        Assert.Equal(Handler + 1, c.Eip);
    }

    [Fact]
    public void A_trap_gate_leaves_IF_set_and_clears_NT()
    {
        var t = Machine();
        t.Gate(6, T.Code0, Handler, T.TrapGate32);
        t.Code(Code, T.Ud2);
        t.Cpu.Eflags |= Flags.NT;
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(Flags.IF, t.Cpu.Eflags & Flags.IF);
        Assert.Equal(0u, t.Cpu.Eflags & Flags.NT);
    }

    [Fact]
    public void A_fault_at_ring_3_switches_to_the_ring_0_stack_from_the_TSS_and_pushes_the_error_code()
    {
        var t = Machine();
        t.Gate(13, T.Code0, Handler, T.InterruptGate32);
        t.EnterRing3(Code);
        t.Code(Code, T.Hlt); // privileged at CPL 3: #GP(0)
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        var c = t.Cpu;
        Assert.Equal(0, c.Cpl);
        Assert.Equal(T.Code0, c.Segs[Seg.CS].Selector);
        Assert.Equal(T.Data0, c.Segs[Seg.SS].Selector);
        Assert.Equal(T.Ring0Stack - 24, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(0u, t.Peek32(T.Ring0Stack - 24));          // error code
        Assert.Equal(Code, t.Peek32(T.Ring0Stack - 20));        // EIP
        Assert.Equal(T.Code3, t.Peek32(T.Ring0Stack - 16));     // CS
        Assert.Equal(0x202u, t.Peek32(T.Ring0Stack - 12));      // EFLAGS
        Assert.Equal(T.UserStack, t.Peek32(T.Ring0Stack - 8));  // ESP
        Assert.Equal(T.Data3, t.Peek32(T.Ring0Stack - 4));      // SS
        Assert.Equal(T.Data3, c.Segs[Seg.DS].Selector);         // data segments are kept
    }

    [Fact]
    public void INT_n_needs_gate_DPL_at_least_CPL()
    {
        var t = Machine();
        t.Gate(0x40, T.Code0, Handler, T.InterruptGate32, dpl: 0);
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        var f = Faults(() => t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(0x40u * 8 + 2, f.ErrorCode);
        Assert.Equal(3, t.Cpu.Cpl);
        Assert.Equal(T.UserStack, t.Cpu.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void INT_n_through_a_DPL_3_gate_returns_to_the_next_instruction()
    {
        var t = Machine();
        t.Gate(0x40, T.Code0, Handler, T.InterruptGate32, dpl: 3);
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true);
        Assert.Equal(Handler, t.Cpu.NextEip);
        Assert.Equal(0, t.Cpu.Cpl);
        Assert.Equal(T.Ring0Stack - 20, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(Code + 2, t.Peek32(T.Ring0Stack - 20));
    }

    [Fact]
    public void A_gate_that_is_not_present_raises_NP_with_the_IDT_and_EXT_bits()
    {
        var t = Machine();
        t.Gate(6, T.Code0, Handler, T.InterruptGate32, present: false);
        t.Gate(11, T.Code0, Handler, T.InterruptGate32);
        t.Code(Code, T.Ud2);
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(CpuHarness.StackTop - 16, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(6u * 8 + 2 + 1, t.Peek32(CpuHarness.StackTop - 16));
        Assert.Equal(Code, t.Peek32(CpuHarness.StackTop - 12));
    }

    [Fact]
    public void A_vector_beyond_the_IDT_limit_raises_GP_with_the_IDT_bit()
    {
        var t = Machine();
        t.Cpu.IdtLimit = 0xFF;
        t.Cpu.NextEip = Code + 2;
        var f = Faults(() => t.Cpu.SoftwareInterrupt(0x90, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(0x90u * 8 + 2, f.ErrorCode);
    }

    [Fact]
    public void An_external_interrupt_beyond_the_IDT_limit_raises_GP_with_EXT()
    {
        var t = Machine();
        t.Cpu.IdtLimit = 0xFF;
        t.Gate(13, T.Code0, Handler, T.InterruptGate32);
        t.Cpu.InterruptSource = new OneInterrupt(0x30);
        t.Code(Code, T.Hlt);
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(Handler + 1, t.Cpu.Eip);
        Assert.Equal(0x30u * 8 + 2 + 1, t.Peek32(CpuHarness.StackTop - 16));
        Assert.Equal(Code, t.Peek32(CpuHarness.StackTop - 12)); // taken before the first instruction
    }

    [Fact]
    public void A_descriptor_that_is_not_a_gate_raises_GP()
    {
        var t = Machine();
        // A data segment descriptor (S = 1) in the IDT.
        t.Poke32(T.Idt + 0x41 * 8, 0x0000_FFFF);
        t.Poke32(T.Idt + 0x41 * 8 + 4, 0x00CF_F300);
        t.Cpu.NextEip = Code + 2;
        var f = Faults(() => t.Cpu.SoftwareInterrupt(0x41, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(0x41u * 8 + 2, f.ErrorCode);
    }

    [Fact]
    public void A_fault_while_delivering_a_fault_escalates_to_a_double_fault_then_shutdown()
    {
        var t = Machine();
        t.Gate(6, T.Code0, Handler, T.InterruptGate32, present: false);  // #UD → #NP
        t.Gate(11, T.Code0, Handler, T.InterruptGate32, present: false); // #NP → #NP: contributory twice
        t.Gate(8, T.Code0, Handler, T.InterruptGate32);
        t.Code(Code, T.Ud2);
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(CpuHarness.StackTop - 16, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(0u, t.Peek32(CpuHarness.StackTop - 16)); // #DF pushes 0
        Assert.Equal(Code, t.Peek32(CpuHarness.StackTop - 12));

        var s = Machine();
        s.Gate(6, T.Code0, Handler, T.InterruptGate32, present: false);
        s.Gate(11, T.Code0, Handler, T.InterruptGate32, present: false);
        s.Gate(8, T.Code0, Handler, T.InterruptGate32, present: false);
        s.Code(Code, T.Ud2);
        Assert.Equal(RunExit.Shutdown, s.H.Run(10));
    }

    [Fact]
    public void A_16_bit_interrupt_gate_pushes_words()
    {
        var t = Machine();
        t.Gate(6, T.Code16, 0x5000, T.InterruptGate16);
        t.Code(0x5000, T.Hlt);
        t.Code(0x4000, T.Ud2);
        t.Cpu.Eip = 0x4000;
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(CpuHarness.StackTop - 6, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(0x4000, t.Peek16(CpuHarness.StackTop - 6));
        Assert.Equal(T.Code0, t.Peek16(CpuHarness.StackTop - 4));
        Assert.Equal(0x202, t.Peek16(CpuHarness.StackTop - 2));
        Assert.Equal(T.Code16, t.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x5001u, t.Cpu.Eip);
    }

    [Fact]
    public void A_conforming_handler_runs_at_the_current_privilege_on_the_current_stack()
    {
        var t = Machine();
        t.Gate(0x41, T.Conforming0, Handler, T.InterruptGate32, dpl: 3);
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        t.Cpu.SoftwareInterrupt(0x41, ioplSensitive: true);
        Assert.Equal(3, t.Cpu.Cpl);
        Assert.Equal(T.Conforming0 | 3, t.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(T.Data3, t.Cpu.Segs[Seg.SS].Selector);
        Assert.Equal(T.UserStack - 12, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(Code + 2, t.Peek32(T.UserStack - 12));
    }

    [Fact]
    public void A_bad_inner_stack_in_the_TSS_raises_TS_and_changes_nothing()
    {
        var t = Machine();
        t.Gate(0x40, T.Code0, Handler, T.InterruptGate32, dpl: 3);
        t.Poke32(T.TssA + 8, T.Data3); // SS0 with RPL 3 and DPL 3
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        var f = Faults(() => t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true));
        Assert.Equal(Vector.TS, f.Vector);
        Assert.Equal(0x20u, f.ErrorCode);
        Assert.Equal(3, t.Cpu.Cpl);
        Assert.Equal(T.Code3, t.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(T.UserStack, t.Cpu.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void A_handler_segment_that_is_not_present_raises_NP_with_its_selector()
    {
        var t = Machine();
        t.Segment(0x60, 0, 0xFFFFF, 0x1B, big: true, pages: true); // DPL 0 code, P = 0
        t.Gate(0x40, 0x60, Handler, T.InterruptGate32, dpl: 3);
        t.Cpu.NextEip = Code + 2;
        var f = Faults(() => t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true));
        Assert.Equal(Vector.NP, f.Vector);
        Assert.Equal(0x60u, f.ErrorCode);
    }

    [Fact]
    public void An_interrupt_to_ring_1_uses_the_ring_1_stack()
    {
        var t = Machine();
        t.Gate(0x40, T.Code1, Handler, T.TrapGate32, dpl: 3);
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true);
        Assert.Equal(1, t.Cpu.Cpl);
        Assert.Equal(T.Code1, t.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(T.Data1, t.Cpu.Segs[Seg.SS].Selector);
        Assert.Equal(T.Ring1Stack - 20, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(T.Data3, t.Peek32(T.Ring1Stack - 4));
    }

    [Fact]
    public void IRET_to_an_outer_ring_loads_SS_ESP_and_nulls_more_privileged_data_segments()
    {
        var t = Machine();
        var c = t.Cpu;
        c.Eflags = 0x2;
        c.Segs[Seg.ES] = t.Cache(T.Data3);
        uint sp = CpuHarness.StackTop - 20;
        t.Poke32(sp, 0x1_2345);
        t.Poke32(sp + 4, T.Code3);
        t.Poke32(sp + 8, 0x3202); // IOPL 3, IF
        t.Poke32(sp + 12, T.UserStack);
        t.Poke32(sp + 16, T.Data3);
        c.Gpr[X86Cpu.ESP] = sp;
        c.InterruptReturn(op32: true);
        Assert.Equal(3, c.Cpl);
        Assert.Equal(0x1_2345u, c.NextEip);
        Assert.Equal(T.Code3, c.Segs[Seg.CS].Selector);
        Assert.Equal(T.Data3, c.Segs[Seg.SS].Selector);
        Assert.Equal(T.UserStack, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(0x3202u, c.Eflags); // at CPL 0 IOPL and IF may change
        Assert.Equal(0, c.Segs[Seg.DS].Selector); // DPL 0 data: nulled
        Assert.False(c.Segs[Seg.DS].CanRead);
        Assert.Equal(T.Data3, c.Segs[Seg.ES].Selector); // DPL 3 data: kept
    }

    [Fact]
    public void IRET_at_ring_3_changes_neither_IOPL_nor_IF_when_CPL_exceeds_IOPL()
    {
        var t = Machine();
        t.EnterRing3(Code);
        var c = t.Cpu;
        uint sp = T.UserStack - 12;
        t.Poke32(sp, Code + 0x100);
        t.Poke32(sp + 4, T.Code3);
        t.Poke32(sp + 8, 0x3001); // IOPL 3, IF 0, CF 1
        c.Gpr[X86Cpu.ESP] = sp;
        c.InterruptReturn(op32: true);
        Assert.Equal(0x203u, c.Eflags);
        Assert.Equal(T.UserStack, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(Code + 0x100, c.NextEip);
    }

    [Fact]
    public void IRET_to_a_more_privileged_ring_raises_GP_with_the_selector()
    {
        var t = Machine();
        t.EnterRing3(Code);
        var c = t.Cpu;
        uint sp = T.UserStack - 12;
        t.Poke32(sp, Code);
        t.Poke32(sp + 4, T.Code0);
        t.Poke32(sp + 8, 0x202);
        c.Gpr[X86Cpu.ESP] = sp;
        var f = Faults(() => c.InterruptReturn(op32: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(T.Code0, f.ErrorCode);
        Assert.Equal(sp, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(3, c.Cpl);
    }

    [Fact]
    public void An_interrupt_and_its_IRET_round_trip_through_the_ring_0_stack()
    {
        var t = Machine();
        t.Gate(0x40, T.Code0, Handler, T.InterruptGate32, dpl: 3);
        t.EnterRing3(Code);
        t.Cpu.NextEip = Code + 2;
        t.Cpu.SoftwareInterrupt(0x40, ioplSensitive: true);
        t.Cpu.Eip = t.Cpu.NextEip;
        t.Cpu.NextEip = Handler + 1;
        t.Cpu.InterruptReturn(op32: true);
        Assert.Equal(3, t.Cpu.Cpl);
        Assert.Equal(Code + 2, t.Cpu.NextEip);
        Assert.Equal(T.UserStack, t.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(0x202u, t.Cpu.Eflags);
        Assert.Equal(T.Ring0Stack, t.Peek32(T.TssA + 4)); // the TSS itself is not written
    }

    [Fact]
    public void A_16_bit_gate_to_a_32_bit_segment_from_ring_3_pushes_a_word_frame_that_a_16_bit_IRET_pops()
    {
        var t = Machine();
        t.Gate(0x40, T.Code0, 0x5000, T.InterruptGate16, dpl: 3);
        t.EnterRing3(0x4000, 0x6_1234);
        var c = t.Cpu;
        c.NextEip = 0x4002;
        c.SoftwareInterrupt(0x40, ioplSensitive: true);
        Assert.Equal(T.Ring0Stack - 10, c.Gpr[X86Cpu.ESP]);
        ushort[] expected = [0x4002, T.Code3, 0x202, 0x1234, T.Data3];
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(expected[k], t.Peek16(T.Ring0Stack - 10 + (uint)k * 2));
        Assert.Equal(0x5000u, c.NextEip);
        Assert.Equal(0, c.Cpl);

        c.Eip = 0x5000;
        c.NextEip = 0x5002;
        c.InterruptReturn(op32: false);
        Assert.Equal(3, c.Cpl);
        Assert.Equal(0x4002u, c.NextEip);
        Assert.Equal(T.Data3, c.Segs[Seg.SS].Selector);
        Assert.Equal(0x1234u, c.Gpr[X86Cpu.ESP]); // SP from the word frame, zero-extended on a 32-bit stack
        Assert.Equal(0x202u, c.Eflags);
    }

    /// <summary>An interrupt controller with one request pending until it is acknowledged.</summary>
    internal sealed class OneInterrupt(byte vector) : IInterruptSource
    {
        public bool HasPendingInterrupt { get; private set; } = true;

        public byte AcknowledgeInterrupt()
        {
            HasPendingInterrupt = false;
            return vector;
        }
    }
}
