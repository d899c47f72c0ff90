using HexEmu.Domain.Cpu;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// Watchpoints: a data access touching a watched linear range stops the CPU after the accessing
/// instruction (or REP iteration), naming that instruction's index. Raw 32-bit encodings (SDM
/// vol. 2): B8/B9 imm32 = mov eax/ecx, imm32 (5 bytes); A3 addr32 = mov [addr], eax and A1 addr32
/// = mov eax, [addr] (5 bytes); 43 = inc ebx; F4 = hlt.
/// </summary>
public class WatchpointTests
{
    private const uint Code = CpuHarness.CodeAddress;
    private const uint Data = CpuHarness.DataAddress;

    private static byte[] Addr(uint a) => BitConverter.GetBytes(a);

    /// <summary>mov eax, 0x11223344 (+0); mov [Data + 0x10], eax (+5); inc ebx (+10); inc ebx (+11); hlt (+12).</summary>
    private static CpuHarness StoreProgram() =>
        CpuHarness.Flat32().LoadBytes([0xB8, 0x44, 0x33, 0x22, 0x11, 0xA3, .. Addr(Data + 0x10), 0x43, 0x43, 0xF4]);

    /// <summary>mov eax, [Data + 0x10] (+0); inc ebx (+5); inc ebx (+6); hlt (+7).</summary>
    private static CpuHarness LoadProgram() =>
        CpuHarness.Flat32().LoadBytes([0xA1, .. Addr(Data + 0x10), 0x43, 0x43, 0xF4]);

    [Fact]
    public void A_write_watch_stops_after_the_storing_instruction_which_completed()
    {
        var h = StoreProgram();
        var watch = new Watchpoint(Data + 0x12, 1, WatchKind.Write); // one byte inside the dword stored
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, Write: true, TriggerIcount: 1), h.Cpu.Debug.Hit);
        Assert.Equal(2, h.Cpu.Icount);
        Assert.Equal(Code + 10, h.Cpu.Eip);
        Assert.Equal(0x1122_3344u, h.Peek32(Data + 0x10));
        Assert.Equal(0u, h.Reg(X86Cpu.EBX));
        h.Cpu.Debug.ClearHit();
        Assert.Equal(RunExit.Halted, h.Run(100)); // nothing else touches it
        Assert.Equal(2u, h.Reg(X86Cpu.EBX));
    }

    [Fact]
    public void A_read_watch_stops_after_a_load_and_ignores_a_store()
    {
        var load = LoadProgram();
        var watch = new Watchpoint(Data + 0x13, 4, WatchKind.Read); // overlaps the dword's last byte
        load.Cpu.Debug.AddWatchpoint(watch);
        load.Poke32(Data + 0x10, 0xCAFE_F00D);
        Assert.Equal(RunExit.DebugStop, load.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, Write: false, TriggerIcount: 0), load.Cpu.Debug.Hit);
        Assert.Equal(1, load.Cpu.Icount);
        Assert.Equal(0xCAFE_F00Du, load.Reg(X86Cpu.EAX));

        var store = StoreProgram();
        store.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.Halted, store.Run(100));
    }

    [Fact]
    public void An_access_watch_stops_on_loads_and_stores()
    {
        var watch = new Watchpoint(Data + 0x10, 4, WatchKind.Access);
        var load = LoadProgram();
        load.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, load.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, false, 0), load.Cpu.Debug.Hit);

        var store = StoreProgram();
        store.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, store.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, true, 1), store.Cpu.Debug.Hit);
    }

    [Fact]
    public void A_watch_next_to_the_bytes_accessed_does_not_stop()
    {
        var h = StoreProgram();
        h.Cpu.Debug.AddWatchpoint(new Watchpoint(Data + 0x14, 4, WatchKind.Access)); // just after the dword
        h.Cpu.Debug.AddWatchpoint(new Watchpoint(Data + 0x0C, 4, WatchKind.Access)); // just before it
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
    }

    [Fact]
    public void A_write_watch_added_after_the_tlb_cached_the_page_as_writable_still_stops()
    {
        // mov [Data + 0x10], eax (+0); mov [Data + 0x14], eax (+5); mov [Data + 0x10], eax (+10); hlt (+15).
        var h = CpuHarness.Flat32().LoadBytes([0xA3, .. Addr(Data + 0x10), 0xA3, .. Addr(Data + 0x14), 0xA3, .. Addr(Data + 0x10), 0xF4]);
        Assert.Equal(RunExit.BudgetReached, h.Run(1)); // the first store: the page's write translation is cached
        var watch = new Watchpoint(Data + 0x10, 4, WatchKind.Write);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, true, 2), h.Cpu.Debug.Hit);
        Assert.Equal(3, h.Cpu.Icount);
    }

    [Fact]
    public void Instruction_fetches_do_not_hit_watches()
    {
        var h = StoreProgram();
        h.Cpu.Debug.AddWatchpoint(new Watchpoint(Code, 13, WatchKind.Access)); // every byte of the program
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
        Assert.Null(h.Cpu.Debug.Hit);
    }

    [Fact]
    public void Disarmed_watchpoints_do_not_stop_and_removed_ones_are_gone()
    {
        var watch = new Watchpoint(Data + 0x10, 4, WatchKind.Write);
        var disarmed = StoreProgram();
        disarmed.Cpu.Debug.AddWatchpoint(watch);
        disarmed.Cpu.Debug.WatchpointsEnabled = false;
        Assert.Equal(RunExit.Halted, disarmed.Run(100));

        var removed = StoreProgram();
        removed.Cpu.Debug.AddWatchpoint(watch);
        Assert.True(removed.Cpu.Debug.RemoveWatchpoint(watch));
        Assert.False(removed.Cpu.Debug.RemoveWatchpoint(watch));
        Assert.Equal(RunExit.Halted, removed.Run(100));
    }

    [Fact]
    public void Rep_stosb_into_a_watched_range_stops_after_the_iteration_that_wrote_it()
    {
        // mov ecx, 16 (+0); rep stosb (+5); hlt (+7). Iteration k writes Data + k and has index 1 + k.
        var h = CpuHarness.Flat32().LoadBytes([0xB9, 16, 0, 0, 0, 0xF3, 0xAA, 0xF4]);
        h.Cpu.Gpr[X86Cpu.EDI] = Data;
        h.Cpu.Gpr[X86Cpu.EAX] = 0x5A;
        var watch = new Watchpoint(Data + 5, 1, WatchKind.Write);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 5, true, 6), h.Cpu.Debug.Hit);
        Assert.Equal(7, h.Cpu.Icount);
        Assert.Equal(Code + 5, h.Cpu.Eip); // still at the REP STOSB, which has iterations left
        Assert.Equal(10u, h.Reg(X86Cpu.ECX));
        Assert.Equal(Data + 6, h.Reg(X86Cpu.EDI));
        Assert.Equal(0x5A, h.Memory.Ram[(int)Data + 5]);
        Assert.Equal(0, h.Memory.Ram[(int)Data + 6]);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(18, h.Cpu.Icount);
        Assert.Equal(0x5A, h.Memory.Ram[(int)Data + 15]);
    }

    [Fact]
    public void Rep_movsd_reading_a_watched_source_stops_after_that_iteration()
    {
        // rep movsd (F3 A5) at +0; hlt. Iteration k reads Src + 4k.
        var h = CpuHarness.Flat32().LoadBytes([0xF3, 0xA5, 0xF4]);
        const uint src = Data, dst = Data + 0x1_0000;
        h.Cpu.Gpr[X86Cpu.ESI] = src;
        h.Cpu.Gpr[X86Cpu.EDI] = dst;
        h.Cpu.Gpr[X86Cpu.ECX] = 3000; // 12000 bytes: across pages
        var watch = new Watchpoint(src + 0x1FFE, 1, WatchKind.Read); // read by iteration 0x7FF
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(10_000));
        Assert.Equal(new DebugHit.WatchHit(watch, src + 0x1FFC, false, 0x7FF), h.Cpu.Debug.Hit);
        Assert.Equal(0x800, h.Cpu.Icount);
        Assert.Equal(3000u - 0x800, h.Reg(X86Cpu.ECX));
        Assert.Equal(src + 0x2000, h.Reg(X86Cpu.ESI));
    }

    [Fact]
    public void A_hit_in_an_instruction_that_then_faults_is_reported_after_the_fault_was_delivered()
    {
        // Real mode, a32 movsb (67 A4): reads DS:ESI (watched), then the write to ES:EDI beyond
        // ES's 64 KiB limit raises #GP, whose handler is a HLT at 3000:000D.
        var h = CpuHarness.RealMode().LoadBytes([0x67, 0xA4, 0xF4]);
        h.Poke32(13 * 4, 0x3000_000D);
        h.Memory.Ram[0x3000D] = 0xF4;
        h.Cpu.Gpr[X86Cpu.ESI] = 0x5000;
        h.Cpu.Gpr[X86Cpu.EDI] = 0x1_0000;
        var watch = new Watchpoint(0x5000, 1, WatchKind.Read);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, 0x5000, false, 0), h.Cpu.Debug.Hit);
        Assert.Equal(0, h.Cpu.Icount); // the MOVSB faulted: it did not retire
        Assert.Equal(0x3000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0x0Du, h.Cpu.Eip);
        Assert.Equal(0x5000u, h.Reg(X86Cpu.ESI)); // restartable: nothing changed
    }

    [Fact]
    public void The_stack_pushes_of_a_software_interrupt_hit_a_write_watch()
    {
        // Real mode: int 0x40 (CD 40) at IP 0 pushes FLAGS at SS:FFEE, CS at FFEC, IP at FFEA.
        var h = CpuHarness.RealMode().LoadBytes([0xCD, 0x40, 0xF4]);
        h.Poke32(0x40 * 4, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xF4;
        var watch = new Watchpoint(0xFFEC, 2, WatchKind.Write);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, 0xFFEC, true, 0), h.Cpu.Debug.Hit);
        Assert.Equal(1, h.Cpu.Icount);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0u, h.Cpu.Eip);
    }

    [Fact]
    public void The_stack_pushes_of_an_external_interrupt_hit_at_the_boundary_where_it_is_delivered()
    {
        var h = CpuHarness.RealMode().LoadBytes([0x90, 0x90, 0xF4]);
        h.Poke32(0x40 * 4, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xF4;
        h.Cpu.InterruptSource = new BreakpointTests.OneInterrupt(0x40);
        h.Run(1); // IF is clear: the NOP at 0 runs
        h.Cpu.Eflags |= Flags.IF;
        var watch = new Watchpoint(0xFFEA, 2, WatchKind.Write); // where IP is pushed
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        // Delivered at the boundary before instruction 1, which is where the CPU stands.
        Assert.Equal(new DebugHit.WatchHit(watch, 0xFFEA, true, 1), h.Cpu.Debug.Hit);
        Assert.Equal(1, h.Cpu.Icount);
        Assert.Equal(0x2000, h.Cpu.Segs[Seg.CS].Selector);
    }

    [Fact]
    public void A_hit_by_the_last_instruction_of_a_run_is_reported_by_the_next_run()
    {
        var h = StoreProgram();
        var watch = new Watchpoint(Data + 0x10, 4, WatchKind.Write);
        h.Cpu.Debug.AddWatchpoint(watch);
        Assert.Equal(RunExit.BudgetReached, h.Run(2)); // the store is the run's last instruction
        Assert.True(h.Cpu.Debug.WatchHitPending);
        Assert.Equal(RunExit.DebugStop, h.Run(100));
        Assert.Equal(new DebugHit.WatchHit(watch, Data + 0x10, true, 1), h.Cpu.Debug.Hit);
        Assert.Equal(2, h.Cpu.Icount);
        Assert.False(h.Cpu.Debug.WatchHitPending);
    }

    [Fact]
    public void Clearing_all_traps_drops_a_hit_not_reported_yet()
    {
        var h = StoreProgram();
        h.Cpu.Debug.AddWatchpoint(new Watchpoint(Data + 0x10, 4, WatchKind.Write));
        h.Cpu.Debug.AddBreakpoint(Code + 11);
        h.Cpu.Debug.StopBeforeIcount = 4;
        h.Run(2);
        h.Cpu.Debug.ClearAll();
        Assert.False(h.Cpu.Debug.WatchHitPending);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(5, h.Cpu.Icount);
        Assert.Null(h.Cpu.Debug.Hit);
    }
}
