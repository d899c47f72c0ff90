namespace HexEmu.Application.Debugging;

/// <summary>
/// The thread that owns the machine, as the debug target sees it: work handed to it runs
/// between slices, it can be paused, and it tells when the CPU stopped for the debugger or the
/// guest ended. The host's run loop implements it.
/// </summary>
public interface IMachineLoop
{
    /// <summary>While true the machine does not run by itself (the debugger moves it).</summary>
    bool Paused { get; set; }

    /// <summary>The loop has ended: nothing runs handed-over work any more.</summary>
    bool Finished { get; }

    /// <summary>Runs <paramref name="action"/> on the machine thread (from any thread).</summary>
    void Post(Action action);

    /// <summary>Runs <paramref name="work"/> on the machine thread and waits for its result, at most <paramref name="timeout"/>.</summary>
    T Invoke<T>(Func<T> work, TimeSpan timeout);

    /// <summary>Ends the emulator (gdb's kill).</summary>
    void Quit();

    /// <summary>Told on the machine thread when the CPU stopped for the debugger while running live; the machine is paused by then.</summary>
    Action? DebugStopped { get; set; }

    /// <summary>Told on the machine thread when the guest ends the run (exit or shutdown), with its exit status.</summary>
    Action<int>? MachineEnding { get; set; }
}
