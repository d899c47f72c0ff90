using HexEmu.Domain.Cpu;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// <see cref="DebugTraps.StopBeforeIcount"/>: the CPU stops with Icount exactly at the target,
/// inside a block, inside a REP instruction, and after the interrupt due at that boundary.
/// </summary>
public class IcountStopTests
{
    private const uint Code = CpuHarness.CodeAddress;

    [Fact]
    public void The_cpu_stops_before_the_instruction_with_the_given_index_inside_a_block()
    {
        var code = new byte[41];
        Array.Fill(code, (byte)0x40); // inc eax, one byte each: one block
        code[40] = 0xF4;
        var h = CpuHarness.Flat32().LoadBytes(code);
        h.Cpu.Debug.StopBeforeIcount = 13;
        Assert.Equal(RunExit.DebugStop, h.Run(1000));
        Assert.Equal(13, h.Cpu.Icount);
        Assert.Equal(Code + 13, h.Cpu.Eip);
        Assert.Equal(13u, h.Reg(X86Cpu.EAX));
        Assert.IsType<DebugHit.IcountReached>(h.Cpu.Debug.Hit);
        Assert.Null(h.Cpu.Debug.StopBeforeIcount); // one-shot
        Assert.Equal(RunExit.Halted, h.Run(1000));
        Assert.Equal(41, h.Cpu.Icount);
    }

    [Fact]
    public void The_cpu_stops_between_two_iterations_of_a_rep_instruction()
    {
        // mov ecx, 100 (B9 imm32); rep stosb (F3 AA) at +5; hlt.
        var h = CpuHarness.Flat32().LoadBytes([0xB9, 100, 0, 0, 0, 0xF3, 0xAA, 0xF4]);
        h.Cpu.Gpr[X86Cpu.EDI] = CpuHarness.DataAddress;
        h.Cpu.Gpr[X86Cpu.EAX] = 0xAB;
        h.Cpu.Debug.StopBeforeIcount = 51; // the MOV and 50 iterations retired
        Assert.Equal(RunExit.DebugStop, h.Run(1000));
        Assert.Equal(51, h.Cpu.Icount);
        Assert.Equal(Code + 5, h.Cpu.Eip);
        Assert.Equal(50u, h.Reg(X86Cpu.ECX));
        Assert.Equal(CpuHarness.DataAddress + 50, h.Reg(X86Cpu.EDI));
        Assert.Equal(0xAB, h.Memory.Ram[(int)CpuHarness.DataAddress + 49]);
        Assert.Equal(0, h.Memory.Ram[(int)CpuHarness.DataAddress + 50]);
    }

    [Fact]
    public void A_stop_at_a_boundary_where_an_interrupt_is_due_shows_the_handlers_first_instruction()
    {
        // cli; nop; nop; sti; nop; hlt — a pending interrupt is taken after the NOP that follows
        // STI (its one-instruction shadow), i.e. at the boundary before instruction 5.
        var h = CpuHarness.RealMode().LoadBytes([0xFA, 0x90, 0x90, 0xFB, 0x90, 0xF4]);
        h.Poke32(0x40 * 4, 0x2000_0000); // vector 0x40 → 2000:0000
        h.Memory.Ram[0x20000] = 0xF4;
        h.Cpu.InterruptSource = new BreakpointTests.OneInterrupt(0x40);
        h.Cpu.Debug.StopBeforeIcount = 5;
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0u, h.Cpu.Eip);
        Assert.Equal(5u, (uint)BitConverter.ToUInt16(h.Memory.Ram[(0xFFF0 - 6)..])); // return IP: the HLT at 5
    }

    [Fact]
    public void A_run_whose_budget_ends_at_the_target_leaves_the_stop_to_the_next_run()
    {
        var h = CpuHarness.Flat32().LoadBytes([0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xF4]);
        h.Cpu.Debug.StopBeforeIcount = 4;
        Assert.Equal(RunExit.BudgetReached, h.Run(4));
        Assert.Equal(4, h.Cpu.Icount);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(4, h.Cpu.Icount);
    }

    [Fact]
    public void A_target_already_passed_never_stops_the_cpu()
    {
        var h = CpuHarness.Flat32().LoadBytes([0x90, 0x90, 0x90, 0xF4]);
        h.Run(2);
        h.Cpu.Debug.StopBeforeIcount = 1;
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(4, h.Cpu.Icount);
    }
}
