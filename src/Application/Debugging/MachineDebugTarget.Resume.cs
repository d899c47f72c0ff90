using HexEmu.Domain.Debugging;

namespace HexEmu.Application.Debugging;

/// <summary>Moving the machine: resumes, the stops they end in, and Ctrl-C.</summary>
public sealed partial class MachineDebugTarget
{
    public Task<TargetStop> Resume(ResumeAction action)
    {
        var resume = new TaskCompletionSource<TargetStop>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_resumeLock)
        {
            if (_resume is not null) throw new InvalidOperationException("the machine is already running");
            _resume = resume;
        }
        if (_timeline is { } timeline)
        {
            if (action is ResumeAction.ReverseContinue or ResumeAction.ReverseStep && !CanReverse)
                throw new InvalidOperationException("reverse execution needs a replay");
            _loop.Post(() => Complete(MoveThroughHistory(timeline, action)));
        }
        else
        {
            if (action is ResumeAction.ReverseContinue or ResumeAction.ReverseStep)
            {
                Complete(new TargetStop.HistoryEdge(AtBegin: true)); // nothing recorded to go back through
                return resume.Task;
            }
            _loop.Post(() => StartLive(action));
        }
        return resume.Task;
    }

    public void Interrupt()
    {
        // Only a resume in progress can be interrupted: a Ctrl-C that arrives after it ended must
        // not stop the next one (the request is forgotten when a resume completes, under this lock).
        lock (_resumeLock)
        {
            if (_resume is null) return;
            _engine?.RequestInterrupt();
        }
        if (_timeline is null)
            _loop.Post(() =>
            {
                if (_loop.Paused) return;
                _loop.Paused = true;
                Complete(new TargetStop.Interrupted());
            });
    }

    /// <summary>A replay: the whole motion is one timeline operation on the machine thread.</summary>
    private TargetStop MoveThroughHistory(Timeline timeline, ResumeAction action)
    {
        var stop = action switch
        {
            ResumeAction.Step => timeline.StepForward(),
            ResumeAction.ReverseStep => timeline.StepBack(),
            ResumeAction.ReverseContinue => timeline.ContinueBack(),
            _ => timeline.Continue(),
        };
        if (stop is TimelineStop.HistoryEnd && _engine?.EndReached is Replay.ReplayProgress.Diverged diverged)
            _notice(diverged.Message);
        return stop switch
        {
            TimelineStop.Breakpoint b => new TargetStop.Breakpoint(b.Address, _breakpoints.TypeAt(b.Address)),
            TimelineStop.WatchHit w => new TargetStop.Watch(w.Watch.Address, w.Watch.Kind),
            TimelineStop.HistoryBegin => new TargetStop.HistoryEdge(AtBegin: true),
            TimelineStop.HistoryEnd => new TargetStop.HistoryEdge(AtBegin: false),
            TimelineStop.Interrupted => new TargetStop.Interrupted(),
            _ => new TargetStop.Stepped(),
        };
    }

    /// <summary>Live: the machine loop runs the machine with the traps armed until the CPU stops for us.</summary>
    private void StartLive(ResumeAction action)
    {
        var traps = _machine.Cpu.Debug;
        traps.ClearHit();
        traps.StopBeforeIcount = action == ResumeAction.Step ? _machine.Cpu.Icount + 1 : null;
        traps.IgnoreBreakpointsAt(_machine.Cpu.Icount); // gdb may continue from the breakpoint it stands on
        _loop.Paused = false;
    }

    /// <summary>The machine loop paused on a debugger stop (machine thread).</summary>
    private void OnLiveDebugStop()
    {
        var traps = _machine.Cpu.Debug;
        var hit = traps.Hit;
        traps.ClearHit();
        traps.StopBeforeIcount = null;
        Complete(hit switch
        {
            DebugHit.Breakpoint b => new TargetStop.Breakpoint(b.Address, _breakpoints.TypeAt(b.Address)),
            DebugHit.WatchHit w => new TargetStop.Watch(w.Watch.Address, w.Watch.Kind),
            _ => new TargetStop.Stepped(),
        });
    }

    /// <summary>Ends the resume in progress, if any, with <paramref name="stop"/>.</summary>
    private void Complete(TargetStop stop)
    {
        TaskCompletionSource<TargetStop>? resume;
        lock (_resumeLock)
        {
            resume = _resume;
            _resume = null;
            _engine?.ForgetInterruptRequest();
        }
        resume?.TrySetResult(stop);
    }
}
