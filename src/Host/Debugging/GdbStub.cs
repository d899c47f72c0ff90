using HexEmu.Adapters.Gdb;
using HexEmu.Application.Debugging;
using HexEmu.Application.Monitor;
using HexEmu.Application.Replay;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;
using HexEmu.Host.Cli;
using HexEmu.Host.Hmp;

namespace HexEmu.Host.Debugging;

/// <summary>
/// -gdb / -s: the GDB stub on its socket, over the machine — with reverse execution when
/// replaying (the replay then runs through a <see cref="Timeline"/> from its start, so the
/// checkpoints going back needs exist before a debugger attaches).
/// </summary>
public static class GdbStub
{
    /// <summary>The endpoint -gdb/-s asked for, checked before anything starts; null without a stub.</summary>
    public static GdbEndpoint? ParseEndpoint(HostOptions options)
    {
        if (options.GdbDevice is not { } device) return null;
        try
        {
            return GdbEndpoint.Parse(device);
        }
        catch (FormatException e)
        {
            throw new CommandLineException(e.Message); // it names the option and the value already
        }
    }

    /// <summary>How long an ended guest's debugger is given to read its last stop reply and hang up.</summary>
    private static readonly TimeSpan LeaveGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The guest ended while a debugger was attached: its stop reply (W, exit status) is on the
    /// way; gdb closes the connection once it has read it. Wait for that, a bounded time.
    /// </summary>
    public static void LetDebuggerLeave(GdbServer server)
    {
        var deadline = DateTime.UtcNow + LeaveGrace;
        while (server.HasClient && DateTime.UtcNow < deadline) Thread.Sleep(10);
    }

    /// <summary>Starts listening; the result stops the stub when disposed.</summary>
    /// <param name="flushOutput">Pushes the guest's output out (a long debugger command runs many slices).</param>
    /// <param name="persisted">Checkpoints kept in the snapshot store beyond this process, with their codec; null for none.</param>
    public static GdbServer Start(GdbServerFactory servers, GdbEndpoint endpoint, PcMachine machine, MachineRunner runner, ReplaySession? replay,
                                  ReplayOutputGate? output, MachineMonitorTarget monitorTarget, Action flushOutput,
                                  (PersistedCheckpoints, VmStateCodec)? persisted = null)
    {
        Timeline? timeline = null;
        ReplayDebugEngine? engine = null;
        if (replay is not null)
        {
            engine = new ReplayDebugEngine(machine, replay, output)
            {
                Quitting = () => runner.StopRequested,
                AfterSlice = flushOutput,
                Persisted = persisted,
            };
            timeline = new Timeline(engine, new SnapshotPolicy(new SnapshotPolicyOptions()));
            runner.DebugEngine = engine;
            runner.DebugTimeline = timeline;
        }
        var monitor = new MonitorInterpreter(monitorTarget);
        var target = new MachineDebugTarget(machine, runner, timeline, engine, monitor.Execute,
            notice: message => Console.Error.WriteLine($"hexemu: {message}"));
        try
        {
            return servers.Listen(endpoint, target, log: message => Console.Error.WriteLine($"hexemu: {message}"));
        }
        catch (IOException e)
        {
            throw new CommandLineException(e.Message); // "gdb stub: cannot listen on …: why"
        }
    }
}
