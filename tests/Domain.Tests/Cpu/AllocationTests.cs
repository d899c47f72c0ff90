using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Once its code is decoded and its pages are in the TLB, a running guest allocates nothing:
/// no garbage collection can then disturb the run loop's timing, and handlers stay cheap.
/// </summary>
public class AllocationTests
{
    /// <summary>
    /// Runs slices of 200,000 instructions until three in a row allocate nothing. The first
    /// slices may allocate once while the .NET JIT moves hot methods to their optimized tier (on
    /// its own schedule); an allocation per instruction, block or TLB fill never reaches zero.
    /// </summary>
    private static void AssertSteadyStateAllocatesNothing(CpuHarness h)
    {
        h.Run(20_000); // warm-up: decode the blocks, fill the TLB
        var seen = new List<long>();
        int zerosInARow = 0;
        for (int slice = 0; slice < 30 && zerosInARow < 3; slice++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var exit = h.Run(200_000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(RunExit.BudgetReached, exit);
            seen.Add(allocated);
            zerosInARow = allocated == 0 ? zerosInARow + 1 : 0;
        }
        Assert.True(zerosInARow == 3, $"bytes allocated per slice: {string.Join(", ", seen)}");
    }

    private static void Loop(Iced.Intel.Assembler a)
    {
        var top = a.CreateLabel();
        var skip = a.CreateLabel();
        a.Label(ref top);
        a.mov(eax, __dword_ptr[0x20000]);
        a.mov(__dword_ptr[0x20004], eax);
        a.mov(bl, __byte_ptr[0x20001]);
        a.mov(__word_ptr[0x20008], cx);
        a.jne(skip);
        a.mov(edx, 5);
        a.Label(ref skip);
        a.jmp(top);
    }

    [Fact]
    public void A_steady_state_loop_allocates_nothing()
    {
        AssertSteadyStateAllocatesNothing(CpuHarness.Flat32().Load(Loop));
    }

    [Fact]
    public void A_steady_state_loop_with_paging_allocates_nothing()
    {
        var h = CpuHarness.Flat32().Load(Loop);
        const uint Pd = 0x3_0000, Pt = 0x3_1000;
        for (uint i = 0; i < 1024; i++) h.Poke32(Pt + i * 4, (i << 12) | 7);
        h.Poke32(Pd, Pt | 7);
        h.Cpu.Cr3 = Pd;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        AssertSteadyStateAllocatesNothing(h);
    }
}
