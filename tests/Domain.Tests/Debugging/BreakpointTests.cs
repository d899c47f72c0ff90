using HexEmu.Domain.Cpu;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.State;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// Breakpoints: the CPU stops just before the instruction at the breakpoint's linear address
/// (CS.base + EIP), even in the middle of a decoded block. Programs are raw bytes so that every
/// instruction's address and index is known by hand (32-bit encodings from SDM vol. 2).
/// </summary>
public class BreakpointTests
{
    private const uint Code = CpuHarness.CodeAddress;

    private static CpuHarness Nops(int count)
    {
        var code = new byte[count + 1];
        Array.Fill(code, (byte)0x90); // nop
        code[count] = 0xF4;           // hlt
        return CpuHarness.Flat32().LoadBytes(code);
    }

    /// <summary>
    /// mov ecx, 3 (B9 imm32) at +0; loop: inc eax (40) at +5; dec ecx (49) at +6; jnz loop
    /// (75 FC) at +7; hlt (F4) at +9. Each pass through the loop is one block of three.
    /// </summary>
    private static CpuHarness CountingLoop() =>
        CpuHarness.Flat32().LoadBytes([0xB9, 3, 0, 0, 0, 0x40, 0x49, 0x75, 0xFC, 0xF4]);

    [Fact]
    public void A_breakpoint_in_the_middle_of_a_block_stops_just_before_that_instruction()
    {
        var h = Nops(20);
        h.Cpu.Debug.AddBreakpoint(Code + 7);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(7, h.Cpu.Icount);
        Assert.Equal(Code + 7, h.Cpu.Eip);
        Assert.Equal(new DebugHit.Breakpoint(Code + 7), h.Cpu.Debug.Hit);
    }

    [Fact]
    public void A_breakpoint_not_resumed_over_stops_again_at_the_same_place()
    {
        var h = Nops(20);
        h.Cpu.Debug.AddBreakpoint(Code + 7);
        h.Run(100);
        h.Cpu.Debug.ClearHit();
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(7, h.Cpu.Icount);
        Assert.Equal(new DebugHit.Breakpoint(Code + 7), h.Cpu.Debug.Hit);
    }

    [Fact]
    public void A_breakpoint_on_the_first_instruction_stops_before_anything_runs()
    {
        var h = Nops(4);
        h.Cpu.Debug.AddBreakpoint(Code);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(0, h.Cpu.Icount);
        Assert.Equal(Code, h.Cpu.Eip);
    }

    [Fact]
    public void Ignoring_the_breakpoint_at_the_stop_resumes_until_its_next_hit()
    {
        var h = CountingLoop();
        h.Cpu.Debug.AddBreakpoint(Code + 6); // dec ecx, second in its block
        // Positions: 0 mov, 1 inc, 2 dec (first hit), 3 jnz, 4 inc, 5 dec (second), 6 jnz, 7 inc, 8 dec (third), 9 jnz, 10 hlt.
        long[] hits = [2, 5, 8];
        for (int k = 0; k < hits.Length; k++)
        {
            Assert.Equal(RunExit.DebugStop, h.Run(100));
            Assert.Equal(hits[k], h.Cpu.Icount);
            Assert.Equal(Code + 6, h.Cpu.Eip);
            Assert.Equal((uint)(k + 1), h.Reg(X86Cpu.EAX));
            h.Cpu.Debug.IgnoreBreakpointsAt(h.Cpu.Icount);
        }
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(11, h.Cpu.Icount);
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void An_ignored_icount_is_forgotten_once_passed()
    {
        var h = CountingLoop();
        var start = new StateWriter();
        h.Cpu.SaveState(start);
        h.Cpu.Debug.AddBreakpoint(Code + 6);
        h.Cpu.Debug.IgnoreBreakpointsAt(2);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
        // Back at the start, icount 2 is no longer ignored: the CPU went past it.
        h.Cpu.LoadState(new StateReader(start.ToArray()));
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(2, h.Cpu.Icount);
    }

    [Fact]
    public void Disarmed_breakpoints_stay_set_but_do_not_stop()
    {
        var h = CountingLoop();
        h.Cpu.Debug.AddBreakpoint(Code + 6);
        h.Cpu.Debug.BreakpointsEnabled = false;
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(11, h.Cpu.Icount);
        Assert.Equal([Code + 6], h.Cpu.Debug.Breakpoints);
    }

    [Fact]
    public void Breakpoints_are_counted_so_each_addition_needs_its_removal()
    {
        var h = Nops(10);
        var d = h.Cpu.Debug;
        d.AddBreakpoint(Code + 3);
        d.AddBreakpoint(Code + 3);
        Assert.True(d.RemoveBreakpoint(Code + 3));
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(3, h.Cpu.Icount);
        Assert.True(d.RemoveBreakpoint(Code + 3));
        Assert.False(d.RemoveBreakpoint(Code + 3));
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(11, h.Cpu.Icount);
    }

    [Fact]
    public void A_breakpoint_inside_an_instruction_never_stops()
    {
        var h = CountingLoop();
        h.Cpu.Debug.AddBreakpoint(Code + 2); // an immediate byte of mov ecx, 3
        h.Cpu.Debug.AddBreakpoint(Code + 8); // jnz's displacement
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(11, h.Cpu.Icount);
    }

    [Fact]
    public void A_breakpoint_on_a_rep_instruction_stops_before_each_iteration()
    {
        // mov ecx, 3 (B9 imm32); rep stosb (F3 AA) at +5; hlt at +7.
        var h = CpuHarness.Flat32().LoadBytes([0xB9, 3, 0, 0, 0, 0xF3, 0xAA, 0xF4]);
        h.Cpu.Gpr[X86Cpu.EDI] = CpuHarness.DataAddress;
        h.Cpu.Debug.AddBreakpoint(Code + 5);
        // Each iteration is an instruction on the icount clock, at the same address.
        for (long icount = 1; icount <= 3; icount++)
        {
            Assert.Equal(RunExit.DebugStop, h.Run(100));
            Assert.Equal(icount, h.Cpu.Icount);
            Assert.Equal(Code + 5, h.Cpu.Eip);
            Assert.Equal(4u - (uint)icount, h.Reg(X86Cpu.ECX));
            h.Cpu.Debug.IgnoreBreakpointsAt(icount);
        }
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void In_real_mode_the_breakpoint_address_is_the_segment_base_plus_ip()
    {
        var h = CpuHarness.RealMode().LoadBytes([0x90, 0x90, 0x90, 0xF4]); // CS = 0x1000, IP = 0
        h.Cpu.Debug.AddBreakpoint(0x1_0002);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(2, h.Cpu.Icount);
        Assert.Equal(2u, h.Cpu.Eip);
    }

    [Fact]
    public void A_breakpoint_at_an_interrupt_handler_stops_after_the_interrupt_was_delivered()
    {
        var h = CpuHarness.RealMode().LoadBytes([0x90, 0x90, 0xF4]);
        h.Poke32(0x40 * 4, 0x2000_0000);        // vector 0x40 → 2000:0000
        h.Memory.Ram[0x20000] = 0xF4;
        h.Cpu.InterruptSource = new OneInterrupt(0x40);
        h.Cpu.Eflags |= Flags.IF;
        h.Cpu.Debug.AddBreakpoint(0x2_0000);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(0, h.Cpu.Icount);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0u, h.Cpu.Eip);
        Assert.Equal(0xFFF0u - 6, h.Reg(X86Cpu.ESP)); // FLAGS, CS and IP were pushed
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
