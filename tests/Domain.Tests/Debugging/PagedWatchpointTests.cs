using HexEmu.Domain.Cpu;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// Watchpoints with paging on: they watch linear addresses, whatever physical page is behind
/// them, and arming them leaves the TLB as the guest would see it (no extra page walks, so no
/// accessed bit set again behind a guest that cleared it without INVLPG — SDM vol. 3, 4.10.4.3:
/// the processor need not walk again while it holds the translation).
/// </summary>
public class PagedWatchpointTests
{
    private const uint PageDirectory = 0x3_0000;
    private const uint PageTable = 0x3_1000;
    private const uint P = 1, W = 2, U = 4, A = 0x20;
    private const uint Remapped = 0x5000; // linear 0x5000 → physical 0x7000
    private const uint Code = CpuHarness.CodeAddress;

    private static byte[] Addr(uint a) => BitConverter.GetBytes(a);

    /// <summary>Flat 32-bit mode, paging on: the first 4 MiB identity-mapped except linear 0x5000, mapped to physical 0x7000.</summary>
    private static CpuHarness Paged(byte[] code)
    {
        var h = CpuHarness.Flat32().LoadBytes(code);
        for (uint i = 0; i < 1024; i++) h.Poke32(PageTable + i * 4, (i << 12) | P | W | U);
        h.Poke32(PageTable + (Remapped >> 12) * 4, 0x7000 | P | W | U);
        h.Poke32(PageDirectory, PageTable | P | W | U);
        h.Cpu.Cr3 = PageDirectory;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        return h;
    }

    [Fact]
    public void A_watch_is_on_the_linear_address_not_on_the_physical_byte_behind_it()
    {
        // mov [0x7010], eax (+0): physical 0x7010 through the identity mapping;
        // mov [0x5010], eax (+5): the same physical byte through the remapped page; hlt (+10).
        var h = Paged([0xA3, .. Addr(0x7010), 0xA3, .. Addr(Remapped + 0x10), 0xF4]);
        h.Cpu.Gpr[X86Cpu.EAX] = 0xA5A5_A5A5;
        var watch = new Watchpoint(Remapped + 0x10, 4, WatchKind.Write);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Remapped + 0x10, true, 1), h.Cpu.Debug.Hit);
        Assert.Equal(2, h.Cpu.Icount);
        Assert.Equal(0xA5A5_A5A5u, h.Peek32(0x7010));
    }

    /// <summary>
    /// mov eax, [0x5000] (+0: the TLB now holds the page, PTE.A set); and dword [pte of 0x5000],
    /// ~A (+5: 81 25 addr32 imm32, clears A behind the TLB's back); mov eax, [0x5000] (+15: a TLB
    /// hit, A stays clear); hlt (+20).
    /// </summary>
    private static byte[] ClearAccessedBehindTheTlb() =>
        [0xA1, .. Addr(Remapped), 0x81, 0x25, .. Addr(PageTable + (Remapped >> 12) * 4), .. Addr(~A), 0xA1, .. Addr(Remapped), 0xF4];

    [Fact]
    public void Arming_a_watch_on_a_cached_page_walks_no_page_table_again()
    {
        var plain = Paged(ClearAccessedBehindTheTlb());
        Assert.Equal(RunExit.Halted, plain.Run(100));
        Assert.Equal(0u, plain.Peek32(PageTable + (Remapped >> 12) * 4) & A); // the reference: no walk after the AND

        var armed = Paged(ClearAccessedBehindTheTlb());
        Assert.Equal(RunExit.BudgetReached, armed.Run(1));
        // Watches on the same page (never touched) and on the page-table page itself.
        armed.Cpu.Debug.AddWatchpoint(new Watchpoint(Remapped + 0x800, 4, WatchKind.Access));
        armed.Cpu.Debug.AddWatchpoint(new Watchpoint(PageTable + 0x800, 4, WatchKind.Write));
        Assert.Equal(RunExit.Halted, armed.Run(100));
        Assert.Equal(0u, armed.Peek32(PageTable + (Remapped >> 12) * 4) & A);
        Assert.Equal(plain.Reg(X86Cpu.EAX), armed.Reg(X86Cpu.EAX));
        Assert.Equal(4, armed.Cpu.Icount);
    }

    [Fact]
    public void Removing_the_watch_puts_the_page_back_on_the_fast_path_without_a_walk()
    {
        var armed = Paged(ClearAccessedBehindTheTlb());
        var watch = new Watchpoint(Remapped + 0x800, 4, WatchKind.Access);
        armed.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.BudgetReached, armed.Run(2)); // the page was cached while watched
        Assert.True(armed.Cpu.Debug.RemoveWatchpoint(watch));
        Assert.Equal(RunExit.Halted, armed.Run(100));
        Assert.Equal(0u, armed.Peek32(PageTable + (Remapped >> 12) * 4) & A);
    }

    [Fact]
    public void A_watch_on_a_page_read_through_the_tlb_stops_a_later_load()
    {
        // mov eax, [0x5000] (+0); mov eax, [0x5004] (+5); hlt (+10).
        var h = Paged([0xA1, .. Addr(Remapped), 0xA1, .. Addr(Remapped + 4), 0xF4]);
        Assert.Equal(RunExit.BudgetReached, h.Run(1));
        var watch = new Watchpoint(Remapped + 4, 4, WatchKind.Read);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Remapped + 4, false, 1), h.Cpu.Debug.Hit);
        Assert.Equal(Code + 10, h.Cpu.Eip);
    }
}
