using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Time;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>
/// The APICs in the PC: small real-mode guests reach their registers at 0xFEE00000 and
/// 0xFEC00000 through a 4 GiB DS limit ("unreal mode"), run the local APIC timer and route the
/// PIT through the I/O APIC; interrupts land on the same instruction however a run is sliced,
/// saved and loaded.
/// </summary>
public class PcMachineApicTests
{
    private const uint Counter = RealModeBoot.DataAddress;
    private const uint CpuidEdx = RealModeBoot.DataAddress + 4;
    private const uint ApicBaseLow = RealModeBoot.DataAddress + 8;
    private const byte TimerVector = 0x40;
    private const byte PitVector = 0x41;
    private const uint Lapic = 0xFEE0_0000, IoApic = 0xFEC0_0000;

    private static PcMachine Machine(Action<Assembler> program, Action<Assembler>? handler = null, CpuModel? model = null) => new(new MachineConfig
    {
        RamBytes = 2 << 20,
        BootLoader = new RealModeBoot(program, handler),
        Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
        CpuModel = model ?? CpuModel.Default,
    });

    /// <summary>
    /// Gives DS a 4 GiB limit with base 0 (a flat data descriptor loaded in protected mode, then
    /// back to real mode), points <paramref name="vector"/> at the test handler, and records
    /// CPUID.1:EDX and the APIC base MSR's low half.
    /// </summary>
    private static void Prologue(Assembler a, byte vector)
    {
        a.cli();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.mov(__word_ptr[vector * 4], RealModeBoot.HandlerAddress);
        a.mov(__word_ptr[vector * 4 + 2], 0);
        a.mov(__dword_ptr[0x800], 0);                 // GDT: null descriptor…
        a.mov(__dword_ptr[0x804], 0);
        a.mov(__dword_ptr[0x808], 0x0000_FFFF);       // …and a flat 4 GiB writable data segment
        a.mov(__dword_ptr[0x80C], 0x00CF_9300);
        a.mov(__word_ptr[0x810], 15);                 // GDTR
        a.mov(__dword_ptr[0x812], 0x800);
        a.lgdt(__[0x810]);
        a.mov(eax, cr0);
        a.or(al, 1);
        a.mov(cr0, eax);
        a.mov(bx, 8);
        a.mov(ds, bx);
        a.and(al, 0xFE);
        a.mov(cr0, eax);
        a.xor(bx, bx);
        a.mov(ds, bx);                                // base 0 again; the limit stays
        a.mov(eax, 1);
        a.cpuid();
        a.mov(__dword_ptr[CpuidEdx], edx);
        a.mov(ecx, 0x1B);
        a.rdmsr();
        a.mov(__dword_ptr[ApicBaseLow], eax);
        a.mov(ebx, Lapic);
        a.mov(__dword_ptr[ebx + 0xF0], 0x1FF);         // SVR: software-enabled, spurious vector FFh
    }

    private static void BusyLoop(Assembler a)
    {
        var loop = a.CreateLabel();
        a.Label(ref loop);
        a.inc(ecx);
        a.jmp(loop);
    }

    /// <summary>The LAPIC timer, periodic at divide-by-1 with <paramref name="count"/>: an interrupt every <paramref name="count"/> ns.</summary>
    private static Action<Assembler> TimerGuest(uint count) => a =>
    {
        Prologue(a, TimerVector);
        a.mov(__dword_ptr[ebx + 0x350], 0x1_0700);            // LINT0 masked, as xv6 does: the unprogrammed 8259 would give vector 0
        a.mov(__dword_ptr[ebx + 0x3E0], 0xB);                 // divide by 1
        a.mov(__dword_ptr[ebx + 0x320], 0x2_0000 | TimerVector); // periodic, unmasked
        a.mov(__dword_ptr[ebx + 0x380], count);
        a.sti();
        BusyLoop(a);
    };

    /// <summary>Counts an interrupt in <see cref="Counter"/> and writes the local APIC's EOI.</summary>
    private static void CountingHandler(Assembler a)
    {
        a.inc(__dword_ptr[Counter]);
        a.push(ebx);
        a.mov(ebx, Lapic + 0xB0);
        a.mov(__dword_ptr[ebx], 0);
        a.pop(ebx);
        a.iret();
    }

    private static byte[] State(PcMachine m)
    {
        var w = new StateWriter();
        m.SaveState(w);
        return w.ToArray();
    }

    [Fact]
    public void The_default_cpu_reports_an_apic_enabled_at_its_default_base()
    {
        var m = Machine(TimerGuest(1000), CountingHandler);
        m.Run(100);
        Assert.NotEqual(0u, RealModeBoot.Peek32(m, CpuidEdx) & CpuModel.Feature.APIC);
        Assert.Equal(0xFEE0_0900u, RealModeBoot.Peek32(m, ApicBaseLow));
        Assert.NotNull(m.LocalApic);
        Assert.NotNull(m.IoApic);
    }

    [Fact]
    public void A_486_has_no_apic_and_its_8259_goes_straight_to_the_cpu()
    {
        var m = Machine(a => { a.nop(); BusyLoop(a); }, model: CpuModel.ByName("486"));
        Assert.Null(m.LocalApic);
        Assert.Null(m.IoApic);
        Assert.Same(m.Pic, m.Cpu.InterruptSource);
        Assert.Null(m.Cpu.ApicBaseMsr);
        Assert.Equal(0xFFFF_FFFFu, m.Memory.Read(Lapic + 0x30, 4)); // nothing mapped there
    }

    [Fact]
    public void The_periodic_timer_interrupts_once_per_period_of_virtual_time()
    {
        var m = Machine(TimerGuest(1000), CountingHandler);
        Assert.Equal(MachineStop.SliceDone, m.Run(1_000_000));
        // One instruction per ns: 1 ms of virtual time after a setup of a few dozen instructions.
        Assert.Equal(999u, RealModeBoot.Peek32(m, Counter));
    }

    [Fact]
    public void The_8259_reaches_the_cpu_through_lint0_until_it_is_masked_and_again_once_the_apic_is_globally_disabled()
    {
        var m = Machine(PcMachineTimeTests.TimerProgram(1193, BusyLoop), PcMachineTimeTests.CountingHandler);
        m.Run(10_000_000);
        Assert.Equal(10u, RealModeBoot.Peek32(m, Counter)); // as on a machine without an APIC
        m.LocalApic!.Write(0x350, 4, 0x1_0700);            // LINT0 masked
        m.Run(10_000_000);
        Assert.Equal(10u, RealModeBoot.Peek32(m, Counter));
        Assert.True(m.LocalApic.TryWriteApicBase(0xFEE0_0000 | HexEmu.Domain.Devices.Apic.LocalApic.BaseBsp)); // globally disabled
        m.Run(10_000_000);
        Assert.InRange(RealModeBoot.Peek32(m, Counter), 19u, 21u);
    }

    [Fact]
    public void A_halted_cpu_warps_to_the_next_timer_expiry()
    {
        var m = Machine(a =>
        {
            Prologue(a, TimerVector);
            a.mov(__dword_ptr[ebx + 0x350], 0x1_0700);
            a.mov(__dword_ptr[ebx + 0x3E0], 0x3);                    // divide by 16
            a.mov(__dword_ptr[ebx + 0x320], 0x2_0000 | TimerVector);
            a.mov(__dword_ptr[ebx + 0x380], 62_500);                 // 1 ms
            a.sti();
            var loop = a.CreateLabel();
            a.Label(ref loop);
            a.hlt();
            a.jmp(loop);
        }, CountingHandler);
        m.Run(5_000);
        uint ticks = RealModeBoot.Peek32(m, Counter);
        Assert.InRange(ticks, 20u, 64u);
        Assert.True(m.Cpu.Icount < 5_000);
        // The clock stands between the last expiry and the next: warped, not ticked.
        Assert.InRange(m.Clock.NowNs, ticks * 1_000_000L, (ticks + 1) * 1_000_000L + 100);
    }

    [Fact]
    public void How_a_run_is_sliced_does_not_change_where_timer_interrupts_land()
    {
        byte[] Final(long[] slices)
        {
            var m = Machine(TimerGuest(997), CountingHandler);
            foreach (long s in slices) m.Run(s);
            Assert.Equal(2_000_000, m.Cpu.Icount);
            return State(m);
        }
        byte[] whole = Final([2_000_000]);
        Assert.Equal(whole, Final([.. Enumerable.Repeat(100_000L, 20)]));
        Assert.Equal(whole, Final([.. Enumerable.Repeat(7919L, 252), 2_000_000 - 7919 * 252]));
    }

    [Fact]
    public void A_save_and_load_midway_gives_the_same_count_and_digest_as_an_unbroken_run()
    {
        var whole = Machine(TimerGuest(1000), CountingHandler);
        whole.Run(1_000_000);

        var first = Machine(TimerGuest(1000), CountingHandler);
        first.Run(500_123);
        byte[] midway = State(first);
        var second = Machine(TimerGuest(1000), CountingHandler);
        second.Run(10); // somewhere else entirely
        second.LoadState(new StateReader(midway));
        second.Run(1_000_000 - 500_123);

        Assert.Equal(RealModeBoot.Peek32(whole, Counter), RealModeBoot.Peek32(second, Counter));
        Assert.Equal(whole.ComputeStateDigest(includeRam: true), second.ComputeStateDigest(includeRam: true));
        Assert.Equal(State(whole), State(second));
    }

    [Fact]
    public void The_digest_covers_the_apics()
    {
        var a = Machine(TimerGuest(1000), CountingHandler);
        var b = Machine(TimerGuest(1000), CountingHandler);
        a.Run(1000);
        b.Run(1000);
        Assert.Equal(a.ComputeStateDigest(includeRam: true), b.ComputeStateDigest(includeRam: true));
        b.LocalApic!.Write(0x80, 4, 0x10); // TPR
        Assert.NotEqual(a.ComputeStateDigest(includeRam: true), b.ComputeStateDigest(includeRam: true));
        var c = Machine(TimerGuest(1000), CountingHandler);
        c.Run(1000);
        c.Memory.Write(IoApic, 4, 0x10);
        c.Memory.Write(IoApic + 0x10, 4, 0x30); // redirection entry 0
        Assert.NotEqual(a.ComputeStateDigest(includeRam: true), c.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void The_pit_reaches_the_cpu_through_io_apic_input_2_with_the_8259_cut_off()
    {
        var m = Machine(a =>
        {
            Prologue(a, PitVector);
            a.mov(__dword_ptr[ebx + 0x350], 0x1_0700);       // LINT0 masked: no 8259
            a.mov(edx, IoApic);
            a.mov(__dword_ptr[edx], 0x15);                   // entry 2, high: destination 0
            a.mov(__dword_ptr[edx + 0x10], 0);
            a.mov(__dword_ptr[edx], 0x14);                   // entry 2, low: fixed, edge, vector 41h
            a.mov(__dword_ptr[edx + 0x10], PitVector);
            a.mov(al, 0x34);                                 // PIT counter 0, mode 2
            a.@out(0x43, al);
            a.mov(ax, 1193);                                 // about 1 ms
            a.@out(0x40, al);
            a.mov(al, ah);
            a.@out(0x40, al);
            a.sti();
            BusyLoop(a);
        }, CountingHandler);
        m.Run(10_000_000);
        Assert.Equal(10u, RealModeBoot.Peek32(m, Counter)); // as through the 8259 (PcMachineTimeTests)
        Assert.Equal(0, m.Pic.Master.Isr); // the 8259 served nothing
    }

    [Fact]
    public void A_reset_puts_a_relocated_apic_back_at_its_default_base()
    {
        var m = Machine(a =>
        {
            a.mov(ecx, 0x1B);
            a.mov(edx, 0);
            a.mov(eax, 0x0008_0800);  // base 80000h, enabled
            a.wrmsr();
            a.mov(ax, 0x8000);
            a.mov(ds, ax);
            a.mov(eax, __dword_ptr[0x30]);
            a.xor(bx, bx);
            a.mov(ds, bx);
            a.mov(__dword_ptr[CpuidEdx], eax);
            a.hlt();
        });
        m.Run(100);
        Assert.Equal(0x0005_0014u, RealModeBoot.Peek32(m, CpuidEdx)); // the version register, read at its new home
        Assert.Equal(0x0005_0014u, m.Memory.Read(0x0008_0030, 4));
        m.Reset();
        Assert.Equal(0xFEE0_0900UL, m.LocalApic!.ApicBase);
        Assert.Equal(0x0005_0014u, m.Memory.Read(Lapic + 0x30, 4));
        Assert.NotEqual(0x0005_0014u, m.Memory.Read(0x0008_0030, 4)); // RAM again
    }

    [Fact]
    public void A_globally_disabled_apic_leaves_the_address_space_and_cpuid()
    {
        var m = Machine(a =>
        {
            a.mov(ecx, 0x1B);
            a.mov(edx, 0);
            a.mov(eax, 0xFEE0_0000);  // enable bit clear
            a.wrmsr();
            a.mov(eax, 1);
            a.cpuid();
            a.mov(__dword_ptr[CpuidEdx], edx);
            a.hlt();
        });
        m.Run(100);
        Assert.Equal(0u, RealModeBoot.Peek32(m, CpuidEdx) & CpuModel.Feature.APIC);
        Assert.Equal(0xFFFF_FFFFu, m.Memory.Read(Lapic + 0x30, 4));
        Assert.Same(m.LocalApic, m.Cpu.InterruptSource); // it still passes the 8259 on
        Assert.False(m.LocalApic!.GloballyEnabled);
    }
}
