using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>The run loop's contract: exact instruction counts, exact stops, restartable faults.</summary>
public class CoreExecutionTests
{
    [Fact]
    public void Runs_exactly_the_requested_number_of_instructions()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            var top = a.CreateLabel();
            a.Label(ref top);
            a.mov(eax, 1);
            a.mov(ebx, 2);
            a.mov(ecx, 3);
            a.jmp(top);
        });
        Assert.Equal(RunExit.BudgetReached, h.Run(10));
        Assert.Equal(10, h.Cpu.Icount);
        // 10 = two full loops (8) + mov eax + mov ebx: the next instruction is mov ecx.
        Assert.Equal(CpuHarness.CodeAddress + 10, h.Cpu.Eip);
        Assert.Equal(2u, h.Reg(X86Cpu.EBX));
        Assert.Equal(3u, h.Reg(X86Cpu.ECX)); // set by the first loop
    }

    [Fact]
    public void A_run_split_into_slices_ends_in_the_same_state_as_one_run()
    {
        static CpuHarness Make() => CpuHarness.Flat32().Load(a =>
        {
            var top = a.CreateLabel();
            a.Label(ref top);
            a.mov(eax, __dword_ptr[0x20000]);
            a.mov(__dword_ptr[0x20004], eax);
            a.mov(ebx, eax);
            a.jmp(top);
        });
        var whole = Make();
        whole.Poke32(0x20000, 0x1234_5678);
        whole.Run(1000);
        var sliced = Make();
        sliced.Poke32(0x20000, 0x1234_5678);
        foreach (int n in new[] { 1, 2, 3, 5, 7, 11, 13, 958 }) sliced.Run(n);
        Assert.Equal(whole.Cpu.Icount, sliced.Cpu.Icount);
        Assert.Equal(whole.Cpu.Eip, sliced.Cpu.Eip);
        Assert.Equal(whole.Cpu.Gpr, sliced.Cpu.Gpr);
    }

    [Fact]
    public void Unimplemented_opcode_raises_invalid_opcode_in_real_mode()
    {
        // UD2 (0F 0B) must reach the #UD handler through the vector table: vector 6 at 0:0x18.
        var h = CpuHarness.RealMode();
        h.Poke32(6 * 4, 0x2000_0000); // handler at 2000:0000
        h.LoadBytes([0x0F, 0x0B]);
        h.Memory.Ram[0x20000] = 0xF4; // HLT at the handler
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(1, h.Cpu.Icount); // UD2 did not retire; HLT did
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        // The fault pushed FLAGS, CS and the IP of the faulting instruction below SP = 0xFFF0.
        Assert.Equal(0xFFEAu, h.Reg(X86Cpu.ESP));
        Assert.Equal(0x0002, BitConverter.ToUInt16(h.Memory.Ram[0xFFEE..]));
        Assert.Equal(0x1000, BitConverter.ToUInt16(h.Memory.Ram[0xFFEC..]));
        Assert.Equal(0x0000, BitConverter.ToUInt16(h.Memory.Ram[0xFFEA..]));
    }

    [Fact]
    public void A_fault_loop_that_retires_nothing_still_returns_to_the_caller()
    {
        // #UD's handler is the UD2 itself: every delivery faults again and nothing retires, so the
        // budget alone would never end the run.
        var h = CpuHarness.RealMode();
        h.Poke32(6 * 4, (CpuHarness.CodeAddress >> 4) << 16);
        h.LoadBytes([0x0F, 0x0B]);
        h.Cpu.LoadSegmentReal(Seg.SS, 0x8000); // the frames wrap around a stack away from the vector table
        var exit = h.Run(1000);
        Assert.True(exit == RunExit.Yielded, $"{exit} icount={h.Cpu.Icount} cs={h.Cpu.Segs[Seg.CS].Selector:x} eip={h.Cpu.Eip:x}");
        Assert.Equal(0, h.Cpu.Icount);
        Assert.Equal(0u, h.Cpu.Eip);
    }

    [Theory]
    [InlineData(15, 0x1000, 2)] // 14 operand-size prefixes + NOP: legal; NOP and the HLT after it retire
    [InlineData(16, 0x2000, 1)] // one prefix more: #GP(0) before anything retires; the handler's HLT does
    public void An_instruction_longer_than_15_bytes_raises_general_protection(int length, int haltedInCs, long retired)
    {
        var h = CpuHarness.RealMode();
        h.Poke32(13 * 4, 0x2000_0000); // #GP handler at 2000:0000: HLT
        h.Memory.Ram[0x20000] = 0xF4;
        h.LoadBytes([.. Enumerable.Repeat((byte)0x66, length - 1), 0x90, 0xF4]);
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(haltedInCs, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(retired, h.Cpu.Icount);
    }
}
