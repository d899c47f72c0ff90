using System.Collections.Concurrent;
using HexEmu.Application.Debugging;
using HexEmu.Application.Ports;
using HexEmu.Application.Replay;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Replay;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Time;

namespace HexEmu.Host;

/// <summary>What ended a run of the machine thread.</summary>
public enum RunEnd
{
    GuestExit,
    Shutdown,
    /// <summary>The monitor's quit.</summary>
    Quit,
    /// <summary>Ctrl-a x on the -nographic console.</summary>
    ConsoleQuit,
    Signal,
    /// <summary>A replay reached the end of its log (see <see cref="MachineRunner.EndMessage"/>).</summary>
    ReplayEnded,
    /// <summary>A replay stopped on a damaged log or a divergence (see <see cref="MachineRunner.EndMessage"/>).</summary>
    ReplayFailed,
}

/// <summary>
/// The machine thread's loop: runs the machine in slices and, between slices, does everything
/// that involves the host — feeding host time in (without -icount), passing serial input to the
/// guest, flushing output, serving the monitor, waiting while the guest idles, and noticing
/// signals and quit requests. The machine itself never sees a thread, a clock or a stream.
/// </summary>
public sealed class MachineRunner : IMachineLoop, IDisposable
{
    /// <summary>Instructions per slice under -icount (where host time does not matter inside a slice).</summary>
    private const long CountedSlice = 4_000_000;
    /// <summary>Instructions per slice without -icount: host time is fed in between slices, so keep them short (~0.5 ms).</summary>
    private const long PacedSlice = 100_000;
    /// <summary>shift=auto retunes the rate this often (host time).</summary>
    private const long AdaptEveryNs = 100_000_000;

    private readonly PcMachine _machine;
    private readonly ICharBackend?[] _serialInputs;
    private readonly int?[] _heldInput;
    private readonly ManualResetEventSlim _wake = new();
    private readonly IHostClock _hostClock;
    private readonly long _startNs;
    private long _lastAdaptNs;
    private volatile bool _stopRequested;

    private readonly RecordingSession? _recorder;
    private readonly ReplaySession? _replayer;
    private long _lastFlushNs;
    /// <summary>A recording is made durable at least this often (host time), besides after every input.</summary>
    private const long RecordingFlushIntervalNs = 200_000_000;

    /// <param name="serialInputs">Per COM port, the backend its input comes from (null: none).</param>
    /// <param name="recorder">Record mode: every input goes through it and into the log.</param>
    /// <param name="replayer">Replay mode: the log, not the host, provides the inputs.</param>
    public MachineRunner(PcMachine machine, IReadOnlyList<ICharBackend?> serialInputs, IHostClock hostClock,
                         RecordingSession? recorder = null, ReplaySession? replayer = null)
    {
        _recorder = recorder;
        _replayer = replayer;
        _machine = machine;
        _hostClock = hostClock;
        _startNs = hostClock.MonotonicNs;
        _serialInputs = [.. serialInputs];
        _heldInput = new int?[_serialInputs.Length];
        foreach (var backend in _serialInputs)
            if (backend is not null) backend.InputAvailable += _wake.Set;
    }

    /// <summary>Called on the machine thread between slices (monitor, output flushing).</summary>
    public Action? BetweenSlices { get; set; }

    /// <summary>While true the machine does not run (monitor `stop`); the loop still serves the host.</summary>
    public bool Paused
    {
        get => _paused;
        set
        {
            _paused = value;
            if (!value) Prelaunch = false;
        }
    }

    private bool _paused;

    /// <summary>-S: paused before the first instruction, until the first `cont` (QEMU's "prelaunch").</summary>
    public bool Prelaunch { get; private set; }

    /// <summary>-S: start paused.</summary>
    public void StartPaused() => _paused = Prelaunch = true;

    /// <summary>The guest shut down under -no-shutdown: paused until a reset.</summary>
    public bool InShutdown { get; private set; }

    /// <summary>Enters the shutdown state (a reset request under -no-reboot, from the monitor).</summary>
    public void Shutdown()
    {
        if (PauseOnShutdown)
        {
            InShutdown = Paused = true;
            return;
        }
        RequestStop(RunEnd.Shutdown);
    }

    /// <summary>After a system_reset: a machine that had shut down runs again.</summary>
    public void LeaveShutdown()
    {
        if (!InShutdown) return;
        InShutdown = Paused = false;
    }

    private readonly ConcurrentQueue<Action> _posted = new();

    /// <summary>Runs <paramref name="action"/> on the machine thread between slices (from any thread).</summary>
    public void Post(Action action)
    {
        _posted.Enqueue(action);
        _wake.Set();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the machine thread and waits for its result (from another
    /// thread). The machine thread looks at posted work at least every slice (~20 ms), so the
    /// wait is short unless it is busy with a long debugger command; after
    /// <paramref name="timeout"/> a TimeoutException says so instead of hanging the caller.
    /// </summary>
    public T Invoke<T>(Func<T> work, TimeSpan timeout)
    {
        if (Environment.CurrentManagedThreadId == _machineThreadId) return work();
        if (Finished) throw new InvalidOperationException("the machine has stopped");
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        // Waiting on the handle (not Task.Wait) lets the work's own exception through, unwrapped.
        if (!((IAsyncResult)done.Task).AsyncWaitHandle.WaitOne(timeout))
            throw new TimeoutException("the machine did not answer in time (it is busy or has stopped)");
        return done.Task.GetAwaiter().GetResult();
    }

    private int _machineThreadId = -1;

    /// <summary>The loop has ended: nothing runs posted work any more (<see cref="Invoke"/> refuses at once).</summary>
    public bool Finished { get; private set; }

    /// <summary>
    /// Told on the machine thread when the CPU stopped for the debugger while running live
    /// (a breakpoint, a watchpoint, the end of a step); the machine is paused by then.
    /// </summary>
    public Action? DebugStopped { get; set; }

    /// <summary>Told on the machine thread when the guest is about to end the run (exit or shutdown), before the process ends.</summary>
    public Action<int>? MachineEnding { get; set; }

    /// <summary>-no-shutdown: a shutdown pauses the machine instead of ending the run.</summary>
    public bool PauseOnShutdown { get; init; }

    public RunEnd? StopReason { get; private set; }

    /// <summary>Why a replay ended, for the user (set with <see cref="RunEnd.ReplayEnded"/> and <see cref="RunEnd.ReplayFailed"/>).</summary>
    public string? EndMessage { get; private set; }

    /// <summary>The exit status a replay reproduced from its recording (a guest exit), if it did.</summary>
    public int? ReplayedExitCode { get; private set; }

    /// <summary>The replay in progress, for the monitor's replay commands; null unless replaying.</summary>
    public ReplaySession? Replay => _replayer;

    /// <summary>Whether a recording is being made.</summary>
    public bool Recording => _recorder is not null;

    /// <summary>
    /// A reset from outside the guest (the monitor's system_reset): logged when recording,
    /// refused when replaying (the log alone decides what happens to a replayed guest).
    /// </summary>
    public void SystemReset()
    {
        if (_replayer is not null) throw new InvalidOperationException("system_reset is not possible while replaying a recording");
        if (_recorder is not null) _recorder.SystemReset();
        else _machine.Reset();
    }

    /// <summary>gdb's kill: the run ends as with the monitor's quit.</summary>
    public void Quit() => RequestStop(RunEnd.Quit);

    /// <summary>Asks the loop to end (any thread): a signal, or the monitor's quit.</summary>
    public void RequestStop(RunEnd reason)
    {
        StopReason ??= reason;
        _stopRequested = true;
        _wake.Set();
    }

    /// <summary>Wakes the loop early (any thread), e.g. when monitor input arrives.</summary>
    public void Wake() => _wake.Set();

    /// <summary>Runs until the guest exits, shuts down, or a stop is requested; returns why.</summary>
    public RunEnd Run()
    {
        _machineThreadId = Environment.CurrentManagedThreadId;
        try
        {
            if (_replayer is not null) return RunReplay(_replayer);
            var end = RunLive();
            _recorder?.Finish(CauseOf(end), end == RunEnd.GuestExit ? _machine.ExitCode ?? 0 : 0);
            return end;
        }
        finally
        {
            Finished = true;
            // Work posted while the loop ended still runs, so whoever waits on it hears back.
            while (_posted.TryDequeue(out var action)) action();
        }
    }

    private static ShutdownCause CauseOf(RunEnd end) => end switch
    {
        RunEnd.GuestExit => ShutdownCause.GuestShutdown,
        RunEnd.Shutdown => ShutdownCause.GuestReset,
        RunEnd.Signal => ShutdownCause.HostSignal,
        RunEnd.ConsoleQuit => ShutdownCause.HostUi,
        _ => ShutdownCause.HostQmpQuit,
    };

    private RunEnd RunLive()
    {
        bool paced = !_machine.Clock.CountsInstructions;
        while (!_stopRequested)
        {
            while (_posted.TryDequeue(out var action)) action();
            BetweenSlices?.Invoke();
            if (_stopRequested) break;
            if (Paused)
            {
                _wake.Wait(100);
                _wake.Reset();
                continue;
            }
            if (paced) _machine.Clock.SyncHostTime(HostNs);
            DeliverInput();
            AdaptShift();
            long slice = paced ? PacedSlice : CountedSlice;
            var stop = _machine.Run(_recorder?.SliceLimit(slice) ?? slice);
            if (_recorder is not null) AfterRecordedSlice(_recorder);
            switch (stop)
            {
                case MachineStop.GuestExit:
                    BetweenSlices?.Invoke();
                    MachineEnding?.Invoke(_machine.ExitCode ?? 0);
                    return RunEnd.GuestExit;
                case MachineStop.Shutdown:
                    BetweenSlices?.Invoke();
                    if (!PauseOnShutdown)
                    {
                        MachineEnding?.Invoke(0);
                        return RunEnd.Shutdown;
                    }
                    InShutdown = Paused = true;
                    break;
                case MachineStop.Idle:
                    WaitWhileIdle(paced);
                    break;
                case MachineStop.DebugStop:
                    BetweenSlices?.Invoke();
                    Paused = true;
                    DebugStopped?.Invoke();
                    break;
            }
        }
        BetweenSlices?.Invoke();
        return StopReason ?? RunEnd.Quit;
    }

    /// <summary>Host time since the machine started: without -icount, the virtual clock.</summary>
    private long HostNs => _hostClock.MonotonicNs - _startNs;

    private void AfterRecordedSlice(RecordingSession recorder)
    {
        recorder.AfterSlice();
        long now = HostNs;
        if (now - _lastFlushNs < RecordingFlushIntervalNs) return;
        _lastFlushNs = now;
        // The guest's output first: a killed recording must never have logged more than it showed.
        BetweenSlices?.Invoke();
        recorder.Flush();
    }

    /// <summary>
    /// Replay: the log drives the machine. The host loop still serves the monitor, pauses,
    /// signals and quit; host input is not used.
    /// </summary>
    private RunEnd RunReplay(ReplaySession replay)
    {
        while (!_stopRequested)
        {
            while (_posted.TryDequeue(out var action)) action();
            BetweenSlices?.Invoke();
            if (_stopRequested) break;
            if (Paused)
            {
                _wake.Wait(100);
                _wake.Reset();
                continue;
            }
            var progress = DebugTimeline is { } timeline ? StepThroughTimeline(timeline) : replay.Step(CountedSlice);
            switch (progress)
            {
                case ReplayProgress.BreakReached:
                    Paused = true;
                    break;
                case ReplayProgress.Finished when PauseAtReplayEnd:
                    BetweenSlices?.Invoke();
                    ReplayEndedNotice?.Invoke($"the replay reached the end of the recording at icount {_machine.Cpu.Icount}");
                    Paused = true;
                    break;
                case ReplayProgress.Finished finished:
                    BetweenSlices?.Invoke();
                    if (finished.Cause == ShutdownCause.GuestShutdown)
                    {
                        ReplayedExitCode = finished.ExitCode;
                        return RunEnd.GuestExit;
                    }
                    return finished.Cause == ShutdownCause.GuestReset ? RunEnd.Shutdown : RunEnd.Quit;
                case ReplayProgress.LogEnded ended:
                    BetweenSlices?.Invoke();
                    EndMessage = ended.Message;
                    if (!KeepServingAfterReplay && !PauseAtReplayEnd) return ended.Damaged ? RunEnd.ReplayFailed : RunEnd.ReplayEnded;
                    // With a monitor the machine stays, paused where the log ends, to be inspected.
                    ReplayEndedNotice?.Invoke(ended.Message);
                    Paused = true;
                    break;
                case ReplayProgress.Diverged diverged:
                    BetweenSlices?.Invoke();
                    EndMessage = diverged.Message;
                    return RunEnd.ReplayFailed;
            }
        }
        BetweenSlices?.Invoke();
        return StopReason ?? RunEnd.Quit;
    }

    /// <summary>
    /// Reverse debugging (-gdb while replaying): the replay runs through this timeline, which
    /// takes the checkpoints that going back needs, even before a debugger attaches.
    /// </summary>
    public Timeline? DebugTimeline { get; set; }

    /// <summary>The engine under <see cref="DebugTimeline"/> (how its history ended).</summary>
    public ReplayDebugEngine? DebugEngine { get; set; }

    /// <summary>Whether the loop has been asked to end (a long debugger command stops early then).</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>A debugger may come: at the end of the recording (even one that ends with a shutdown) the machine pauses there, so it can still go back.</summary>
    public bool PauseAtReplayEnd { get; init; }

    /// <summary>One slice of a replay under the debugger's timeline, told as the plain replay would tell it.</summary>
    private ReplayProgress StepThroughTimeline(Timeline timeline)
    {
        long limit = timeline.Now + CountedSlice;
        if (_replayer!.BreakAt is { } at && at > timeline.Now) limit = Math.Min(limit, at);
        var stop = timeline.Continue(limit);
        if (_replayer.BreakAt is { } breakAt && timeline.Now >= breakAt)
        {
            _replayer.BreakAt = null;
            return new ReplayProgress.BreakReached(timeline.Now);
        }
        return stop switch
        {
            TimelineStop.HistoryEnd => DebugEngine?.EndReached ?? new ReplayProgress.LogEnded($"the replay reached the end of the recording at icount {_machine.Cpu.Icount}", Damaged: false),
            // Nothing else can stop it while no debugger is attached (traps are cleared on
            // detach); a late Ctrl-C meant for a finished debugger command is dropped here.
            _ => new ReplayProgress.Running(),
        };
    }

    /// <summary>A monitor is there: at the end of a replay log the machine pauses instead of the process ending.</summary>
    public bool KeepServingAfterReplay { get; init; }

    /// <summary>Told (on the machine thread) when a replay log ends and the machine pauses.</summary>
    public Action<string>? ReplayEndedNotice { get; init; }

    /// <summary>
    /// The guest is halted. Wait for its next timer in real time (without -icount, or with
    /// sleep=on) or not at all (sleep=off: the machine already warped), but wake at once for
    /// input or a stop.
    /// </summary>
    private void WaitWhileIdle(bool paced)
    {
        BetweenSlices?.Invoke(); // output the guest produced before idling must not wait with it
        long? deadline = _machine.IdleDeadlineNs;
        // sleep=off: the machine warps by itself; an idle return with a deadline only means it
        // gave the host its turn, so there is nothing to wait for.
        if (deadline is not null && _machine.Config.Time is TimeMode.InstructionCounted { SleepWhenIdle: false }) return;
        long waitNs = deadline is not { } d ? -1
            : paced ? d - HostNs
            : d - _machine.Clock.NowNs;
        if (deadline is not null && waitNs <= 0) return;
        long started = HostNs;
        // Input the UART had no room for does not change this: a halted guest reads nothing until
        // an interrupt, so the wait is the same.
        int timeoutMs = waitNs < 0 ? 100 : (int)Math.Clamp((waitNs + 999_999) / 1_000_000, 1, 100);
        _wake.Wait(timeoutMs);
        _wake.Reset();
        if (paced) return;
        if (_recorder is not null) _recorder.ElapseIdle(HostNs - started);
        else _machine.ElapseIdle(HostNs - started);
    }

    /// <summary>Moves host input into the UARTs while they have room; a byte they refuse waits for the next slice.</summary>
    private void DeliverInput()
    {
        Span<byte> one = stackalloc byte[1];
        for (int port = 0; port < _serialInputs.Length; port++)
        {
            if (_serialInputs[port] is not { } backend) continue;
            while (true)
            {
                if (_heldInput[port] is not { } value)
                {
                    if (backend.TryRead(one) == 0) break;
                    value = one[0];
                }
                bool taken = _recorder?.TryDeliverSerialInput(port, (byte)value) ?? _machine.TryDeliverSerialInput(port, (byte)value);
                if (!taken)
                {
                    _heldInput[port] = value;
                    break;
                }
                _heldInput[port] = null;
            }
        }
        _recorder?.EndInputBatch();
    }

    /// <summary>shift=auto: keep virtual time near real time by nudging the rate one step at a time.</summary>
    private void AdaptShift()
    {
        if (_machine.Config.Time is not TimeMode.InstructionCounted { Adaptive: true }) return;
        long now = HostNs;
        if (now - _lastAdaptNs < AdaptEveryNs) return;
        _lastAdaptNs = now;
        long drift = _machine.Clock.NowNs - HostNs;
        const long Tolerance = 10_000_000; // 10 ms
        int shift = _machine.Clock.Shift;
        if (drift > Tolerance && shift > 0) _machine.Clock.ChangeShift(shift - 1);
        else if (drift < -Tolerance && shift < TimeMode.InstructionCounted.MaxShift) _machine.Clock.ChangeShift(shift + 1);
    }

    public void Dispose()
    {
        foreach (var backend in _serialInputs)
            if (backend is not null) backend.InputAvailable -= _wake.Set;
        _wake.Dispose();
    }
}
