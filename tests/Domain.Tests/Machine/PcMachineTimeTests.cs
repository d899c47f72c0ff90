using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Time;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>The machine's clock: timer interrupts at exact virtual times, idle warps, RDTSC, and slicing independence.</summary>
public class PcMachineTimeTests
{
    /// <summary>PIT input clock (Hz) from the 8254's PC wiring: 14.31818 MHz / 12.</summary>
    private const double PitHz = 1_193_182;
    private const ushort PitCountOneMs = 1193;
    private const uint Counter = RealModeBoot.DataAddress;

    /// <summary>
    /// Programs the PICs as a BIOS does (IRQ 0–7 at vectors 8–15), points vector 8 at a handler that
    /// counts in <see cref="Counter"/>, starts PIT channel 0 in mode 2 with <paramref name="count"/>,
    /// and enables interrupts; then runs <paramref name="idle"/>.
    /// </summary>
    internal static Action<Assembler> TimerProgram(ushort count, Action<Assembler> idle) => a =>
    {
        a.cli();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.mov(__word_ptr[8 * 4], RealModeBoot.HandlerAddress);
        a.mov(__word_ptr[8 * 4 + 2], 0);
        foreach (var (port, value) in new (int, int)[] { (0x20, 0x11), (0x21, 0x08), (0x21, 0x04), (0x21, 0x01), (0x21, 0xFE),
                                                         (0xA0, 0x11), (0xA1, 0x70), (0xA1, 0x02), (0xA1, 0x01), (0xA1, 0xFF) })
        {
            a.mov(al, (byte)value);
            a.@out((byte)port, al);
        }
        a.mov(al, 0x34); // counter 0, low then high byte, mode 2
        a.@out(0x43, al);
        a.mov(ax, count);
        a.@out(0x40, al);
        a.mov(al, ah);
        a.@out(0x40, al);
        a.sti();
        idle(a);
    };

    /// <summary>Counts IRQ 0 in <see cref="Counter"/> and acknowledges it at the PIC.</summary>
    internal static void CountingHandler(Assembler a)
    {
        a.inc(__dword_ptr[Counter]);
        a.push(ax);
        a.mov(al, 0x20);
        a.@out(0x20, al);
        a.pop(ax);
        a.iret();
    }

    private static void BusyLoop(Assembler a)
    {
        var loop = a.CreateLabel();
        a.Label(ref loop);
        a.inc(ebx);
        a.jmp(loop);
    }

    private static void HaltLoop(Assembler a)
    {
        var loop = a.CreateLabel();
        a.Label(ref loop);
        a.hlt();
        a.jmp(loop);
    }

    [Fact]
    public void UnderIcountShiftZeroTimerInterruptsArriveOncePerPitPeriod()
    {
        var m = RealModeBoot.Machine(TimerProgram(PitCountOneMs, BusyLoop), handler: CountingHandler);
        Assert.Equal(MachineStop.SliceDone, m.Run(10_000_000));
        // 1 ns per instruction: 10 ms of virtual time. A period is 1193 / 1193182 Hz = 999.85 µs, so
        // the 10th rising edge of OUT comes at about 9.9993 ms: exactly ten interrupts.
        Assert.Equal(10u, RealModeBoot.Peek32(m, Counter));
        Assert.Equal(10_000_000, m.Clock.NowNs);
    }

    [Fact]
    public void HowARunIsSlicedDoesNotChangeWhereInterruptsLand()
    {
        byte[] Final(long[] slices)
        {
            var m = RealModeBoot.Machine(TimerProgram(PitCountOneMs, BusyLoop), new TimeMode.InstructionCounted(2, SleepWhenIdle: false), handler: CountingHandler);
            foreach (long s in slices) m.Run(s);
            var w = new StateWriter();
            m.SaveState(w);
            return w.ToArray();
        }
        byte[] whole = Final([3_000_000]);
        byte[] even = Final(Enumerable.Repeat(100_000L, 30).ToArray());
        byte[] odd = Final([.. Enumerable.Repeat(7919L, 378), 3_000_000 - 7919 * 378]);
        Assert.Equal(whole, even);
        Assert.Equal(whole, odd);
    }

    [Fact]
    public void AnIdleCpuWarpsToTheNextTimerWithSleepOff()
    {
        var m = RealModeBoot.Machine(TimerProgram(PitCountOneMs, HaltLoop), handler: CountingHandler);
        for (int i = 0; i < 100 && RealModeBoot.Peek32(m, Counter) < 20; i++)
            m.Run(1_000_000);
        uint ticks = RealModeBoot.Peek32(m, Counter);
        Assert.InRange(ticks, 20u, 200u);
        // Each interrupt needed a PIT period of virtual time, though few instructions ran: the
        // clock stands between the last interrupt and the next.
        double periodNs = PitCountOneMs / PitHz * 1e9;
        Assert.InRange(m.Clock.NowNs, (long)(ticks * periodNs), (long)((ticks + 1) * periodNs));
        Assert.True(m.Cpu.Icount < 20 * ticks + 100, $"icount {m.Cpu.Icount}");
    }

    [Fact]
    public void WithSleepOnTheIdleMachineReportsTheDeadlineAndWaitsForTheHost()
    {
        var m = RealModeBoot.Machine(TimerProgram(PitCountOneMs, HaltLoop), new TimeMode.InstructionCounted(0, SleepWhenIdle: true), handler: CountingHandler);
        var deadlines = new List<long>();
        while (RealModeBoot.Peek32(m, Counter) == 0 && deadlines.Count < 10)
        {
            if (m.Run(1_000_000) != MachineStop.Idle) continue;
            long deadline = Assert.NotNull(m.IdleDeadlineNs);
            Assert.True(deadline > m.Clock.NowNs);
            deadlines.Add(deadline);
            m.ElapseIdle(10_000_000_000); // the host waited longer than needed: time stops at the deadline
            Assert.Equal(deadline, m.Clock.NowNs);
        }
        Assert.Equal(1u, RealModeBoot.Peek32(m, Counter));
        // Mode 2's OUT falls one PIT clock before the period ends (no interrupt) and rises at its
        // end (the interrupt); after the handler the CPU idles until the next falling edge.
        double clockNs = 1e9 / PitHz, periodNs = PitCountOneMs * clockNs;
        Assert.Equal(3, deadlines.Count);
        Assert.InRange(deadlines[1] - deadlines[0], (long)clockNs, (long)clockNs + 1);
        Assert.InRange(deadlines[2] - deadlines[0], (long)periodNs - 1, (long)periodNs + 1);
    }

    [Fact]
    public void WithSleepOffHostWaitingDoesNotMoveVirtualTime()
    {
        // A guest halted with nothing scheduled (interrupts off): the host may wait for input, but
        // under sleep=off virtual time does not follow it.
        var m = RealModeBoot.Machine(a => { a.cli(); a.hlt(); });
        Assert.Equal(MachineStop.Idle, m.Run(1000));
        Assert.Null(m.IdleDeadlineNs);
        long before = m.Clock.NowNs;
        m.ElapseIdle(50_000_000);
        Assert.Equal(before, m.Clock.NowNs);
    }

    [Fact]
    public void WithoutIcountTimeIsWhatTheHostFeedsIn()
    {
        var m = RealModeBoot.Machine(TimerProgram(PitCountOneMs, BusyLoop), new TimeMode.HostPaced(), handler: CountingHandler);
        m.Run(1000);
        Assert.Equal(0, m.Clock.NowNs);
        Assert.Equal(0u, RealModeBoot.Peek32(m, Counter));
        for (long t = 500_000; t <= 5_500_000; t += 500_000)
        {
            m.Clock.SyncHostTime(t);
            m.Run(1000);
        }
        Assert.Equal(5u, RealModeBoot.Peek32(m, Counter));
        // A host that falls behind: the edges of several periods merge into one request, as the
        // PIC latches only one per input.
        m.Clock.SyncHostTime(10_500_000);
        m.Run(1000);
        Assert.Equal(6u, RealModeBoot.Peek32(m, Counter));
    }

    [Fact]
    public void RdtscCountsVirtualNanoseconds()
    {
        const uint First = RealModeBoot.DataAddress + 0x10;
        var m = RealModeBoot.Machine(a =>
        {
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.rdtsc();
            a.mov(__dword_ptr[First], eax);
            a.nop();
            a.nop();
            a.rdtsc();
            a.mov(__dword_ptr[First + 4], eax);
            a.cli();
            a.hlt();
        }, new TimeMode.InstructionCounted(3, SleepWhenIdle: false));
        m.Run(100);
        // Between the two RDTSCs: the mov, two nops and the second rdtsc's own start = 4 instructions of 8 ns.
        Assert.Equal(4u * 8, RealModeBoot.Peek32(m, First + 4) - RealModeBoot.Peek32(m, First));
    }
}
