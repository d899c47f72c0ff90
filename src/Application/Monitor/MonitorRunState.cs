namespace HexEmu.Application.Monitor;

/// <summary>The machine's run state as QEMU names it (qapi RunState), the subset HexEmu can be in.</summary>
public enum MonitorRunState
{
    /// <summary>The guest runs: "VM status: running".</summary>
    Running,
    /// <summary>Stopped by `stop` (or not yet started): "VM status: paused".</summary>
    Paused,
    /// <summary>Started with -S and not yet continued: "VM status: paused (prelaunch)".</summary>
    Prelaunch,
    /// <summary>Stopped by the debugger: "VM status: paused (debug)".</summary>
    Debug,
    /// <summary>The guest shut down and -no-shutdown kept the process: "VM status: paused (shutdown)".</summary>
    Shutdown,
    /// <summary>The emulator hit a condition it cannot continue from: "VM status: paused (internal-error)".</summary>
    InternalError,
    /// <summary>The guest reported a panic: "VM status: paused (guest-panicked)".</summary>
    GuestPanicked,
}

internal static class MonitorRunStateNames
{
    /// <summary>The qapi name QEMU prints in parentheses after "paused".</summary>
    public static string QemuName(this MonitorRunState state) => state switch
    {
        MonitorRunState.Running => "running",
        MonitorRunState.Paused => "paused",
        MonitorRunState.Prelaunch => "prelaunch",
        MonitorRunState.Debug => "debug",
        MonitorRunState.Shutdown => "shutdown",
        MonitorRunState.InternalError => "internal-error",
        MonitorRunState.GuestPanicked => "guest-panicked",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>QEMU refuses `cont` from these states until the machine is reset (runstate_needs_reset).</summary>
    public static bool NeedsReset(this MonitorRunState state) =>
        state is MonitorRunState.Shutdown or MonitorRunState.InternalError or MonitorRunState.GuestPanicked;
}
