using System.Collections.Concurrent;
using HexEmu.Application.Ports;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Time;

namespace HexEmu.Host;

/// <summary>What ended a run of the machine thread.</summary>
public enum RunEnd
{
    GuestExit,
    Shutdown,
    Quit,
    Signal,
}

/// <summary>
/// The machine thread's loop: runs the machine in slices and, between slices, does everything
/// that involves the host — feeding host time in (without -icount), passing serial input to the
/// guest, flushing output, serving the monitor, waiting while the guest idles, and noticing
/// signals and quit requests. The machine itself never sees a thread, a clock or a stream.
/// </summary>
public sealed class MachineRunner : IDisposable
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

    /// <param name="serialInputs">Per COM port, the backend its input comes from (null: none).</param>
    public MachineRunner(PcMachine machine, IReadOnlyList<ICharBackend?> serialInputs, IHostClock hostClock)
    {
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
    public bool Paused { get; set; }

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

    /// <summary>-no-shutdown: a shutdown pauses the machine instead of ending the run.</summary>
    public bool PauseOnShutdown { get; init; }

    public RunEnd? StopReason { get; private set; }

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
            switch (_machine.Run(paced ? PacedSlice : CountedSlice))
            {
                case MachineStop.GuestExit:
                    BetweenSlices?.Invoke();
                    return RunEnd.GuestExit;
                case MachineStop.Shutdown:
                    BetweenSlices?.Invoke();
                    if (!PauseOnShutdown) return RunEnd.Shutdown;
                    InShutdown = Paused = true;
                    break;
                case MachineStop.Idle:
                    WaitWhileIdle(paced);
                    break;
            }
        }
        BetweenSlices?.Invoke();
        return StopReason ?? RunEnd.Quit;
    }

    /// <summary>Host time since the machine started: without -icount, the virtual clock.</summary>
    private long HostNs => _hostClock.MonotonicNs - _startNs;

    /// <summary>
    /// The guest is halted. Wait for its next timer in real time (without -icount, or with
    /// sleep=on) or not at all (sleep=off: the machine already warped), but wake at once for
    /// input or a stop.
    /// </summary>
    private void WaitWhileIdle(bool paced)
    {
        BetweenSlices?.Invoke(); // output the guest produced before idling must not wait with it
        long? deadline = _machine.IdleDeadlineNs;
        long waitNs = deadline is not { } d ? -1
            : paced ? d - HostNs
            : d - _machine.Clock.NowNs;
        if (deadline is not null && waitNs <= 0) return;
        long started = HostNs;
        if (!HasHeldInput())
        {
            int timeoutMs = waitNs < 0 ? 100 : (int)Math.Clamp((waitNs + 999_999) / 1_000_000, 1, 100);
            _wake.Wait(timeoutMs);
            _wake.Reset();
        }
        if (!paced) _machine.ElapseIdle(HostNs - started);
    }

    private bool HasHeldInput()
    {
        foreach (var held in _heldInput) if (held is not null) return true;
        return false;
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
                if (!_machine.TryDeliverSerialInput(port, (byte)value))
                {
                    _heldInput[port] = value;
                    break;
                }
                _heldInput[port] = null;
            }
        }
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
