using HexEmu.Domain.Cpu;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Machine;

/// <summary>Why the machine stopped running.</summary>
public enum MachineStop
{
    /// <summary>The slice of instructions is done; call Run again.</summary>
    SliceDone,
    /// <summary>The CPU is halted and nothing in the machine can wake it.</summary>
    HaltedForever,
    /// <summary>The guest asked to exit (isa-debug-exit); see <see cref="PcMachine.ExitCode"/>.</summary>
    GuestExit,
    /// <summary>A triple fault under -no-reboot.</summary>
    Shutdown,
}

/// <summary>
/// The PC around the CPU. For now: RAM, the firmware ROM, the debug console and isa-debug-exit
/// — just enough to run ROM images; the full PC comes with its own issue.
/// </summary>
public sealed class PcMachine
{
    public PhysicalMemory Memory { get; }
    public IoBus Io { get; } = new();
    public Cpu.Cpu Cpu { get; }
    public MachineConfig Config { get; }

    /// <summary>The exit status the guest asked for, once it did.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>How many times the machine was reset by a triple fault.</summary>
    public int Resets { get; private set; }

    public PcMachine(MachineConfig config)
    {
        if (config.Bios.Length < MachineConfig.MinBiosBytes || config.Bios.Length > MachineConfig.MaxBiosBytes
            || config.Bios.Length % 0x1000 != 0)
            throw new ArgumentException($"BIOS image must be 64–256 KiB in 4 KiB steps, not {config.Bios.Length} bytes");
        Config = config;
        Memory = new PhysicalMemory(config.RamBytes);
        Memory.LoadRom(config.Bios);
        Cpu = new Cpu.Cpu(Memory, Io);
        if (config.DebugConsole is { } sink)
            Io.Map(config.DebugConsolePort, 1, new DebugConsole(sink));
        if (config.DebugExit is { } exit)
            Io.Map(exit.Base, exit.Size, new DebugExit(RequestExit));
    }

    private void RequestExit(int code)
    {
        ExitCode = code;
        Cpu.RequestStop();
    }

    /// <summary>Runs at most <paramref name="instructions"/> instructions.</summary>
    public MachineStop Run(long instructions)
    {
        var exit = Cpu.Run(instructions);
        if (ExitCode is not null) return MachineStop.GuestExit;
        switch (exit)
        {
            case RunExit.Shutdown:
                if (Config.NoReboot) return MachineStop.Shutdown;
                Resets++;
                Cpu.Reset();
                return MachineStop.SliceDone;
            case RunExit.Halted:
                // No device of this machine raises interrupts yet, so a halted CPU stays halted.
                return MachineStop.HaltedForever;
            default:
                return MachineStop.SliceDone;
        }
    }
}
