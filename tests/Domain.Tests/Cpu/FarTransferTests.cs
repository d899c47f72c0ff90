using HexEmu.Domain.Cpu;
using static HexEmu.Domain.Tests.CpuTests.ProtectedModeFixture;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Protected-mode far JMP, CALL and RET (SDM vol. 2, JMP/CALL/RET operation; vol. 3, 5.8):
/// direct code-segment transfers, call gates with and without a privilege change, returns to
/// the same and to an outer level, and the checks in front of task switches. Frames and faults
/// are worked out by hand from the manual's pseudo-code and figure 5-13.
/// </summary>
public class FarTransferTests
{
    private static Raised GP(uint e) => new(Vector.GP, e);
    private static Raised NP(uint e) => new(Vector.NP, e);
    private static Raised SS(uint e) => new(Vector.SS, e);
    private static Raised TS(uint e) => new(Vector.TS, e);

    private const uint Here = 0x1_0000, After = 0x1_0007;
    private const ushort Tss = 5 * 8, Gate = 6 * 8, Gate2 = 11 * 8;
    private const uint KernelStack = 0x7_0000, UserStack = 0x8_0000;

    private static ProtectedModeFixture Make()
    {
        var f = new ProtectedModeFixture();
        f.InstallTss32(5, FlatData0, KernelStack);
        f.Cpu.Eip = Here;
        f.Cpu.NextEip = After;
        return f;
    }

    private static void At(X86Cpu c)
    {
        c.Eip = Here;
        c.NextEip = After;
    }

    // ---- direct transfers to code segments ----

    [Fact]
    public void Jump_to_a_nonconforming_segment_at_the_same_level_loads_CS_and_marks_it_accessed()
    {
        var f = Make();
        f.SetSegment(12, 0x2000, 0xFFFF, CodeXR, 0);
        Assert.Null(f.Catch(c => c.FarJump(12 * 8, 0x1234, op32: true)));
        Assert.Equal(12 * 8, f.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x2000u, f.Cpu.Segs[Seg.CS].Base);
        Assert.Equal(0x1234u, f.Cpu.NextEip);
        Assert.False(f.Cpu.Code32);
        Assert.NotEqual(0ul, f.Gdt(12) & (1ul << 40));
    }

    [Fact]
    public void Jump_to_a_nonconforming_segment_needs_RPL_at_most_CPL_and_DPL_equal_to_CPL()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeXR | 0x60); // DPL 3
        Assert.Equal(GP(0x08), f.Catch(c => c.FarJump(FlatCode0 | 1, 0, true)));
        Assert.Equal(GP(0x60), f.Catch(c => c.FarJump(0x60, 0, true)));
        f.EnterRing(3);
        Assert.Equal(GP(0x08), f.Catch(c => c.FarJump(FlatCode0 | 3, 0, true)));
    }

    [Fact]
    public void Jump_to_a_conforming_segment_keeps_the_CPL_and_sets_RPL_to_it()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeConformingXR);         // DPL 0
        f.SetSegment(13, 0, 0xFFFF, CodeConformingXR | 0x60);  // DPL 3
        Assert.Equal(GP(0x68), f.Catch(c => c.FarJump(0x68, 0, true))); // DPL 3 > CPL 0
        f.EnterRing(3);
        Assert.Null(f.Catch(c => c.FarJump(0x60, 0x100, true)));
        Assert.Equal(0x63, f.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(3, f.Cpu.Cpl);
    }

    [Fact]
    public void Jump_target_faults_null_data_not_present_and_beyond_limit()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeXR & 0x7F);
        f.SetSegment(13, 0, 0x0FFF, CodeXR);
        Assert.Equal(GP(0), f.Catch(c => c.FarJump(3, 0, true)));
        Assert.Equal(GP(0x10), f.Catch(c => c.FarJump(FlatData0, 0, true)));
        Assert.Equal(NP(0x60), f.Catch(c => c.FarJump(0x60, 0, true)));
        Assert.Equal(GP(0), f.Catch(c => c.FarJump(0x68, 0x1000, true)));
        Assert.Null(f.Catch(c => c.FarJump(0x68, 0xFFF, true)));
    }

    [Fact]
    public void Jump_with_16_bit_operand_size_uses_the_low_word_of_the_offset()
    {
        var f = Make();
        Assert.Null(f.Catch(c => c.FarJump(FlatCode0, 0xABCD_1234, op32: false)));
        Assert.Equal(0x1234u, f.Cpu.NextEip);
    }

    [Fact]
    public void Call_to_a_code_segment_pushes_CS_and_the_return_offset_in_the_operand_size()
    {
        var f = Make();
        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        Assert.Null(f.Catch(c => c.FarCall(FlatCode0, 0x2000, op32: true)));
        Assert.Equal(0x4_FFF8u, f.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(After, f.Peek32(0x4_FFF8));
        Assert.Equal(FlatCode0, f.Peek32(0x4_FFFC));
        Assert.Equal(0x2000u, f.Cpu.NextEip);

        At(f.Cpu);
        Assert.Null(f.Catch(c => c.FarCall(FlatCode0, 0x3000, op32: false)));
        Assert.Equal(0x4_FFF4u, f.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal((ushort)(After & 0xFFFF), f.Peek16(0x4_FFF4));
        Assert.Equal(FlatCode0, f.Peek16(0x4_FFF6));
    }

    [Fact]
    public void Call_beyond_the_target_limit_faults_before_pushing()
    {
        var f = Make();
        f.SetSegment(12, 0, 0x0FFF, CodeXR);
        string before = f.Snapshot();
        Assert.Equal(GP(0), f.Catch(c => c.FarCall(0x60, 0x1000, true)));
        Assert.Equal(before, f.Snapshot());
    }

    // ---- call gates ----

    [Fact]
    public void Call_gate_checks_its_DPL_against_CPL_and_RPL_and_its_presence()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x1000, SystemType.CallGate32, dpl: 0));
        f.SetGdt(11, GateDescriptor(FlatCode0, 0x1000, SystemType.CallGate32, dpl: 3, present: false));
        Assert.Equal(GP(Gate), f.Catch(c => c.FarCall(Gate | 1, 0, true)));   // RPL 1 > DPL 0
        Assert.Equal(NP(Gate2), f.Catch(c => c.FarCall(Gate2, 0, true)));
        Assert.Equal(NP(Gate2), f.Catch(c => c.FarJump(Gate2, 0, true)));
        f.EnterRing(3);
        Assert.Equal(GP(Gate), f.Catch(c => c.FarCall(Gate | 3, 0, true)));   // DPL 0 < CPL 3
        Assert.Equal(GP(Gate), f.Catch(c => c.FarJump(Gate | 3, 0, true)));
    }

    [Fact]
    public void Call_gate_target_must_be_present_code_not_less_privileged_than_CPL()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeXR & 0x7F);    // not present
        f.SetSegment(13, 0, 0xFFFF, CodeXR | 0x60);    // DPL 3
        f.SetGdt(6, GateDescriptor(0x60, 0, SystemType.CallGate32, 0));
        f.SetGdt(11, GateDescriptor(FlatData0, 0, SystemType.CallGate32, 0));
        f.SetGdt(14, GateDescriptor(0x68, 0, SystemType.CallGate32, 0));
        f.SetGdt(15, GateDescriptor(0, 0, SystemType.CallGate32, 0));
        Assert.Equal(NP(0x60), f.Catch(c => c.FarCall(Gate, 0, true)));
        Assert.Equal(GP(0x10), f.Catch(c => c.FarCall(Gate2, 0, true)));
        Assert.Equal(GP(0x68), f.Catch(c => c.FarCall(14 * 8, 0, true)));  // DPL 3 > CPL 0
        Assert.Equal(GP(0), f.Catch(c => c.FarCall(15 * 8, 0, true)));     // null target
    }

    [Fact]
    public void Jump_through_a_gate_never_changes_privilege()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x1000, SystemType.CallGate32, dpl: 3));
        f.EnterRing(3);
        Assert.Equal(GP(FlatCode0), f.Catch(c => c.FarJump(Gate | 3, 0, true)));
        f.SetGdt(6, GateDescriptor(FlatCode3 & 0xFFFC, 0x1000, SystemType.CallGate32, dpl: 3));
        Assert.Null(f.Catch(c => c.FarJump(Gate | 3, 0xDEAD, true))); // the instruction's offset is ignored
        Assert.Equal(FlatCode3, f.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x1000u, f.Cpu.NextEip);
    }

    [Fact]
    public void A_16_bit_gate_ignores_the_upper_offset_word()
    {
        // test386 POST 0x20 fills the reserved upper word of its 16-bit gates with 0xFFFF.
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeXR);
        f.SetGdt(6, GateDescriptor(0x60, 0xFFFF_1234, SystemType.CallGate16, 0));
        Assert.Null(f.Catch(c => c.FarJump(Gate, 0, true)));
        Assert.Equal(0x1234u, f.Cpu.NextEip);
    }

    [Fact]
    public void Call_gate_beyond_the_target_limit_is_GP0()
    {
        var f = Make();
        f.SetSegment(12, 0, 0x0FFF, CodeXR);
        f.SetGdt(6, GateDescriptor(0x60, 0x1000, SystemType.CallGate32, 0));
        Assert.Equal(GP(0), f.Catch(c => c.FarCall(Gate, 0, true)));
        Assert.Equal(GP(0), f.Catch(c => c.FarJump(Gate, 0, true)));
    }

    [Fact]
    public void Call_gate_at_the_same_level_pushes_in_the_gate_size_on_the_current_stack()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x4000, SystemType.CallGate16, 0, parameters: 5));
        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        Assert.Null(f.Catch(c => c.FarCall(Gate, 0, op32: true)));
        Assert.Equal(0x4_FFFCu, f.Cpu.Gpr[X86Cpu.ESP]); // two words, no parameters copied
        Assert.Equal((ushort)(After & 0xFFFF), f.Peek16(0x4_FFFC));
        Assert.Equal(FlatCode0, f.Peek16(0x4_FFFE));
        Assert.Equal(0x4000u, f.Cpu.NextEip);
    }

    [Fact]
    public void Call_gate_to_a_conforming_segment_stays_at_the_callers_level()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFFF, CodeConformingXR, Gran4K | Big);
        f.SetGdt(6, GateDescriptor(0x60, 0x4000, SystemType.CallGate32, 3));
        f.EnterRing(3, UserStack);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));
        Assert.Equal(3, f.Cpu.Cpl);
        Assert.Equal(0x63, f.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(UserStack - 8, f.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(FlatData3, f.Cpu.Segs[Seg.SS].Selector);
    }

    [Fact]
    public void Call_gate_32_to_ring_0_switches_stacks_and_copies_dword_parameters()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x0012_3456, SystemType.CallGate32, dpl: 3, parameters: 3));
        f.EnterRing(3, UserStack - 12);
        f.Harness.Poke32(UserStack - 12, 0xAAAA_0003); // pushed last: top of the caller's stack
        f.Harness.Poke32(UserStack - 8, 0xAAAA_0002);
        f.Harness.Poke32(UserStack - 4, 0xAAAA_0001);
        At(f.Cpu);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));

        var c = f.Cpu;
        Assert.Equal(0, c.Cpl);
        Assert.Equal(FlatCode0, c.Segs[Seg.CS].Selector);
        Assert.Equal(FlatData0, c.Segs[Seg.SS].Selector);
        Assert.Equal(0x0012_3456u, c.NextEip);
        Assert.Equal(KernelStack - 28, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(FlatData3, f.Peek32(KernelStack - 4));
        Assert.Equal(UserStack - 12, f.Peek32(KernelStack - 8));
        Assert.Equal(0xAAAA_0001u, f.Peek32(KernelStack - 12));
        Assert.Equal(0xAAAA_0002u, f.Peek32(KernelStack - 16));
        Assert.Equal(0xAAAA_0003u, f.Peek32(KernelStack - 20));
        Assert.Equal(FlatCode3, f.Peek32(KernelStack - 24));
        Assert.Equal(After, f.Peek32(KernelStack - 28));
    }

    [Fact]
    public void Call_gate_16_to_ring_0_pushes_words_and_copies_word_parameters()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0xFFFF_0100, SystemType.CallGate16, dpl: 3, parameters: 2));
        f.EnterRing(3, 0x0012_7FFC);
        f.Poke16(0x12_7FFC, 0x2222); // top of stack
        f.Poke16(0x12_7FFE, 0x1111);
        At(f.Cpu);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));
        var c = f.Cpu;
        Assert.Equal(0x100u, c.NextEip);
        Assert.Equal(KernelStack - 12, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(FlatData3, f.Peek16(KernelStack - 2));
        Assert.Equal(0x7FFC, f.Peek16(KernelStack - 4)); // SP: the low word of ESP
        Assert.Equal(0x1111, f.Peek16(KernelStack - 6));
        Assert.Equal(0x2222, f.Peek16(KernelStack - 8));
        Assert.Equal(FlatCode3, f.Peek16(KernelStack - 10));
        Assert.Equal((ushort)(After & 0xFFFF), f.Peek16(KernelStack - 12));
    }

    [Fact]
    public void Call_gate_takes_the_inner_stack_from_a_16_bit_TSS()
    {
        var f = Make();
        f.SetSegment(12, 0x6_0000, 0xFFFF, DataRW, 0); // 16-bit ring-0 stack
        f.InstallTss16(5, 0x60, 0x1000);
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x100, SystemType.CallGate32, dpl: 3));
        f.EnterRing(3, UserStack);
        At(f.Cpu);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));
        Assert.Equal(0x60, f.Cpu.Segs[Seg.SS].Selector);
        Assert.Equal(0x1000u - 16, f.Cpu.Gpr[X86Cpu.ESP]);
        Assert.Equal(UserStack, f.Peek32(0x6_0000 + 0x1000 - 8));
        Assert.Equal(After, f.Peek32(0x6_0000 + 0x1000 - 16));
    }

    [Fact]
    public void Inner_stack_faults_are_TS_or_SS_and_change_nothing()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x100, SystemType.CallGate32, dpl: 3, parameters: 1));
        f.SetSegment(12, 0, 0xFFFFF, DataRW & 0x7F, Gran4K | Big); // DPL 0, not present
        f.SetSegment(13, 0, 0xFFFFF, DataRO, Gran4K | Big);
        f.SetSegment(14, 0, 0x0FFF, DataRW, Big);                  // 4 KiB ring-0 stack
        f.EnterRing(3, UserStack - 4);
        string before = f.Snapshot();

        void Expect(ushort ss, uint esp, Raised expected)
        {
            f.Harness.Poke32(TssBase + 4, esp);
            f.Poke16(TssBase + 8, ss);
            Assert.Equal(expected, f.Catch(c => c.FarCall(Gate | 3, 0, true)));
            Assert.Equal(before, f.Snapshot());
        }

        Expect(0, KernelStack, TS(0));
        Expect(FlatData3, KernelStack, TS(FlatData3 & 0xFFFC)); // RPL and DPL 3, not 0
        Expect(0x68, KernelStack, TS(0x68));                    // read-only
        Expect(FlatCode0, KernelStack, TS(FlatCode0));
        Expect(0x400, KernelStack, TS(0x400));                  // beyond the GDT
        Expect(0x60, KernelStack, SS(0x60));
        Expect(0x70, 0x1000 + 4, SS(0x70));                     // frame of 20 bytes ends above the limit
        Expect(0x70, 16, SS(0x70));                             // frame wraps below 0

        // The same 4 KiB stack with the frame inside it works.
        f.Harness.Poke32(TssBase + 4, 0x1000);
        f.Poke16(TssBase + 8, 0x70);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));
        Assert.Equal(0x1000u - 20, f.Cpu.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void A_TSS_too_short_for_the_inner_stack_is_TS_with_the_TR_selector()
    {
        var f = Make();
        f.InstallTss32(5, FlatData0, KernelStack, limit: 0x09);
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x100, SystemType.CallGate32, dpl: 3));
        f.EnterRing(3, UserStack);
        Assert.Equal(TS(Tss), f.Catch(c => c.FarCall(Gate | 3, 0, true)));
    }

    // ---- far returns ----

    [Fact]
    public void Return_at_the_same_level_pops_CS_EIP_and_releases_parameters()
    {
        var f = Make();
        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        f.Harness.Poke32(0x5_0000, 0x2345);
        f.Harness.Poke32(0x5_0004, 0xFFFF_0000 | FlatCode0); // upper half of the CS dword ignored
        Assert.Null(f.Catch(c => c.FarReturn(op32: true, releaseBytes: 8)));
        Assert.Equal(0x2345u, f.Cpu.NextEip);
        Assert.Equal(0x5_0010u, f.Cpu.Gpr[X86Cpu.ESP]);

        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        f.Poke16(0x5_0000, 0x0042);
        f.Poke16(0x5_0002, FlatCode0);
        Assert.Null(f.Catch(c => c.FarReturn(op32: false, releaseBytes: 2)));
        Assert.Equal(0x42u, f.Cpu.NextEip);
        Assert.Equal(0x5_0006u, f.Cpu.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void Gate_call_and_return_round_trip_restores_the_outer_level()
    {
        var f = Make();
        f.SetGdt(6, GateDescriptor(FlatCode0, 0x0012_3456, SystemType.CallGate32, dpl: 3, parameters: 3));
        f.SetSegment(12, 0, 0xFFFFF, DataRW | 0x60, Gran4K | Big);
        f.EnterRing(3, UserStack - 12);
        f.Cpu.LoadSegment(Seg.ES, 0x63);
        f.Cpu.LoadSegment(Seg.FS, 0x63);
        At(f.Cpu);
        Assert.Null(f.Catch(c => c.FarCall(Gate | 3, 0, true)));
        // In ring 0 the handler loads kernel data segments, then returns with RETF 12.
        f.Cpu.LoadSegment(Seg.DS, FlatData0);
        f.Cpu.LoadSegment(Seg.FS, FlatData0);
        Assert.Null(f.Catch(c => c.FarReturn(op32: true, releaseBytes: 12)));

        var c = f.Cpu;
        Assert.Equal(3, c.Cpl);
        Assert.Equal(FlatCode3, c.Segs[Seg.CS].Selector);
        Assert.Equal(FlatData3, c.Segs[Seg.SS].Selector);
        Assert.Equal(After, c.NextEip);
        Assert.Equal(UserStack, c.Gpr[X86Cpu.ESP]); // SS:ESP popped, parameters released again
        Assert.Equal(0, c.Segs[Seg.DS].Selector);    // DPL 0 data: nulled
        Assert.Equal(0, c.Segs[Seg.FS].Selector);
        Assert.Equal(0x63, c.Segs[Seg.ES].Selector); // DPL 3 data: kept
        Assert.Equal(new Raised(Vector.GP, 0), f.Catch(x => x.Read8(Seg.DS, 0)));
    }

    [Fact]
    public void Return_to_an_outer_level_with_a_16_bit_stack_loads_only_SP()
    {
        var f = Make();
        f.SetSegment(12, 0x6_0000, 0xFFFF, DataRW | 0x60, 0); // 16-bit DPL 3 stack
        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        f.Poke16(0x5_0000, 0x0100);      // IP
        f.Poke16(0x5_0002, FlatCode3);   // CS
        f.Poke16(0x5_0008, 0x8000);      // SP, above 4 bytes of parameters
        f.Poke16(0x5_000A, 0x63);        // SS
        Assert.Null(f.Catch(c => c.FarReturn(op32: false, releaseBytes: 4)));
        Assert.Equal(0x63, f.Cpu.Segs[Seg.SS].Selector);
        Assert.Equal(0x0005_8004u, f.Cpu.Gpr[X86Cpu.ESP]); // upper half of ESP kept
        Assert.Equal(0x100u, f.Cpu.NextEip);
    }

    [Fact]
    public void Return_checks_the_code_and_stack_selectors()
    {
        var f = Make();
        f.SetSegment(12, 0, 0xFFFF, CodeXR | 0x20);            // DPL 1, non-conforming
        f.SetSegment(13, 0, 0xFFFF, CodeConformingXR | 0x40);  // DPL 2, conforming
        f.Cpu.Gpr[X86Cpu.ESP] = 0x5_0000;
        string before = f.Snapshot();

        Raised? Return(uint cs, uint ss)
        {
            f.Harness.Poke32(0x5_0000, 0x10);
            f.Harness.Poke32(0x5_0004, cs);
            f.Harness.Poke32(0x5_0008, UserStack);
            f.Harness.Poke32(0x5_000C, ss);
            var r = f.Catch(c => c.FarReturn(true, 0));
            Assert.Equal(before, f.Snapshot());
            return r;
        }

        Assert.Equal(GP(0), Return(0, FlatData3));
        Assert.Equal(GP(0x10), Return(FlatData0, FlatData3));      // not code
        Assert.Equal(GP(0x60), Return(0x63, FlatData3));           // non-conforming DPL 1 ≠ RPL 3
        Assert.Equal(GP(0x68), Return(0x69, FlatData3));           // conforming DPL 2 > RPL 1
        Assert.Equal(GP(0), Return(FlatCode3, 0));                 // null SS
        Assert.Equal(GP(0x10), Return(FlatCode3, FlatData0));      // SS RPL 0 ≠ 3
        Assert.Equal(GP(0x10), Return(FlatCode3, FlatData0 | 3));  // SS DPL 0 ≠ 3
        f.EnterRing(3, 0x5_0000);
        before = f.Snapshot();
        Assert.Equal(GP(0x08), Return(FlatCode0, FlatData0));      // RPL 0 < CPL 3
    }

    // ---- task gates and TSS descriptors: the checks before a task switch ----

    [Fact]
    public void Jump_or_call_to_a_busy_or_hidden_or_absent_TSS_faults()
    {
        var f = Make();
        f.SetGdt(12, SystemDescriptor(0x4800, 0x67, SystemType.Tss32Busy, 3));
        f.SetGdt(13, SystemDescriptor(0x4800, 0x67, SystemType.Tss32Available, 0));
        f.SetGdt(14, SystemDescriptor(0x4800, 0x67, SystemType.Tss32Available, 3, present: false));
        f.SetGdt(15, SystemDescriptor(0x4800, 0x2B, SystemType.Tss16Available, 3, present: false));
        Assert.Equal(GP(0x60), f.Catch(c => c.FarJump(0x60, 0, true)));
        Assert.Equal(GP(0x60), f.Catch(c => c.FarCall(0x60, 0, true)));
        Assert.Equal(NP(0x70), f.Catch(c => c.FarJump(0x70, 0, true)));
        Assert.Equal(NP(0x78), f.Catch(c => c.FarCall(0x78, 0, true)));
        Assert.Equal(GP(0x68), f.Catch(c => c.FarJump(0x68 | 1, 0, true))); // RPL 1 > DPL 0
        f.EnterRing(3);
        Assert.Equal(GP(0x68), f.Catch(c => c.FarJump(0x6B, 0, true)));     // DPL 0 < CPL 3
    }

    [Fact]
    public void Task_gate_must_be_present_and_name_an_available_TSS_in_the_GDT()
    {
        var f = Make();
        f.InstallLdt(16);
        f.SetGdt(12, SystemDescriptor(0x4800, 0x67, SystemType.Tss32Busy, 0));
        f.SetGdt(13, GateDescriptor(0x60, 0, SystemType.TaskGate, 3, present: false));
        f.SetGdt(14, GateDescriptor(0x60, 0, SystemType.TaskGate, 3));
        f.SetGdt(15, GateDescriptor(0x0C, 0, SystemType.TaskGate, 3)); // TSS selector in the LDT
        f.SetGdt(17, GateDescriptor(0x400, 0, SystemType.TaskGate, 3)); // beyond the GDT
        f.SetGdt(18, GateDescriptor(FlatCode0, 0, SystemType.TaskGate, 3));
        Assert.Equal(NP(0x68), f.Catch(c => c.FarJump(0x68, 0, true)));
        Assert.Equal(GP(0x60), f.Catch(c => c.FarCall(0x70, 0, true)));
        Assert.Equal(GP(0x0C), f.Catch(c => c.FarJump(0x78, 0, true)));
        Assert.Equal(GP(0x400), f.Catch(c => c.FarJump(17 * 8, 0, true)));
        Assert.Equal(GP(FlatCode0), f.Catch(c => c.FarJump(18 * 8, 0, true)));
    }

    [Fact]
    public void Other_system_descriptors_are_not_transfer_targets()
    {
        var f = Make();
        f.SetGdt(12, SystemDescriptor(0x3000, 0xFF, SystemType.Ldt, 0));
        f.SetGdt(13, GateDescriptor(FlatCode0, 0, SystemType.InterruptGate32, 0));
        f.SetGdt(14, GateDescriptor(FlatCode0, 0, SystemType.TrapGate16, 0));
        f.SetGdt(15, SystemDescriptor(0, 0, 0, 0));
        foreach (ushort sel in new ushort[] { 0x60, 0x68, 0x70, 0x78 })
        {
            Assert.Equal(GP(sel), f.Catch(c => c.FarJump(sel, 0, true)));
            Assert.Equal(GP(sel), f.Catch(c => c.FarCall(sel, 0, true)));
        }
    }
}
