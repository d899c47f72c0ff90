using HexEmu.Domain.Cpu;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Machine;

/// <summary>
/// The run loop: the CPU runs exactly up to the next timer deadline, timers fire, and so on.
/// Under -icount the deadline is converted to an instruction count, so every timer interrupt
/// lands on the same instruction in every run; a guest reprogramming a timer ends the run in
/// progress so the new deadline is honoured. An idle (HLT) CPU either warps virtual time to the
/// next deadline at once (sleep=off) or hands the wait to the host.
/// </summary>
public sealed partial class PcMachine
{
    /// <summary>Warps in one <see cref="Run"/> call before the host gets its turn (a guest halted with its timer masked would warp forever).</summary>
    private const int MaxWarpsPerRun = 64;

    private bool _resetRequested;

    /// <summary>When an idle CPU's next timer fires (virtual ns), after <see cref="MachineStop.Idle"/>; null if none is due.</summary>
    public long? IdleDeadlineNs { get; private set; }

    /// <summary>Runs at most <paramref name="instructions"/> instructions (fewer if the guest idles, exits or shuts down).</summary>
    public MachineStop Run(long instructions)
    {
        long end = Cpu.Icount + instructions;
        int warps = 0;
        while (true)
        {
            AdvanceTimers();
            if (ExitCode is not null) return MachineStop.GuestExit;
            if (_resetRequested && !ResetOrStop()) return MachineStop.Shutdown;
            long left = end - Cpu.Icount;
            if (left <= 0) return MachineStop.SliceDone;

            long budget = left;
            if (Clock.CountsInstructions && NextDeadlineNs() is { } deadline)
                budget = Math.Min(budget, Clock.InstructionsUntil(deadline));

            switch (Cpu.Run(budget))
            {
                case RunExit.Shutdown:
                    _resetRequested = true; // a triple fault resets the PC (or stops it under -no-reboot)
                    break;
                case RunExit.Halted:
                    if (ExitCode is not null || _resetRequested) break;
                    AdvanceTimers();
                    if (Cpu.InterruptSource is { HasPendingInterrupt: true } && (Cpu.Eflags & Flags.IF) != 0) break;
                    IdleDeadlineNs = NextDeadlineNs();
                    if (IdleDeadlineNs is not { } wake || (Cpu.Eflags & Flags.IF) == 0)
                    {
                        IdleDeadlineNs = null; // with IF clear only a reset can end the halt
                        return MachineStop.Idle;
                    }
                    if (Config.Time is TimeMode.InstructionCounted { SleepWhenIdle: false } && warps++ < MaxWarpsPerRun)
                    {
                        Clock.Warp(wake - Clock.NowNs);
                        break;
                    }
                    return MachineStop.Idle;
                case RunExit.Yielded:
                    return MachineStop.SliceDone;
                case RunExit.DebugStop:
                    return MachineStop.DebugStop;
            }
        }
    }

    /// <summary>
    /// The host waited <paramref name="ns"/> of real time for an idle CPU (-icount with
    /// sleep=on): virtual time moves on by as much, but never past the deadline it was waiting
    /// for. With sleep=off virtual time does not follow real time at all (the machine warps to
    /// its deadlines by itself), and without -icount the host feeds its clock in directly.
    /// </summary>
    public void ElapseIdle(long ns)
    {
        if (Config.Time is not TimeMode.InstructionCounted { SleepWhenIdle: true } || ns <= 0) return;
        long limit = IdleDeadlineNs is { } d ? d - Clock.NowNs : ns;
        Clock.Warp(Math.Min(ns, Math.Max(limit, 0)));
    }

    /// <summary>The earliest moment any timer needs attention (virtual ns), or null.</summary>
    public long? NextDeadlineNs()
    {
        long? next = Min(Pit.NextDeadlineNs, Rtc.NextDeadlineNs);
        if (_chipset.Lapic is { } lapic) next = Min(next, lapic.NextDeadlineNs);
        foreach (var timer in _chipset.SerialTimers) next = Min(next, timer.NextDeadlineNs);
        return next;

        static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    }

    /// <summary>Brings every timer up to the present, raising the interrupts that became due.</summary>
    private void AdvanceTimers()
    {
        long now = Clock.NowNs;
        Pit.AdvanceTo(now);
        Rtc.AdvanceTo(now);
        _chipset.Lapic?.AdvanceTo(now);
        foreach (var timer in _chipset.SerialTimers) timer.AdvanceTo(now);
    }

    /// <summary>A guest access to a timer may have moved its deadline: end the CPU run so the loop plans again.</summary>
    private void TimersReprogrammed() => Cpu.RequestStop();
}
