using System.Diagnostics;
using System.Text;

namespace HexEmu.Host.Tests.Oracle;

/// <summary>
/// Differential test of the integer instructions against qemu-system-i386 as an oracle: each
/// generated ROM (see <see cref="OracleCaseGenerator"/> and <see cref="OracleRom"/>) runs on both,
/// and every case's registers (ESP included), scratch memory and defined flags must agree. The ROMs
/// are the arithmetic groups in 32-bit and in 16-bit code, and memory addressing, stack and string
/// instructions over a 260-byte scratch area, again in both code sizes (16-bit code on a 16-bit and on a 32-bit stack). Only the flags the Intel SDM
/// leaves undefined are masked (QEMU is no 386 there). No defined result was found where QEMU departs
/// from the SDM for these inputs; such an input would be excluded in the generator, with its SDM
/// reference.
/// </summary>
public class QemuOracleTests
{
    private const ulong Seed = 0x1386_0AC1E;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The ROMs: one per kind of case and seed. A second seed doubles the inputs for about a second of run time each.</summary>
    public enum Part { Integer32, Integer16, MemoryStackStrings32, MemoryStackStrings16, MemoryStackStrings16Ss32 }

    private static IReadOnlyList<OracleCase> Cases(Part part, ulong seed) => part switch
    {
        Part.Integer32 => OracleCaseGenerator.Generate(seed),
        Part.Integer16 => OracleCaseGenerator.Generate16(seed),
        Part.MemoryStackStrings32 => OracleCaseGenerator.GenerateMemory(seed),
        _ => OracleCaseGenerator.GenerateMemory16(seed, stack16: part == Part.MemoryStackStrings16),
    };

    /// <summary>MemoryStackStrings16 runs 16-bit code on a 16-bit stack, MemoryStackStrings16Ss32 on a 32-bit one.</summary>
    private static string Source(Part part, IReadOnlyList<OracleCase> cases) =>
        OracleRom.Source(cases, part is Part.Integer16 or Part.MemoryStackStrings16 or Part.MemoryStackStrings16Ss32 ? 16 : 32,
            stack16: part == Part.MemoryStackStrings16);

    [Theory]
    [InlineData(Part.Integer32, Seed)]
    [InlineData(Part.Integer32, 0xD1FF_E4E4_7E57UL)]
    [InlineData(Part.Integer16, Seed)]
    [InlineData(Part.Integer16, 0xD1FF_E4E4_7E57UL)]
    [InlineData(Part.MemoryStackStrings32, Seed)]
    [InlineData(Part.MemoryStackStrings32, 0xD1FF_E4E4_7E57UL)]
    [InlineData(Part.MemoryStackStrings16, Seed)]
    [InlineData(Part.MemoryStackStrings16, 0xD1FF_E4E4_7E57UL)]
    [InlineData(Part.MemoryStackStrings16Ss32, Seed)]
    public void Instructions_match_qemu_on_generated_cases(Part part, ulong seed)
    {
        var cases = Cases(part, seed);
        // The generated source, ROM and dumps stay in this directory when the test fails.
        var dir = Directory.CreateTempSubdirectory($"hexemu-oracle-{part}-");
        string asm = Path.Combine(dir.FullName, "oracle.asm");
        string rom = Path.Combine(dir.FullName, "oracle.rom");
        File.WriteAllText(asm, Source(part, cases));
        var nasm = RunTool("nasm", Timeout, "-f", "bin", "-o", rom, asm);
        Assert.True(nasm.ExitCode == 0, $"nasm failed: {nasm.Stderr}");
        Assert.Equal(OracleRom.RomBytes, new FileInfo(rom).Length);

        var expected = RunRom("qemu-system-i386", rom, Path.Combine(dir.FullName, "qemu.bin"), cases);
        var actual = RunRom("hexemu", rom, Path.Combine(dir.FullName, "hexemu.bin"), cases);
        var report = new StringBuilder();
        int mismatches = 0;
        for (int k = 0; k < cases.Count; k++)
        {
            if (Agree(cases[k], expected[k], actual[k])) continue;
            if (++mismatches <= 25)
                report.Append($"{cases[k]}\n    qemu:   {expected[k].Describe(actual[k])}\n    hexemu: {actual[k].Describe(expected[k])}\n    arithmetic flags compared (defined by the SDM): {FlagNames(cases[k].DefinedFlags)}\n");
        }
        Assert.True(mismatches == 0, $"{mismatches} of {cases.Count} {part} cases differ from qemu (first 25; files in {dir.FullName}):\n{report}");
        dir.Delete(recursive: true);
    }

    /// <summary>
    /// Runs the ROM on qemu-system-i386 or hexemu with the same options and reads its dumps. With
    /// -no-reboot a crash (a triple fault) ends the run at once; the message names the case it reached.
    /// </summary>
    private static OracleState[] RunRom(string emulator, string rom, string dump, IReadOnlyList<OracleCase> cases)
    {
        string[] args = ["-bios", rom, "-debugcon", $"file:{dump}", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-display", "none", "-nodefaults", "-no-reboot"];
        var run = emulator == "hexemu" ? HexEmuProcess.Run(Timeout, args) : RunTool(emulator, Timeout, args);
        int dumpBytes = OracleState.DumpBytes(cases[0].Memory.Length);
        long dumped = File.Exists(dump) ? new FileInfo(dump).Length / dumpBytes : 0;
        string reached = dumped < cases.Count ? $"; it stopped in case {cases[(int)dumped]}" : "";
        Assert.True(run.ExitCode == 1,
            $"{emulator} exited with {run.ExitCode}, not 1 through isa-debug-exit, after {dumped} of {cases.Count} cases{reached}: {run.Stderr}");
        return ReadDumps(dump, cases.Count, cases[0].Memory.Length, emulator);
    }

    [Theory]
    [InlineData(Part.Integer32, 2000)]
    [InlineData(Part.Integer16, 1000)]
    [InlineData(Part.MemoryStackStrings32, 1000)]
    [InlineData(Part.MemoryStackStrings16, 500)]
    [InlineData(Part.MemoryStackStrings16Ss32, 500)]
    public void Generated_cases_are_deterministic_and_numerous(Part part, int atLeast)
    {
        var a = Cases(part, Seed);
        var b = Cases(part, Seed);
        Assert.True(a.Count >= atLeast, $"only {a.Count} cases");
        Assert.Equal(Source(part, a), Source(part, b));
    }

    /// <summary>
    /// Registers and the scratch dwords must be equal; EFLAGS must be equal outside the arithmetic flags
    /// and on those the SDM defines for the case.
    /// </summary>
    private static bool Agree(OracleCase c, OracleState qemu, OracleState ours)
    {
        uint compared = ~OracleCaseGenerator.Arith | c.DefinedFlags;
        return qemu.Registers.AsSpan().SequenceEqual(ours.Registers) && qemu.Memory.AsSpan().SequenceEqual(ours.Memory)
            && (qemu.Eflags & compared) == (ours.Eflags & compared);
    }

    private static string FlagNames(uint flags)
    {
        var names = new List<string>();
        foreach (var (bit, name) in new[] { (OracleCaseGenerator.OF, "OF"), (OracleCaseGenerator.SF, "SF"), (OracleCaseGenerator.ZF, "ZF"),
                     (OracleCaseGenerator.AF, "AF"), (OracleCaseGenerator.PF, "PF"), (OracleCaseGenerator.CF, "CF") })
            if ((flags & bit) != 0) names.Add(name);
        return names.Count == 0 ? "none" : string.Join(' ', names);
    }

    private static OracleState[] ReadDumps(string path, int count, int memoryDwords, string who)
    {
        Assert.True(File.Exists(path), $"{who} wrote no debug console file");
        byte[] bytes = File.ReadAllBytes(path);
        int size = OracleState.DumpBytes(memoryDwords);
        Assert.True(bytes.Length == count * size, $"{who} dumped {bytes.Length} bytes, expected {count} cases of {size}");
        var states = new OracleState[count];
        for (int k = 0; k < count; k++) states[k] = OracleState.Parse(bytes.AsSpan(k * size, size), memoryDwords);
        return states;
    }

    private static HexEmuProcess.Result RunTool(string tool, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed (scripts/test.sh installs it): {e.Message}", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                throw new TimeoutException($"{tool} {string.Join(' ', args)} did not exit within {timeout}");
            }
            return new HexEmuProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
