using System.Text;
using System.Text.Json;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Real-mode single-instruction tests captured from a real 80286 (SingleStepTests, see
/// Data/sst80286/README.md): each test sets registers and RAM, runs one instruction and compares
/// registers, flags and RAM with what the hardware produced.
///
/// 286 and 386 differ in a few places, handled here:
/// - Flags the metadata calls undefined for the opcode are masked, in FLAGS and in the FLAGS
///   image an exception pushes.
/// - FLAGS bits 12–15: a 286 in real mode holds them at 0 (the captures' initial FLAGS often
///   have them set, every final FLAGS and pushed image shows them clear), while a 386 keeps
///   IOPL and NT as loaded. We load the initial FLAGS with them cleared, as the 286 held them.
/// - A #GP for a word access that overruns offset 0xFFFF: the 286 has already updated SI/DI,
///   the 386 leaves them as they were.
/// - LOCK on an instruction that cannot be locked: ignored by the 286, #UD on the 386; those
///   captures are left out (see <see cref="RaisesInvalidOpcodeOn386"/>).
/// - A REP string instruction counts one instruction per iteration in our model; every test is
///   run until the HLT that follows the instruction (or starts the interrupt handler) halts.
/// </summary>
public class Sst80286Tests
{
    [Theory]
    [InlineData("00")]   // ADD r/m8, r8
    [InlineData("F6.6")] // DIV r/m8, including #DE
    [InlineData("A5")]   // MOVSW / REP MOVSW (string instructions)
    [InlineData("CD")]   // INT imm8
    [InlineData("EB")]   // JMP rel8
    public void Matches_the_80286_captures(string file)
    {
        string dir = DataDirectory();
        var tests = MooReader.Read(Path.Combine(dir, file + ".MOO.gz"));
        ushort undefined = UndefinedFlags(Path.Combine(dir, "metadata.json"), file);
        Assert.Equal(100, tests.Count);

        var h = CpuHarness.RealMode(ramBytes: 2 << 20);
        var failures = new StringBuilder();
        int failed = 0;
        int skipped = 0;
        foreach (var t in tests)
        {
            if (RaisesInvalidOpcodeOn386(t.Bytes)) { skipped++; continue; }
            string? problem = RunOne(h, t, undefined);
            if (problem is null) continue;
            failed++;
            if (failed <= 10) failures.AppendLine($"#{t.Index} {t.Name} [{Convert.ToHexString(t.Bytes)}]: {problem}");
        }
        Assert.True(failed == 0, $"{failed} of {tests.Count - skipped} tests differ:\n{failures}");
        Assert.True(skipped <= 10, $"{skipped} tests skipped");
    }

    private static string? RunOne(CpuHarness h, MooTest t, ushort undefinedFlags)
    {
        X86Cpu c = h.Cpu;
        var ram = h.Memory.Ram;
        c.Reset();
        foreach (var (address, value) in t.Initial.Ram) ram[(int)address] = value;
        ushort?[] init = t.Initial.Regs;
        SetState(c, init);
        c.FlushCodeCache();

        try
        {
            // The captured bytes end with a HLT, and interrupt/exception handlers in the captures
            // start with one: the hardware ran until it halted, and so do we. A REP string
            // instruction takes one step per iteration, hence the bound.
            int bound = HasRepPrefix(t.Bytes) ? init[2]!.Value + 4 : 4;
            for (int steps = 0; steps < bound && !c.Halted; steps++)
                c.Run(1);

            var expected = new ushort[init.Length];
            for (int r = 0; r < init.Length; r++) expected[r] = t.Final.Regs[r] ?? init[r]!.Value;
            if (t.ExceptionVector == Vector.GP)
            {
                // A string move that overruns the segment at 0xFFFF: the 286 has already stepped
                // SI/DI when it raises #GP, the 386 faults with them unchanged (restartable).
                expected[10] = init[10]!.Value;
                expected[11] = init[11]!.Value;
            }
            ushort[] actual = ReadState(c);
            var diff = new StringBuilder();
            for (int r = 0; r < expected.Length; r++)
            {
                ushort mask = r == 13 ? (ushort)~undefinedFlags : (ushort)0xFFFF;
                if ((expected[r] & mask) != (actual[r] & mask))
                    diff.Append($"{MooReader.RegisterNames[r]}={actual[r]:X4} expected {expected[r]:X4}; ");
            }
            // The FLAGS image pushed by an exception holds the undefined flags too. It lies at
            // SS:SP+4 after the push; the EXCP chunk's address is rounded to even when SP was odd.
            uint? flagsImage = t.ExceptionVector is null ? null
                : ((uint)expected[5] << 4) + (uint)((expected[8] + 4) & 0xFFFF);
            foreach (var (address, value) in t.Final.Ram)
            {
                byte mask = 0xFF;
                if (flagsImage is uint fa)
                {
                    if (address == fa) mask = (byte)~undefinedFlags;
                    else if (address == fa + 1) mask = (byte)(~undefinedFlags >> 8);
                }
                if ((ram[(int)address] & mask) != (value & mask))
                    diff.Append($"[{address:X6}]={ram[(int)address]:X2} expected {value:X2}; ");
            }
            return diff.Length == 0 ? null : diff.ToString();
        }
        finally
        {
            foreach (var (address, _) in t.Initial.Ram) ram[(int)address] = 0;
            foreach (var (address, _) in t.Final.Ram) ram[(int)address] = 0;
        }
    }

    /// <summary>
    /// LOCK on an instruction that cannot be locked (JMP, INT, MOVS…) is ignored by the 286 but is
    /// an invalid opcode on the 386 (SDM vol. 2, LOCK): such captures do not apply to our CPU.
    /// </summary>
    private static bool RaisesInvalidOpcodeOn386(byte[] bytes)
    {
        var decoder = Iced.Intel.Decoder.Create(16, bytes);
        return decoder.Decode().Code == Iced.Intel.Code.INVALID;
    }

    private static bool HasRepPrefix(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is 0xF2 or 0xF3) return true;
            if (b is not (0x26 or 0x2E or 0x36 or 0x3E or 0xF0)) return false;
        }
        return false;
    }

    private static void SetState(X86Cpu c, ushort?[] r)
    {
        c.Gpr[X86Cpu.EAX] = r[0]!.Value;
        c.Gpr[X86Cpu.EBX] = r[1]!.Value;
        c.Gpr[X86Cpu.ECX] = r[2]!.Value;
        c.Gpr[X86Cpu.EDX] = r[3]!.Value;
        c.LoadSegmentReal(Seg.CS, r[4]!.Value);
        c.LoadSegmentReal(Seg.SS, r[5]!.Value);
        c.LoadSegmentReal(Seg.DS, r[6]!.Value);
        c.LoadSegmentReal(Seg.ES, r[7]!.Value);
        c.Gpr[X86Cpu.ESP] = r[8]!.Value;
        c.Gpr[X86Cpu.EBP] = r[9]!.Value;
        c.Gpr[X86Cpu.ESI] = r[10]!.Value;
        c.Gpr[X86Cpu.EDI] = r[11]!.Value;
        c.Eip = c.NextEip = r[12]!.Value;
        // A 286 in real mode holds FLAGS bits 12–15 at 0 whatever is loaded (the captures show
        // them cleared in every final state); a 386 would keep IOPL and NT. Load what the 286 held.
        c.Eflags = (uint)(r[13]!.Value & 0x0FFF) | Flags.Reserved1;
    }

    private static ushort[] ReadState(X86Cpu c) =>
    [
        (ushort)c.Gpr[X86Cpu.EAX], (ushort)c.Gpr[X86Cpu.EBX], (ushort)c.Gpr[X86Cpu.ECX], (ushort)c.Gpr[X86Cpu.EDX],
        c.Segs[Seg.CS].Selector, c.Segs[Seg.SS].Selector, c.Segs[Seg.DS].Selector, c.Segs[Seg.ES].Selector,
        (ushort)c.Gpr[X86Cpu.ESP], (ushort)c.Gpr[X86Cpu.EBP], (ushort)c.Gpr[X86Cpu.ESI], (ushort)c.Gpr[X86Cpu.EDI],
        (ushort)c.Eip, (ushort)c.Eflags,
    ];

    /// <summary>The undefined-flags mask of an opcode ("F6.6" = opcode F6, reg field 6) from metadata.json.</summary>
    private static ushort UndefinedFlags(string metadataPath, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(metadataPath));
        string[] parts = file.Split('.');
        JsonElement entry = doc.RootElement.GetProperty("opcodes").GetProperty(parts[0]);
        if (parts.Length > 1) entry = entry.GetProperty("reg").GetProperty(parts[1]);
        return entry.TryGetProperty("flags-mask", out var m) ? (ushort)~m.GetInt32() : (ushort)0;
    }

    private static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Data", "sst80286");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "tests", "Domain.Tests", "Data", "sst80286");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Domain.Tests/Data/sst80286 not found above " + AppContext.BaseDirectory);
    }
}
