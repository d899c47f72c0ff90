using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Tests.Machine;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Debugging;

/// <summary>
/// Debugger traps on the whole PC: timer interrupts land where they would without the debugger,
/// <see cref="MachineStop.DebugStop"/> comes back from <see cref="PcMachine.Run"/>, two ways of
/// reaching one icount give one state, and traps that are armed but never hit change nothing.
/// </summary>
public class MachineDebugTests
{
    private const uint Counter = RealModeBoot.DataAddress;
    private const uint Fill = 0x3000;
    private const ushort OneMs = 1193; // PIT count for 1193 / 1 193 182 Hz = 999.847 µs

    /// <summary>
    /// The timer guest of <see cref="PcMachineTimeTests"/> (IRQ 0 counted at <see cref="Counter"/>),
    /// looping forever over a counter, a store, a REP STOSB and a push/pop.
    /// </summary>
    private static Action<Assembler> Program(ushort count) => PcMachineTimeTests.TimerProgram(count, a =>
    {
        var loop = a.CreateLabel();
        a.Label(ref loop);
        a.inc(ebx);
        a.mov(__dword_ptr[Counter + 4], ebx);
        a.mov(di, (ushort)Fill);
        a.mov(cx, 64);
        a.mov(al, bl);
        a.rep.stosb();
        a.push(bx);
        a.pop(bx);
        a.jmp(loop);
    });

    private static PcMachine Machine(ushort count = OneMs) => RealModeBoot.Machine(Program(count), handler: PcMachineTimeTests.CountingHandler);

    private static byte[] Saved(PcMachine m)
    {
        var w = new StateWriter();
        m.SaveState(w);
        return w.ToArray();
    }

    [Fact]
    public void A_breakpoint_at_the_timer_handler_stops_the_machine_once_per_timer_period()
    {
        var m = Machine();
        m.Cpu.Debug.AddBreakpoint(RealModeBoot.HandlerAddress);
        Assert.Equal(MachineStop.DebugStop, m.Run(10_000_000));
        Assert.Equal(new DebugHit.Breakpoint(RealModeBoot.HandlerAddress), m.Cpu.Debug.Hit);
        Assert.Equal(RealModeBoot.HandlerAddress, m.Cpu.Eip);
        Assert.Equal(0u, RealModeBoot.Peek32(m, Counter));
        long first = m.Cpu.Icount;

        m.Cpu.Debug.IgnoreBreakpointsAt(first);
        Assert.Equal(MachineStop.DebugStop, m.Run(10_000_000));
        Assert.Equal(1u, RealModeBoot.Peek32(m, Counter));
        // Under -icount shift=0 an instruction is 1 ns: one PIT period is 999 847.3 instructions.
        Assert.InRange(m.Cpu.Icount - first, 999_847, 999_848);
    }

    [Fact]
    public void Stopping_at_an_icount_gives_the_state_a_breakpoint_stop_there_gives()
    {
        var atBreakpoint = Machine();
        atBreakpoint.Cpu.Debug.AddBreakpoint(RealModeBoot.HandlerAddress);
        Assert.Equal(MachineStop.DebugStop, atBreakpoint.Run(10_000_000));
        long position = atBreakpoint.Cpu.Icount;

        var atIcount = Machine();
        atIcount.Cpu.Debug.StopBeforeIcount = position;
        Assert.Equal(MachineStop.DebugStop, atIcount.Run(10_000_000));
        Assert.IsType<DebugHit.IcountReached>(atIcount.Cpu.Debug.Hit);
        Assert.Equal(position, atIcount.Cpu.Icount);
        Assert.Equal(RealModeBoot.HandlerAddress, atIcount.Cpu.Eip); // the interrupt due there was taken
        Assert.Equal(Saved(atBreakpoint), Saved(atIcount));
        Assert.Equal(atBreakpoint.ComputeStateDigest(includeRam: true), atIcount.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void Traps_armed_but_never_hit_change_nothing_the_guest_computes()
    {
        const long instructions = 3_000_000;
        const ushort fast = 119; // about 100 µs: some thirty timer interrupts in the run

        var plain = Machine(fast);
        Assert.Equal(MachineStop.SliceDone, plain.Run(instructions));
        Assert.InRange(RealModeBoot.Peek32(plain, Counter), 25u, 35u);

        var armed = Machine(fast);
        var d = armed.Cpu.Debug;
        // Breakpoints inside the loop's instructions (never on one's first byte) and past the code.
        foreach (uint address in MidInstructionAddresses(armed, RealModeBoot.LoadAddress, 200)) d.AddBreakpoint(address);
        d.AddBreakpoint(RealModeBoot.HandlerAddress + 1); // inside INC DWORD [..]
        d.AddBreakpoint(0x9_0000);
        // Watches on every page the guest touches, at bytes it never touches: IVT and counters,
        // the REP STOSB target, the stack, the code.
        d.AddWatchpoint(new Watchpoint(0x0700, 4, WatchKind.Access));
        d.AddWatchpoint(new Watchpoint(Fill + 0x100, 16, WatchKind.Access));
        d.AddWatchpoint(new Watchpoint(0x5000, 4, WatchKind.Write));
        d.AddWatchpoint(new Watchpoint(0x5100, 4, WatchKind.Read));
        d.AddWatchpoint(new Watchpoint(0x7800, 4, WatchKind.Access));
        // And stops at icounts along the way, resumed at once.
        while (armed.Cpu.Icount < instructions)
        {
            d.StopBeforeIcount = Math.Min(armed.Cpu.Icount + 100_003, instructions);
            var stop = armed.Run(instructions - armed.Cpu.Icount);
            Assert.True(stop is MachineStop.SliceDone or MachineStop.DebugStop, $"stopped by {stop}");
            if (stop == MachineStop.DebugStop) Assert.IsType<DebugHit.IcountReached>(d.Hit);
        }
        Assert.Equal(instructions, armed.Cpu.Icount);
        Assert.Equal(Saved(plain), Saved(armed));
        Assert.Equal(plain.ComputeStateDigest(includeRam: true), armed.ComputeStateDigest(includeRam: true));
    }

    /// <summary>Addresses one byte into each instruction longer than one byte, in the code at <paramref name="start"/>.</summary>
    private static List<uint> MidInstructionAddresses(PcMachine m, uint start, int bytes)
    {
        byte[] code = m.Memory.Ram.Slice((int)start, bytes).ToArray();
        var decoder = Decoder.Create(16, new ByteArrayCodeReader(code), start);
        var addresses = new List<uint>();
        while (decoder.IP < start + (ulong)bytes - 15)
        {
            decoder.Decode(out var instruction);
            if (instruction.Length > 1) addresses.Add((uint)instruction.IP + 1);
        }
        return addresses;
    }
}
