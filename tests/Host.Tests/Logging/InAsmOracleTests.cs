using System.Diagnostics;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Machine;
using HexEmu.Host.Logging;

namespace HexEmu.Host.Tests.Logging;

/// <summary>
/// `-d in_asm` against qemu-system-i386 as the oracle: blocks are cut differently by the two
/// emulators, but every instruction line (address, bytes, AT&amp;T disassembly) of
/// tests/guests/pmtest.rom that both list must read the same.
/// </summary>
public sealed class InAsmOracleTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-inasm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Instruction lines by address ("0x000f0046:  fa   cli").</summary>
    private static Dictionary<string, string> InstructionLines(string log)
    {
        var lines = new Dictionary<string, string>();
        foreach (string line in log.Split('\n'))
            if (line.StartsWith("0x", StringComparison.Ordinal) && line.Length > 12 && line[10] == ':')
                lines[line[..10]] = line;
        return lines;
    }

    [Fact]
    public void Pmtest_instructions_disassemble_as_qemu_disassembles_them()
    {
        string rom = HexEmuProcess.GuestPath("pmtest.rom");
        string qemuLog = Path.Combine(_dir, "qemu.log"), ourLog = Path.Combine(_dir, "hexemu.log");
        IntLogOracleTests.RunQemu("-d", "in_asm", "-D", qemuLog, "-bios", rom, "-display", "none", "-nodefaults", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        var machine = new PcMachine(new MachineConfig { Bios = File.ReadAllBytes(rom), DebugExit = (0xf4, 4), NoReboot = true });
        using (var log = DiagnosticLog.Open(LogItems.InAsm, ourLog))
        {
            log.AttachTo(machine.Cpu, machine.Io);
            var stop = MachineStop.SliceDone;
            for (int slice = 0; slice < 100 && stop == MachineStop.SliceDone; slice++) stop = machine.Run(1_000_000);
            Assert.Equal(MachineStop.GuestExit, stop);
        }

        var expected = InstructionLines(File.ReadAllText(qemuLog));
        var actual = InstructionLines(File.ReadAllText(ourLog));
        var common = expected.Keys.Intersect(actual.Keys).Order().ToList();
        Assert.True(common.Count >= 150, $"only {common.Count} instructions listed by both");
        var differing = common.Where(a => expected[a] != actual[a]).Select(a => $"qemu:   {expected[a]}\nhexemu: {actual[a]}").ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} of {common.Count} lines differ:\n{string.Join('\n', differing.Take(40))}");
    }
}
