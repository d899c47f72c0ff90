using System.Runtime.InteropServices;
using HexEmu.Application.Debugging;
using HexEmu.Application.Monitor;
using HexEmu.Application.Replay;
using HexEmu.Adapters.Gdb;
using Microsoft.Extensions.DependencyInjection;
using HexEmu.Domain.Machine;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;
using HexEmu.Host.Configuration;
using HexEmu.Host.Debugging;
using HexEmu.Host.Hmp;
using HexEmu.Host.Logging;
using HexEmu.Host.Replay;
using HexEmu.Domain.Replay;

namespace HexEmu.Host;

public static class Program
{
    public const string Version = "0.1.0";

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "rr") return Replay.RrTool.Run(args[1..], Console.Out, Console.Error);
        if (args.Length > 0 && args[0] == "img") return Img.ImgTool.Run(args[1..], Console.Out, Console.Error);
        if (args.Length > 0 && args[0] == "archive") return Archive.ArchiveTool.Run(args[1..], Console.Out, Console.Error);
        try
        {
            var (settings, qemuArgs) = HostConfiguration.Split(args);
            var configuration = HostConfiguration.Build(settings, AppContext.BaseDirectory);
            var snapshotSettings = SnapshotSettings.From(configuration);
            // rrfile=archive:NAME, -kernel archive:NAME/PATH, …: the cached files, before anything reads the options.
            var options = Archive.ArchiveReferences.Resolve(QemuCommandLine.Parse(qemuArgs), configuration, Console.Error);
            return Run(options, snapshotSettings);
        }
        catch (ConfigurationError e)
        {
            return Fail($"configuration: {e.Message}");
        }
        catch (CommandLineException e)
        {
            if (e.Usage is not null) Console.Out.Write(e.Usage);
            return Fail(e.Message);
        }
        catch (ChardevException e)
        {
            return Fail(e.Message);
        }
        catch (ReplayLogException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
        catch (Exception e)
        {
            // Never a stack trace for the user; HEXEMU_TRACE=1 shows it to a developer.
            if (Environment.GetEnvironmentVariable("HEXEMU_TRACE") == "1") Console.Error.WriteLine(e);
            return Fail($"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"hexemu: {message}");
        return 1;
    }

    private static int Run(HostOptions options, SnapshotSettings snapshotSettings)
    {
        string? listing = options.Action switch
        {
            HostAction.ShowHelp => HelpText.Usage,
            HostAction.ShowVersion => HelpText.Version(Version),
            HostAction.ListMachines => HelpText.Machines,
            HostAction.ListCpus => HelpText.Cpus,
            HostAction.ListDevices => HelpText.Devices,
            HostAction.ListLogItems => HelpText.LogItems,
            _ => null,
        };
        if (listing is not null)
        {
            Console.Out.Write(listing);
            return 0;
        }

        var gdbEndpoint = GdbStub.ParseEndpoint(options);
        // Disposed last: it closes what the adapters opened (a LiteDB file's lock) after the machine stopped using it.
        using var services = Composition.HostServices.Build(snapshotSettings);
        using var disks = new VmBuilder.Disks();
        using var chardevs = CharBackendFactory.Open(options);
        var hostClock = new SystemHostClock();
        using var recordReplay = new RecordReplaySetup();
        var machine = new PcMachine(recordReplay.Prepare(options, VmBuilder.Configure(options, chardevs, disks, hostClock)));
        recordReplay.Start(options, machine);
        using var diagnostics = DiagnosticLog.Open(options.LogItems, options.LogFile);
        diagnostics.AttachTo(machine.Cpu, machine.Io);
        machine.GuestLog.Target = diagnostics.GuestLog;
        using var runner = new MachineRunner(machine, chardevs.Serial, hostClock, recordReplay.Recorder, recordReplay.Replayer)
        {
            PauseOnShutdown = options.NoShutdown,
            // With a monitor, a replay that reaches the end of its log pauses there to be inspected;
            // with a GDB stub even one that ends with a shutdown does, so gdb can still go back.
            KeepServingAfterReplay = chardevs.Monitor is not null,
            PauseAtReplayEnd = gdbEndpoint is not null && recordReplay.Replayer is not null,
            ReplayEndedNotice = message => Console.Error.WriteLine($"hexemu: {message}; the machine is paused"),
        };

        if (options.StartPaused) runner.StartPaused();
        // Shared: persisted checkpoints are written to it from a background thread.
        var store = Application.Storage.SharedSnapshotStore.Wrap(Storage.SnapshotStores.For(snapshotSettings, disks, services, out string? noSnapshots));
        using var storeLifetime = store; // a LiteDB file is held (locked) until the end
        var snapshots = new MachineSnapshots(machine, runner, store, noSnapshots, hostClock, recordReplay.ReplayIdentity);
        StartFromSnapshot(options, machine, store, noSnapshots, snapshots, hostClock);
        var replayMonitor = options.RecordReplay is { } rr ? new RunnerReplayMonitor(machine, runner, rr.File, snapshots) : null;
        var monitorTarget = new MachineMonitorTarget(machine, runner, () => Domain.Diagnostics.CpuStateDump.Format(machine.Cpu),
            [.. chardevs.Chardevs.Select(c => new MonitorChardevInfo(c.Id, c.Description))], disks.Info, replayMonitor, snapshots);
        var monitor = chardevs.Monitor is { } monitorBackend
            ? StartMonitor(runner, chardevs, monitorBackend, monitorTarget)
            : null;
        var persisted = PersistedCheckpointsFor(gdbEndpoint, snapshotSettings, store, recordReplay, machine);
        using var gdb = gdbEndpoint is null ? null : GdbStub.Start(services.GetRequiredService<GdbServerFactory>(), gdbEndpoint, machine, runner, recordReplay.Replayer, recordReplay.OutputGate, monitorTarget,
            flushOutput: () =>
            {
                chardevs.FlushAll();
                diagnostics.Flush();
            },
            persisted);
        runner.BetweenSlices = () =>
        {
            chardevs.FlushAll();
            diagnostics.Flush();
            if (monitor is null) return;
            monitor.Poll();
            if (monitor.QuitRequested) runner.RequestStop(RunEnd.Quit);
        };
        // Ctrl-a x on a -nographic console: QEMU exits with status 0.
        chardevs.QuitRequested += () => runner.RequestStop(RunEnd.ConsoleQuit);

        PosixSignal? signalled = null;
        void OnSignal(PosixSignalContext ctx)
        {
            ctx.Cancel = true;
            signalled ??= ctx.Signal;
            runner.RequestStop(RunEnd.Signal);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var end = runner.Run();
        chardevs.FlushAll();
        if (persisted is var (checkpoints, _) && !checkpoints.Complete(CheckpointWriteBound))
            Console.Error.WriteLine("hexemu: a checkpoint is still being written to the snapshot store; it may be missing next time");
        // gdb hears that the guest ended (W) before the stub goes away with the process.
        if (gdb is not null && end is RunEnd.GuestExit or RunEnd.Shutdown) GdbStub.LetDebuggerLeave(gdb);
        switch (end)
        {
            case RunEnd.GuestExit:
                return runner.ReplayedExitCode ?? machine.ExitCode ?? 0;
            case RunEnd.Signal:
                Console.Error.WriteLine($"hexemu: terminating on signal {signalled}");
                return 0;
            case RunEnd.ReplayEnded:
                Console.Error.WriteLine($"hexemu: {runner.EndMessage}");
                return 0;
            case RunEnd.ReplayFailed:
                Console.Error.WriteLine($"hexemu: {runner.EndMessage}");
                return 1;
            default:
                return 0;
        }
    }

    /// <summary>How long an ending process waits for a persisted checkpoint still on its way to the store.</summary>
    private static readonly TimeSpan CheckpointWriteBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reverse debugging a replay (-gdb) with a store that keeps checkpoints: states persisted
    /// every Snapshots:Checkpoints:Interval instructions, keyed by the recording's log. Null when
    /// not debugging a replay, when the interval is 0 or when there is no store.
    /// </summary>
    private static (PersistedCheckpoints, VmStateCodec)? PersistedCheckpointsFor(GdbEndpoint? gdb, SnapshotSettings settings,
        Application.Storage.SharedSnapshotStore? store, RecordReplaySetup recordReplay, PcMachine machine)
    {
        if (gdb is null || recordReplay.Replayer is null || settings.CheckpointInterval <= 0 || store is null) return null;
        var persisted = new PersistedCheckpoints(store, recordReplay.RecordingKey!, settings.CheckpointInterval,
            warn: message => Console.Error.WriteLine($"hexemu: {message}"), origin: machine.Cpu.Icount);
        return (persisted, new VmStateCodec(machine, recordReplay.ReplayIdentity));
    }

    /// <summary>
    /// rrsnapshot=NAME (saved as a recording starts, loaded as a replay starts, QEMU's convention)
    /// and -loadvm NAME; any failure is a one-line error before the guest runs.
    /// </summary>
    private static void StartFromSnapshot(HostOptions options, PcMachine machine, Application.Ports.ISnapshotStore? store,
                                          string? noSnapshots, MachineSnapshots snapshots, Application.Ports.IHostClock clock)
    {
        try
        {
            switch (options.RecordReplay)
            {
                case { Snapshot: { } name, Mode: RecordReplayMode.Record }:
                    var state = new Domain.State.StateWriter();
                    machine.SaveState(state);
                    Require(store, noSnapshots, "rrsnapshot").Save(name, state.Written, machine.Clock.NowNs, machine.Cpu.Icount, clock.UtcNow);
                    break;
                case { Snapshot: { } name, Mode: RecordReplayMode.Replay }:
                    var replayStore = Require(store, noSnapshots, "rrsnapshot");
                    machine.LoadState(new Domain.State.StateReader(replayStore.ReadVmState(name)));
                    replayStore.RestoreDisks(name);
                    break;
            }
            if (options.LoadVm is { } vm) snapshots.Load(vm);
        }
        catch (Exception e) when (e is Application.Ports.SnapshotStoreException or InvalidOperationException or Domain.State.StateFormatException)
        {
            throw new CommandLineException(e.Message);
        }
    }

    private static Application.Ports.ISnapshotStore Require(Application.Ports.ISnapshotStore? store, string? noSnapshots, string option) =>
        store ?? throw new CommandLineException($"{option}: {noSnapshots ?? "No block device can accept snapshots"}");

    /// <summary>The HMP monitor on its chardev: a banner at once, or when the -nographic mux first switches to it.</summary>
    private static MonitorSession StartMonitor(MachineRunner runner, CharDevices chardevs, Application.Ports.ICharBackend backend,
                                               MachineMonitorTarget target)
    {
        var session = new MonitorSession(backend, target);
        backend.InputAvailable += runner.Wake;
        if (chardevs.MonitorMuxFrontend is { } frontend)
            frontend.FocusChanged += focused => runner.Post(focused ? session.FocusIn : session.FocusOut);
        else
            session.Open();
        // Each client of a monitor socket gets its own banner and prompt, as in QEMU.
        if (backend is SocketCharBackend socket)
            socket.Connected += () => runner.Post(session.Open);
        return session;
    }
}
