using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Hardware task switches (SDM vol. 3, 7.3, tables 7-1 and 7-2): state saved and loaded through
/// 32- and 16-bit TSSs, busy bits, back links and NT for JMP, CALL, interrupts and IRET.
/// </summary>
public class TaskSwitchTests
{
    private const uint NewEip = 0x1_2000, NewEsp = 0x5_0000;
    private static readonly uint[] NewGpr = [0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444, NewEsp, 0x6666_6666, 0x7777_7777, 0x8888_8888];
    private static readonly uint[] OldGpr = [0xA0, 0xA1, 0xA2, 0xA3, CpuHarness.StackTop, 0xA5, 0xA6, 0xA7];

    /// <summary>Current task A (TSS 0x28, busy) at ring 0; task B (TSS 0x30, available) at ring 3, flags CF|AF.</summary>
    private static T Machine(ushort newCs = T.Code3, ushort newSs = T.Data3)
    {
        var t = T.Create();
        var c = t.Cpu;
        OldGpr.CopyTo(c.Gpr, 0);
        c.Eflags = 0x246;
        c.Eip = CpuHarness.CodeAddress;
        c.NextEip = CpuHarness.CodeAddress + 7;
        WriteTss32(t, T.TssB, NewEip, 0x13, newCs, newSs, newSs);
        return t;
    }

    private static void WriteTss32(T t, uint tss, uint eip, uint eflags, ushort cs, ushort ss, ushort data)
    {
        t.Poke32(tss + 0x20, eip);
        t.Poke32(tss + 0x24, eflags);
        for (int r = 0; r < 8; r++) t.Poke32(tss + 0x28 + (uint)r * 4, NewGpr[r]);
        ushort[] segs = [data, cs, ss, data, data, data];
        for (int s = 0; s < 6; s++) t.Poke32(tss + 0x48 + (uint)s * 4, segs[s]);
        t.Poke32(tss + 0x60, 0);
    }

    private static int TypeOf(T t, ushort selector) => (int)(t.DescriptorHigh(selector) >> 8) & 0xF;

    [Fact]
    public void JMP_to_a_TSS_saves_the_old_task_loads_the_new_one_and_moves_the_busy_bit()
    {
        var t = Machine();
        var c = t.Cpu;
        c.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump);

        // Old task saved (dynamic fields only).
        Assert.Equal(CpuHarness.CodeAddress + 7, t.Peek32(T.TssA + 0x20));
        Assert.Equal(0x246u, t.Peek32(T.TssA + 0x24));
        for (int r = 0; r < 8; r++) Assert.Equal(OldGpr[r], t.Peek32(T.TssA + 0x28 + (uint)r * 4));
        ushort[] oldSegs = [T.Data0, T.Code0, T.Data0, T.Data0, T.Data0, T.Data0];
        for (int s = 0; s < 6; s++) Assert.Equal(oldSegs[s], t.Peek16(T.TssA + 0x48 + (uint)s * 4));
        Assert.Equal(T.Ring0Stack, t.Peek32(T.TssA + 4)); // static field untouched

        // New task loaded.
        Assert.Equal(NewGpr, c.Gpr);
        Assert.Equal(NewEip, c.NextEip);
        Assert.Equal(0x13u, c.Eflags); // no NT for JMP
        Assert.Equal(3, c.Cpl);
        Assert.Equal(T.Code3, c.Segs[Seg.CS].Selector);
        Assert.Equal(T.Data3, c.Segs[Seg.SS].Selector);
        Assert.Equal(T.Data3, c.Segs[Seg.DS].Selector);
        Assert.True(c.Segs[Seg.DS].CanWrite);
        Assert.Equal(T.TssBSel, c.Tr.Selector);
        Assert.Equal(T.TssB, c.Tr.Base);
        Assert.Equal(CR0.TS, c.Cr0 & CR0.TS);

        // JMP: old busy bit cleared, new one set, no back link.
        Assert.Equal(0x9, TypeOf(t, T.TssASel));
        Assert.Equal(0xB, TypeOf(t, T.TssBSel));
        Assert.Equal(0u, t.Peek32(T.TssB));
    }

    [Fact]
    public void CALL_nests_the_task_and_IRET_returns_to_it()
    {
        var t = Machine();
        var c = t.Cpu;
        c.TaskSwitch(T.TssBSel, TaskSwitchSource.Call);
        Assert.Equal(T.TssASel, t.Peek16(T.TssB)); // back link
        Assert.Equal(0x13u | Flags.NT, c.Eflags);
        Assert.Equal(0xB, TypeOf(t, T.TssASel)); // both busy
        Assert.Equal(0xB, TypeOf(t, T.TssBSel));

        c.Eip = NewEip;
        c.NextEip = NewEip + 1;
        c.InterruptReturn(op32: true);
        Assert.Equal(T.TssASel, c.Tr.Selector);
        Assert.Equal(CpuHarness.CodeAddress + 7, c.NextEip);
        Assert.Equal(0x246u, c.Eflags);
        Assert.Equal(OldGpr, c.Gpr);
        Assert.Equal(0, c.Cpl);
        Assert.Equal(T.Code0, c.Segs[Seg.CS].Selector);
        Assert.Equal(0xB, TypeOf(t, T.TssASel));
        Assert.Equal(0x9, TypeOf(t, T.TssBSel)); // IRET frees the task it leaves
        Assert.Equal(0x13u, t.Peek32(T.TssB + 0x24)); // saved with NT cleared
        Assert.Equal(NewEip + 1, t.Peek32(T.TssB + 0x20));
    }

    [Fact]
    public void JMP_to_a_busy_TSS_raises_GP_and_changes_nothing()
    {
        var t = Machine();
        var c = t.Cpu;
        var f = Assert.Throws<CpuFault>(() => c.TaskSwitch(T.TssASel, TaskSwitchSource.Jump));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal((uint)T.TssASel, f.ErrorCode);
        Assert.Equal(T.TssASel, c.Tr.Selector);
        Assert.Equal(0xB, TypeOf(t, T.TssASel));
        Assert.Equal(OldGpr, c.Gpr);
        Assert.Equal(0u, t.Peek32(T.TssA + 0x20));
    }

    [Fact]
    public void A_TSS_below_the_minimum_limit_raises_TS_and_one_not_present_NP()
    {
        var t = Machine();
        t.Segment(T.TssBSel, T.TssB, 0x66, T.Tss32Available);
        var f = Assert.Throws<CpuFault>(() => t.Cpu.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump));
        Assert.Equal(Vector.TS, f.Vector);
        Assert.Equal((uint)T.TssBSel, f.ErrorCode);

        t.Segment(T.TssBSel, T.TssB, 0x67, T.Tss32Available & 0x7F);
        f = Assert.Throws<CpuFault>(() => t.Cpu.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump));
        Assert.Equal(Vector.NP, f.Vector);
        Assert.Equal((uint)T.TssBSel, f.ErrorCode);
        Assert.Equal(T.TssASel, t.Cpu.Tr.Selector);
        Assert.Equal(0xB, TypeOf(t, T.TssASel));
    }

    [Fact]
    public void IRET_to_a_back_link_that_is_not_a_busy_TSS_raises_TS()
    {
        var t = Machine();
        var c = t.Cpu;
        c.Eflags |= Flags.NT;
        t.Poke16(T.TssA, T.TssBSel); // available, not busy
        var f = Assert.Throws<CpuFault>(() => c.InterruptReturn(op32: true));
        Assert.Equal(Vector.TS, f.Vector);
        Assert.Equal((uint)T.TssBSel, f.ErrorCode);
        Assert.Equal(T.TssASel, c.Tr.Selector);
    }

    [Fact]
    public void A_bad_segment_in_the_new_TSS_faults_in_the_new_task()
    {
        var t = Machine(newSs: T.Data0); // SS DPL 0 for a ring-3 CS
        var c = t.Cpu;
        var f = Assert.Throws<CpuFault>(() => c.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump));
        Assert.Equal(Vector.TS, f.Vector);
        Assert.Equal((uint)T.Data0, f.ErrorCode);
        Assert.Equal(T.TssBSel, c.Tr.Selector); // the switch had happened
        Assert.Equal(NewEip, c.Eip);
        Assert.Equal(NewGpr, c.Gpr);
    }

    [Fact]
    public void A_16_bit_TSS_loads_words_with_ones_above_them_and_null_FS_GS()
    {
        var t = Machine();
        var c = t.Cpu;
        t.Poke16(T.Tss16 + 0x0E, 0x2000);          // IP
        t.Poke16(T.Tss16 + 0x10, 0x0003);          // FLAGS: CF
        ushort[] regs = [0x1234, 0x5678, 0x9ABC, 0xDEF0, 0x1122, 0x3344, 0x5566, 0x7788];
        for (int r = 0; r < 8; r++) t.Poke16(T.Tss16 + 0x12 + (uint)r * 2, regs[r]);
        ushort[] segs = [T.Data3, T.Code3, T.Data3, T.Data3];
        for (int s = 0; s < 4; s++) t.Poke16(T.Tss16 + 0x22 + (uint)s * 2, segs[s]);
        c.TaskSwitch(T.Tss16Sel, TaskSwitchSource.Jump);
        for (int r = 0; r < 8; r++) Assert.Equal(0xFFFF_0000u | regs[r], c.Gpr[r]);
        Assert.Equal(0x2000u, c.NextEip);
        Assert.Equal(0x3u, c.Eflags);
        Assert.Equal(0, c.Segs[Seg.FS].Selector);
        Assert.Equal(0, c.Segs[Seg.GS].Selector);
        Assert.Equal(T.Code3, c.Segs[Seg.CS].Selector);
        Assert.Equal(0x3, TypeOf(t, T.Tss16Sel)); // 16-bit busy
    }

    [Fact]
    public void A_switch_from_a_16_bit_task_saves_words()
    {
        var t = Machine();
        var c = t.Cpu;
        t.Segment(T.Tss16Sel, T.Tss16, 0x2B, 0x83); // busy: the current task
        c.Tr = t.Cache(T.Tss16Sel);
        t.Segment(T.TssASel, T.TssA, 0x67, T.Tss32Available);
        WriteTss32(t, T.TssA, NewEip, 0x2, T.Code0, T.Data0, T.Data0);
        c.TaskSwitch(T.TssASel, TaskSwitchSource.Call);
        Assert.Equal(0x0007, t.Peek16(T.Tss16 + 0x0E)); // IP: the low word of 0x10007
        Assert.Equal(0x246, t.Peek16(T.Tss16 + 0x10));
        for (int r = 0; r < 8; r++) Assert.Equal((ushort)OldGpr[r], t.Peek16(T.Tss16 + 0x12 + (uint)r * 2));
        Assert.Equal(T.Code0, t.Peek16(T.Tss16 + 0x24));
        Assert.Equal(T.Tss16Sel, t.Peek16(T.TssA)); // back link
        Assert.Equal(0x3, TypeOf(t, T.Tss16Sel)); // CALL keeps the old task busy
    }

    [Fact]
    public void An_exception_through_a_task_gate_pushes_its_error_code_on_the_new_tasks_stack()
    {
        var t = Machine(newCs: T.Code0, newSs: T.Data0);
        t.Gate(13, T.TssBSel, 0, T.TaskGate);
        t.Code(NewEip, T.Hlt);
        t.EnterRing3(CpuHarness.CodeAddress);
        t.Code(CpuHarness.CodeAddress, T.Hlt); // #GP(0) at CPL 3
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        var c = t.Cpu;
        Assert.Equal(T.TssBSel, c.Tr.Selector);
        Assert.Equal(NewEsp - 4, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(0u, t.Peek32(NewEsp - 4));
        Assert.Equal(Flags.NT, c.Eflags & Flags.NT);
        Assert.Equal(T.TssASel, t.Peek16(T.TssB));
        Assert.Equal(CpuHarness.CodeAddress, t.Peek32(T.TssA + 0x20)); // the faulting instruction
        Assert.Equal(T.Code3, t.Peek16(T.TssA + 0x4C));
        Assert.Equal(NewEip + 1, c.Eip);
    }

    [Fact]
    public void A_switch_to_a_32_bit_TSS_with_VM_set_starts_a_virtual_8086_task()
    {
        var t = Machine();
        var c = t.Cpu;
        WriteTss32(t, T.TssB, 0x0100, Flags.VM | 0x2, 0x2000, 0x3000, 0x4000);
        c.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump);
        Assert.True(c.V86Mode);
        Assert.Equal(3, c.Cpl);
        Assert.Equal(0x20000u, c.Segs[Seg.CS].Base);
        Assert.Equal(0x30000u, c.Segs[Seg.SS].Base);
        Assert.Equal(0x40000u, c.Segs[Seg.GS].Base);
        Assert.Equal(0x100u, c.NextEip);
    }

    [Fact]
    public void A_32_bit_TSS_loads_CR3_when_paging_is_on()
    {
        var t = Machine(newCs: T.Code0, newSs: T.Data0);
        var c = t.Cpu;
        // Two page directories, each mapping the first 4 MiB to itself with one 4 MiB page (P, RW, PS).
        const uint pd1 = 0x10_0000, pd2 = 0x10_1000;
        t.Poke32(pd1, 0x83);
        t.Poke32(pd2, 0x83);
        c.Cr4 |= CR4.PSE;
        c.Cr3 = pd1;
        c.Cr0 |= CR0.PG;
        c.FlushTlb();
        t.Poke32(T.TssB + 0x1C, pd2);
        t.Poke32(T.TssA + 0x1C, 0xDEAD_0000);
        c.TaskSwitch(T.TssBSel, TaskSwitchSource.Jump);
        Assert.Equal(pd2, c.Cr3);
        Assert.Equal(0xDEAD_0000u, t.Peek32(T.TssA + 0x1C)); // CR3 is not saved in the old TSS
        Assert.Equal(NewEip, c.NextEip);
    }

    /// <summary>
    /// The T flag of a 32-bit TSS (SDM vol. 3, 7.2.1): once the switch is complete a #DB trap is
    /// taken before the new task's first instruction, with DR6.BT (bit 15) set.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_TSS_with_its_T_flag_set_traps_before_the_new_tasks_first_instruction(bool trapFlag)
    {
        const uint Handler = 0x1_3000;
        var t = Machine();
        var c = t.Cpu;
        t.Poke16(T.TssB + 0x64, (ushort)(trapFlag ? 1 : 0));
        t.Poke32(T.TssB + 4, T.Ring0Stack);
        t.Poke32(T.TssB + 8, T.Data0);
        t.Gate(1, T.Code0, Handler, T.InterruptGate32);
        t.Code(Handler, T.Hlt);
        t.Code(NewEip, 0x90, 0x90, 0x0F, 0x0B);                    // NOP, NOP, then UD2 (#UD: no gate)
        t.Code(CpuHarness.CodeAddress, 0xEA, 0, 0, 0, 0, 0x30, 0); // JMP FAR TSS B:0
        c.Eip = CpuHarness.CodeAddress;

        var exit = c.Run(3);

        if (trapFlag)
        {
            Assert.Equal(Cpu.RunExit.Halted, exit);
            Assert.Equal(2, c.Icount);                              // the JMP and the handler's HLT
            Assert.Equal(T.Code0, c.Segs[Seg.CS].Selector);
            Assert.Equal(NewEip, t.Peek32(T.Ring0Stack - 20));     // return EIP: the first instruction, not run
            Assert.Equal(1u << 15, c.Dr[6] & (1u << 15));
        }
        else
        {
            Assert.Equal(3, c.Icount);                              // JMP, NOP, NOP: no trap
            Assert.Equal(NewEip + 2, c.Eip);
            Assert.Equal(0u, c.Dr[6] & (1u << 15));
        }
    }
}
