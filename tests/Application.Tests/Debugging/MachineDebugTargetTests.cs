using HexEmu.Application.Debugging;
using HexEmu.Application.Replay;
using HexEmu.Application.Tests.Replay;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Tests.Debugging;

/// <summary>
/// The debug target the GDB stub drives, over a replay of the demo kernel, with the machine
/// loop played by a test double that runs handed-over work at once on the test's thread.
/// </summary>
public class MachineDebugTargetTests
{
    private static readonly long RtcBase = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Runs everything inline: the "machine thread" is the caller's.</summary>
    private sealed class InlineLoop : IMachineLoop
    {
        public bool Paused { get; set; }
        public bool Finished => false;
        public bool QuitRequested { get; private set; }
        public void Post(Action action) => action();
        public T Invoke<T>(Func<T> work, TimeSpan timeout) => work();
        public void Quit() => QuitRequested = true;
        public Action? DebugStopped { get; set; }
        public Action<int>? MachineEnding { get; set; }
    }

    private static (MachineDebugTarget Target, PcMachine Machine, InlineLoop Loop) ReplayTarget()
    {
        var recorded = DemoGuest.Machine(new DemoGuest.Output(), RtcBase);
        var log = new InMemoryReplayLog();
        var recorder = new RecordingSession(recorded, log, _ => 0, RtcBase);
        for (int slice = 0; slice < 20; slice++)
        {
            recorder.EndInputBatch();
            recorded.Run(recorder.SliceLimit(50_000));
            recorder.AfterSlice();
        }
        recorder.Finish(ShutdownCause.HostQmpQuit, 0);

        var reader = InMemoryReplayLog.Reader(log.Events);
        var machine = DemoGuest.Machine(new DemoGuest.Output(), ReplaySession.ReadRtcBase(reader));
        var session = new ReplaySession(machine, reader, _ => 0);
        var engine = new ReplayDebugEngine(machine, session);
        var timeline = new Timeline(engine, new SnapshotPolicy(new SnapshotPolicyOptions(Interval: 20_000)));
        var loop = new InlineLoop();
        var target = new MachineDebugTarget(machine, loop, timeline, engine, command => $"ran {command}", _ => { });
        return (target, machine, loop);
    }

    [Fact]
    public async Task A_replay_reverses_and_refuses_to_change_its_history()
    {
        var (target, machine, loop) = ReplayTarget();
        Assert.True(target.CanReverse);
        Assert.IsType<TargetStop.Stepped>(target.Attach());
        Assert.True(loop.Paused);

        Assert.IsType<TargetStop.Stepped>(await target.Resume(ResumeAction.Step));
        Assert.IsType<TargetStop.Stepped>(await target.Resume(ResumeAction.Step));
        uint eip = target.ReadRegisters().Eip;
        Assert.Equal(machine.Cpu.Eip, eip);

        var code = new byte[4];
        Assert.Equal(4, target.ReadMemory(eip, code));
        Assert.Throws<InvalidOperationException>(() => target.WriteMemory(eip, code));
        Assert.Throws<InvalidOperationException>(() => target.WriteRegisters(target.ReadRegisters() with { Eax = 1 }));

        Assert.IsType<TargetStop.Stepped>(await target.Resume(ResumeAction.ReverseStep));
        Assert.Equal(1, machine.Cpu.Icount);
        Assert.IsType<TargetStop.Stepped>(await target.Resume(ResumeAction.ReverseStep));
        Assert.Equal(new TargetStop.HistoryEdge(AtBegin: true), await target.Resume(ResumeAction.ReverseStep));
        Assert.Equal("ran info replay", target.MonitorCommand("info replay"));
    }

    [Fact]
    public async Task A_ctrl_c_with_nothing_running_does_not_stop_the_next_resume()
    {
        var (target, machine, _) = ReplayTarget();
        target.Attach();
        target.Interrupt();
        Assert.IsType<TargetStop.Stepped>(await target.Resume(ResumeAction.Step));
        Assert.Equal(1, machine.Cpu.Icount);
    }

    [Fact]
    public async Task Breakpoints_report_how_they_were_inserted_and_a_detach_removes_them()
    {
        var (target, machine, loop) = ReplayTarget();
        target.Attach();
        for (int k = 0; k < 5; k++) await target.Resume(ResumeAction.Step);
        uint here = machine.Cpu.Segs[Domain.Cpu.Seg.CS].Base + machine.Cpu.Eip;
        await target.Resume(ResumeAction.Step);

        Assert.True(target.InsertBreakpoint(BreakpointType.Hardware, here, 1));
        Assert.Equal(new TargetStop.Breakpoint(here, BreakpointType.Hardware), await target.Resume(ResumeAction.ReverseContinue));
        Assert.Equal(5, machine.Cpu.Icount);

        Assert.True(target.InsertBreakpoint(BreakpointType.Software, here, 1));
        Assert.True(target.RemoveBreakpoint(BreakpointType.Hardware, here, 1));
        Assert.False(target.RemoveBreakpoint(BreakpointType.Hardware, here, 1));
        Assert.Equal([here], machine.Cpu.Debug.Breakpoints);

        target.Detach();
        Assert.Empty(machine.Cpu.Debug.Breakpoints);
        Assert.False(loop.Paused);
    }
}
