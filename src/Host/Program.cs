using System.Runtime.InteropServices;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
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
        if (options.ShowHelp)
        {
            Console.Out.Write(HelpText);
            return 0;
        }
        if (options.ShowVersion)
        {
            Console.Out.WriteLine($"HexEmu version {Version} (qemu-system-i386 compatible command line)");
            return 0;
        }
        if (options.BiosPath is null)
            throw new CommandLineException("no firmware given: use -bios FILE (a 64–256 KiB ROM image)");

        byte[] bios = ReadBios(options.BiosPath);
        using var debugCon = OpenSink(options.DebugCon);
        var machine = new PcMachine(new MachineConfig
        {
            Bios = bios,
            RamBytes = options.RamBytes,
            DebugConsole = debugCon,
            DebugExit = options.DebugExit,
            NoReboot = options.NoReboot,
        });

        using var runner = new MachineRunner(machine, []) { BetweenSlices = () => debugCon?.Flush() };
        void OnSignal(PosixSignalContext ctx)
        {
            ctx.Cancel = true;
            runner.RequestStop(RunEnd.Signal);
            _signalled ??= ctx.Signal;
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        switch (runner.Run())
        {
            case RunEnd.GuestExit:
                return machine.ExitCode ?? 0;
            case RunEnd.Signal:
                Console.Error.WriteLine($"hexemu: terminating on signal {_signalled}");
                return 0;
            default:
                return 0;
        }
    }

    private static PosixSignal? _signalled;

    private static byte[] ReadBios(string path)
    {
        if (!File.Exists(path)) throw new CommandLineException($"-bios {path}: no such file");
        long length = new FileInfo(path).Length;
        if (length < MachineConfig.MinBiosBytes || length > MachineConfig.MaxBiosBytes || length % 4096 != 0)
            throw new CommandLineException($"-bios {path}: a ROM image must be 64–256 KiB in 4 KiB steps, this one is {length} bytes");
        return File.ReadAllBytes(path);
    }

    private static StreamByteSink? OpenSink(CharTarget? target) => target switch
    {
        null or CharTarget.Null => null,
        CharTarget.Stdio => new StreamByteSink(Console.OpenStandardOutput()),
        CharTarget.File f => new StreamByteSink(OpenOutputFile(f.Path)),
        _ => null,
    };

    private static FileStream OpenOutputFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"could not open '{path}': {e.Message}");
        }
    }

    private const string HelpText = """
        usage: hexemu [options]
        An i386 PC emulator with a qemu-system-i386 compatible command line.

        -bios FILE          firmware ROM image (64-256 KiB), mapped below 4 GiB and 1 MiB
        -m [size=]N[KMG]    RAM size (default 128M; a bare number is MiB)
        -debugcon DEV       port 0xE9 output: stdio, null or file:PATH
        -device isa-debug-exit[,iobase=N][,iosize=N]
                            a port whose write of V exits with status (V << 1) | 1
        -no-reboot          stop instead of resetting on a triple fault
        -display none, -nographic, -nodefaults
                            accepted: HexEmu has no display
        -version, -h        version, this help

        """;
}
