using System.Runtime.InteropServices;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;

namespace HexEmu.Host;

public static class Program
{
    public const string Version = "0.1.0";

    /// <summary>Instructions per slice: between slices the host checks for signals and flushes output.</summary>
    private const long SliceInstructions = 4_000_000;

    public static int Main(string[] args)
    {
        try
        {
            return Run(QemuCommandLine.Parse(args));
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

    private static int Run(HostOptions options)
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
        if (options.BiosPath is null)
            throw new CommandLineException("no firmware given: use -bios FILE (a 64–256 KiB ROM image)");

        byte[] bios = ReadBios(options.BiosPath);
        using var chardevs = CharBackendFactory.Open(options);
        // Until the lead's PC wiring lands: the first debugcon only, as before.
        var (debugConDevice, debugConBackend) = chardevs.DebugCons.Count > 0 ? chardevs.DebugCons[0] : (null, null);
        var machine = new PcMachine(new MachineConfig
        {
            Bios = bios,
            RamBytes = options.RamBytes,
            DebugConsole = debugConBackend is null ? null : new CharBackendByteSink(debugConBackend),
            DebugConsolePort = debugConDevice?.IoBase ?? Domain.Devices.DebugConsole.DefaultPort,
            DebugExit = options.DebugExit is { } exit ? (exit.IoBase, exit.IoSize) : null,
            NoReboot = options.NoReboot,
        });
        var debugCon = new FlushAll(chardevs);

        using var stop = new ManualResetEventSlim();
        PosixSignal? signalled = null;
        void OnSignal(PosixSignalContext ctx)
        {
            ctx.Cancel = true;
            signalled = ctx.Signal;
            stop.Set();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        bool quitByKey = false;
        // Ctrl-a x on a -nographic console: QEMU exits with status 0.
        chardevs.QuitRequested += () =>
        {
            quitByKey = true;
            stop.Set();
        };

        while (!stop.IsSet)
        {
            var result = machine.Run(SliceInstructions);
            debugCon?.Flush();
            switch (result)
            {
                case MachineStop.GuestExit:
                    return machine.ExitCode ?? 0;
                case MachineStop.Shutdown:
                    return 0;
                case MachineStop.HaltedForever:
                    // As QEMU: a halted guest keeps the process alive until it is told to quit.
                    stop.Wait();
                    break;
            }
        }
        debugCon?.Flush();
        if (!quitByKey) Console.Error.WriteLine($"hexemu: terminating on signal {signalled}");
        return 0;
    }

    private static byte[] ReadBios(string path)
    {
        if (!File.Exists(path)) throw new CommandLineException($"-bios {path}: no such file");
        long length = new FileInfo(path).Length;
        if (length < MachineConfig.MinBiosBytes || length > MachineConfig.MaxBiosBytes || length % 4096 != 0)
            throw new CommandLineException($"-bios {path}: a ROM image must be 64–256 KiB in 4 KiB steps, this one is {length} bytes");
        return File.ReadAllBytes(path);
    }

    /// <summary>Flushes every chardev where the loop flushed the debug console.</summary>
    private sealed class FlushAll(CharDevices devices)
    {
        public void Flush() => devices.FlushAll();
    }
}
