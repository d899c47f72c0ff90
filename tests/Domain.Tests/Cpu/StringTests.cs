using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// String instructions with and without REP: iteration counting, interruptibility, restartable
/// faults in the middle, direction, address-size wraparound, overlap (SDM vol. 2, MOVS/REP).
/// </summary>
public class StringTests
{
    private const uint Src = 0x20000, Dst = 0x30000;

    private static CpuHarness RepMovsb(int count)
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.rep.movsb();
            a.hlt();
        });
        for (int k = 0; k < count; k++) h.Memory.Ram[(int)Src + k] = (byte)(k * 7 + 1);
        h.Cpu.Gpr[X86Cpu.ESI] = Src;
        h.Cpu.Gpr[X86Cpu.EDI] = Dst;
        h.Cpu.Gpr[X86Cpu.ECX] = (uint)count;
        return h;
    }

    [Fact]
    public void Rep_movsb_copies_across_pages_and_counts_every_iteration()
    {
        var h = RepMovsb(10000);
        Assert.Equal(RunExit.Halted, h.Run(1_000_000));
        Assert.Equal(10000 + 1, h.Cpu.Icount);
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
        Assert.Equal(Src + 10000, h.Reg(X86Cpu.ESI));
        Assert.Equal(Dst + 10000, h.Reg(X86Cpu.EDI));
        for (int k = 0; k < 10000; k++) Assert.Equal((byte)(k * 7 + 1), h.Memory.Ram[(int)Dst + k]);
        Assert.Equal(0, h.Memory.Ram[(int)Dst + 10000]);
    }

    [Fact]
    public void Rep_movsb_stops_exactly_at_the_budget_and_resumes()
    {
        var h = RepMovsb(10000);
        Assert.Equal(RunExit.BudgetReached, h.Run(100));
        Assert.Equal(100, h.Cpu.Icount);
        Assert.Equal(CpuHarness.CodeAddress, h.Cpu.Eip); // still at the REP MOVSB
        Assert.Equal(9900u, h.Reg(X86Cpu.ECX));
        Assert.Equal(Src + 100, h.Reg(X86Cpu.ESI));
        Assert.Equal(0, h.Memory.Ram[(int)Dst + 100]);
        Assert.Equal(RunExit.BudgetReached, h.Run(9900));
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
        Assert.Equal(CpuHarness.CodeAddress + 2, h.Cpu.Eip); // at the HLT
        Assert.Equal(unchecked((byte)(9999 * 7 + 1)), h.Memory.Ram[(int)Dst + 9999]);
    }

    [Fact]
    public void Overlapping_forward_movsb_propagates_the_first_byte()
    {
        // Byte by byte, [s+1] ← [s], [s+2] ← [s+1] …: the whole range becomes the first byte.
        var h = RepMovsb(64);
        h.Cpu.Gpr[X86Cpu.EDI] = Src + 1;
        h.Cpu.Gpr[X86Cpu.ECX] = 63;
        h.Run(63);
        for (int k = 0; k < 64; k++) Assert.Equal(1, h.Memory.Ram[(int)Src + k]);
    }

    [Fact]
    public void Movsd_with_df_set_copies_downwards()
    {
        var h = CpuHarness.Flat32().Load(a => a.rep.movsd());
        for (uint k = 0; k < 4; k++) h.Poke32(Src + 4 * k, 0x1000 + k);
        h.Cpu.Eflags |= Flags.DF;
        h.Cpu.Gpr[X86Cpu.ESI] = Src + 12;
        h.Cpu.Gpr[X86Cpu.EDI] = Dst + 12;
        h.Cpu.Gpr[X86Cpu.ECX] = 4;
        h.Run(4);
        for (uint k = 0; k < 4; k++) Assert.Equal(0x1000 + k, h.Peek32(Dst + 4 * k));
        Assert.Equal(Src - 4, h.Reg(X86Cpu.ESI));
        Assert.Equal(Dst - 4, h.Reg(X86Cpu.EDI));
        Assert.Equal(CpuHarness.CodeAddress + 2, h.Cpu.Eip);
    }

    [Fact]
    public void Rep_stosd_fills_across_pages()
    {
        var h = CpuHarness.Flat32().Load(a => a.rep.stosd());
        h.Cpu.Gpr[X86Cpu.EAX] = 0xDEAD_BEEF;
        h.Cpu.Gpr[X86Cpu.EDI] = Dst + 2; // unaligned on purpose
        h.Cpu.Gpr[X86Cpu.ECX] = 0x1000;
        h.Run(0x1000);
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
        Assert.Equal(Dst + 2 + 0x4000, h.Reg(X86Cpu.EDI));
        Assert.Equal(0xBEEF_0000u, h.Peek32(Dst));
        Assert.Equal(0xDEAD_BEEFu, h.Peek32(Dst + 0x1FFE)); // straddles a page boundary
        Assert.Equal(0xDEAD_BEEFu, h.Peek32(Dst + 0x3FFE));
        Assert.Equal(0u, h.Peek32(Dst + 0x4002));
    }

    [Fact]
    public void Rep_stosw_with_16_bit_addressing_wraps_di_at_64_KiB()
    {
        var h = CpuHarness.RealMode().Load(a => a.rep.stosw());
        h.Cpu.LoadSegmentReal(Seg.ES, 0x5000);
        h.Cpu.Gpr[X86Cpu.EAX] = 0xA55A;
        h.Cpu.Gpr[X86Cpu.EDI] = 0x1234_FFFC; // only DI is used and changed
        h.Cpu.Gpr[X86Cpu.ECX] = 0xFFFF_0004;
        h.Run(4);
        Assert.Equal(0xA55A, h.Peek16(0x5FFFC));
        Assert.Equal(0xA55A, h.Peek16(0x5FFFE));
        Assert.Equal(0xA55A, h.Peek16(0x50000));
        Assert.Equal(0xA55A, h.Peek16(0x50002));
        Assert.Equal(0x1234_0004u, h.Reg(X86Cpu.EDI));
        Assert.Equal(0xFFFF_0000u, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void Rep_with_a_zero_count_retires_once_and_does_nothing()
    {
        var h = CpuHarness.Flat32().Load(a => a.rep.stosb());
        h.Cpu.Gpr[X86Cpu.EDI] = Dst;
        h.Cpu.Gpr[X86Cpu.EAX] = 0xFF;
        h.Run(1);
        Assert.Equal(1, h.Cpu.Icount);
        Assert.Equal(CpuHarness.CodeAddress + 2, h.Cpu.Eip);
        Assert.Equal(Dst, h.Reg(X86Cpu.EDI));
        Assert.Equal(0, h.Memory.Ram[(int)Dst]);
    }

    [Fact]
    public void Repe_cmpsb_stops_at_the_first_difference()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.repe.cmpsb();
            a.hlt();
        });
        "abcX"u8.CopyTo(h.Memory.Ram[(int)Src..]);
        "abcY"u8.CopyTo(h.Memory.Ram[(int)Dst..]);
        h.Cpu.Gpr[X86Cpu.ESI] = Src;
        h.Cpu.Gpr[X86Cpu.EDI] = Dst;
        h.Cpu.Gpr[X86Cpu.ECX] = 10;
        h.Run(100);
        Assert.Equal(4 + 1, h.Cpu.Icount); // four compares and the HLT
        Assert.Equal(6u, h.Reg(X86Cpu.ECX));
        Assert.Equal(Src + 4, h.Reg(X86Cpu.ESI));
        Assert.Equal(Dst + 4, h.Reg(X86Cpu.EDI));
        // 'X' − 'Y' = 58h − 59h = FFh: borrow (CF), SF, AF, PF (eight one bits), ZF clear.
        Assert.Equal(Flags.CF | Flags.SF | Flags.AF | Flags.PF, h.Cpu.Eflags & Flags.Status);
    }

    [Fact]
    public void Repne_scasb_finds_the_terminating_zero()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.repne.scasb();
            a.hlt();
        });
        "hello\0"u8.CopyTo(h.Memory.Ram[(int)Dst..]);
        h.Cpu.Gpr[X86Cpu.EDI] = Dst;
        h.Cpu.Gpr[X86Cpu.ECX] = 0xFFFF_FFFF;
        h.Cpu.Gpr[X86Cpu.EAX] = 0;
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(6 + 1, h.Cpu.Icount);
        Assert.Equal(Dst + 6, h.Reg(X86Cpu.EDI));
        Assert.Equal(0xFFFF_FFFFu - 6, h.Reg(X86Cpu.ECX));
        Assert.True(h.Cpu.GetFlag(Flags.ZF));
    }

    [Fact]
    public void Lodsw_honours_a_segment_override()
    {
        var h = CpuHarness.RealMode();
        h.LoadBytes([0x26, 0xAD]); // es: lodsw
        h.Cpu.LoadSegmentReal(Seg.ES, 0x2000);
        h.Cpu.Gpr[X86Cpu.ESI] = 0x10;
        h.Poke16(0x20010, 0x4242);
        h.Run(1);
        Assert.Equal(0x4242u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0x12u, h.Reg(X86Cpu.ESI));
    }

    [Fact]
    public void A_fault_in_the_middle_of_rep_movsw_keeps_the_completed_iterations()
    {
        // SI = FFF9h: words at FFF9, FFFB, FFFD copy; the fourth at FFFFh straddles the limit → #GP.
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.rep.movsw());
        h.Cpu.LoadSegmentReal(Seg.ES, 0x5000);
        h.Cpu.Gpr[X86Cpu.ESI] = 0xFFF9;
        h.Cpu.Gpr[X86Cpu.EDI] = 0x0100;
        h.Cpu.Gpr[X86Cpu.ECX] = 10;
        h.Poke16(0xFFF9, 0x1111);
        h.Poke16(0xFFFB, 0x2222);
        h.Poke16(0xFFFD, 0x3333);
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(Vector.GP, h.TrappedVector());
        Assert.Equal(3 + 1, h.Cpu.Icount); // three iterations and the handler's HLT
        Assert.Equal(7u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0xFFFFu, h.Reg(X86Cpu.ESI));
        Assert.Equal(0x0106u, h.Reg(X86Cpu.EDI));
        Assert.Equal(0x3333, h.Peek16(0x50104));
        Assert.Equal(0, h.Peek16(0x50106));
        Assert.Equal(0, h.Peek16(0xFFF0 - 6)); // return IP: the REP MOVSW, to be restarted
    }

    private sealed class OnePending : IInterruptSource
    {
        public bool Pending;
        public bool HasPendingInterrupt => Pending;
        public byte AcknowledgeInterrupt() { Pending = false; return 0x40; }
    }

    [Fact]
    public void An_interrupt_between_iterations_returns_to_the_rep_instruction_which_then_completes()
    {
        var h = CpuHarness.RealMode().Load(a =>
        {
            a.rep.stosb();
            a.hlt();
        });
        var pic = new OnePending();
        h.Cpu.InterruptSource = pic;
        h.Cpu.Eflags |= Flags.IF;
        h.Poke32(0x40 * 4, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xCF; // iret
        h.Cpu.LoadSegmentReal(Seg.ES, 0x5000);
        h.Cpu.Gpr[X86Cpu.ECX] = 10;
        h.Cpu.Gpr[X86Cpu.EAX] = 0x77;
        h.Run(5);
        Assert.Equal(5u, h.Reg(X86Cpu.ECX));
        pic.Pending = true;
        h.Run(1); // the interrupt is taken, then its handler's IRET retires
        Assert.Equal(0x1000, h.Cpu.Segs[Seg.CS].Selector);
        Assert.Equal(0u, h.Cpu.Eip);                // back at the REP STOSB
        Assert.Equal(0, h.Peek16(0xFFF0 - 6));      // the return IP the interrupt pushed
        Assert.Equal(0x1000, h.Peek16(0xFFF0 - 4));
        Assert.Equal(5u, h.Reg(X86Cpu.ECX));
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(0u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0x77, h.Memory.Ram[0x50009]);
        Assert.Equal(0, h.Memory.Ram[0x5000A]);
        Assert.Equal(10 + 1 + 1, h.Cpu.Icount); // ten iterations, IRET, HLT
    }

    [Fact]
    public void With_tf_set_each_iteration_traps()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a => a.rep.stosb());
        h.Cpu.LoadSegmentReal(Seg.ES, 0x5000);
        h.Cpu.Gpr[X86Cpu.ECX] = 5;
        h.Cpu.Eflags |= Flags.TF;
        h.Run(2);
        Assert.Equal(Vector.DB, h.TrappedVector());
        Assert.Equal(4u, h.Reg(X86Cpu.ECX));
        Assert.Equal(0, h.Peek16(0xFFF0 - 6)); // the trap returns to the unfinished REP STOSB
    }

    private sealed class PortLog : IPortDevice
    {
        public readonly List<(int Size, uint Value)> Writes = [];
        public uint NextRead = 0x100;
        public uint Read(ushort port, int size) => NextRead++;
        public void Write(ushort port, int size, uint value) => Writes.Add((size, value));
    }

    [Fact]
    public void Rep_outsb_and_rep_insw_do_one_iteration_per_instruction()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.rep.outsb();
            a.rep.insw();
        });
        var dev = new PortLog();
        h.Io.Map(0x300, 2, dev);
        "xyz"u8.CopyTo(h.Memory.Ram[(int)Src..]);
        h.Cpu.Gpr[X86Cpu.EDX] = 0x300;
        h.Cpu.Gpr[X86Cpu.ESI] = Src;
        h.Cpu.Gpr[X86Cpu.ECX] = 3;
        h.Run(3);
        Assert.Equal([(1, (uint)'x'), (1, (uint)'y'), (1, (uint)'z')], dev.Writes);
        Assert.Equal(CpuHarness.CodeAddress + 2, h.Cpu.Eip);
        h.Cpu.Gpr[X86Cpu.EDI] = Dst;
        h.Cpu.Gpr[X86Cpu.ECX] = 2;
        h.Run(2);
        Assert.Equal(0x100, h.Peek16(Dst));
        Assert.Equal(0x101, h.Peek16(Dst + 2));
        Assert.Equal(Dst + 4, h.Reg(X86Cpu.EDI));
        Assert.Equal(5, h.Cpu.Icount);
    }

    [Fact]
    public void Rep_movsb_over_the_following_instructions_is_seen_by_the_next_fetch()
    {
        // Self-modifying code: the copy replaces the two NOPs after it with MOV AL, 42h. The
        // page holds cached code, so the copy takes the element path and invalidates the block.
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.rep.movsb(); // 2 bytes
            a.nop();
            a.nop();
            a.hlt();
        });
        h.Memory.Ram[(int)Src] = 0xB0;
        h.Memory.Ram[(int)Src + 1] = 0x42;
        h.Cpu.Gpr[X86Cpu.ESI] = Src;
        h.Cpu.Gpr[X86Cpu.EDI] = CpuHarness.CodeAddress + 2;
        h.Cpu.Gpr[X86Cpu.ECX] = 2;
        Assert.Equal(RunExit.Halted, h.Run(100));
        Assert.Equal(0x42u, h.Reg(X86Cpu.EAX) & 0xFF);
        Assert.Equal(2 + 1 + 1, h.Cpu.Icount); // two iterations, MOV AL, HLT
    }
}
