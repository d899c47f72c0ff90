using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The guest's machine code as binutils' objdump reads it from the ELF file, with no emulator
/// and no gdb involved: each instruction's address, text and source line, and the symbols. The
/// tests predict from it where stepping must go (an independent source for the PCs they expect).
/// </summary>
public sealed partial class GuestCode
{
    public sealed record Instruction(uint Address, string Text, int Line)
    {
        /// <summary>The target of a direct call ("call 200820 &lt;square&gt;"), or null.</summary>
        public uint? CallTarget => CallPattern().Match(Text) is { Success: true } m
            ? uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;

        public bool IsReturn => Text == "ret";
    }

    private readonly List<Instruction> _instructions;
    private readonly Dictionary<string, uint> _symbols;

    private GuestCode(List<Instruction> instructions, Dictionary<string, uint> symbols)
    {
        _instructions = instructions;
        _symbols = symbols;
    }

    private static readonly Lazy<GuestCode> Committed = new(() => Read(HexEmuProcess.GuestPath(GdbGuest.Kernel)));

    /// <summary>The committed tests/guests/gdbguest.elf.</summary>
    public static GuestCode Guest => Committed.Value;

    public static GuestCode Read(string elf)
    {
        string code = Objdump("-d", "-l", "--no-show-raw-insn", elf);
        var instructions = new List<Instruction>();
        int line = 0;
        foreach (var raw in code.Split('\n'))
        {
            var text = raw.TrimEnd();
            if (SourceLinePattern().Match(text) is { Success: true } l) line = int.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture);
            else if (FunctionPattern().IsMatch(text)) line = 0; // a function with no line information (lib/) starts
            else if (InstructionPattern().Match(text) is { Success: true } m)
                instructions.Add(new Instruction(uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    Regex.Replace(m.Groups[2].Value.Trim(), @"\s+", " "), line));
        }
        var symbols = new Dictionary<string, uint>();
        foreach (Match m in SymbolPattern().Matches(Objdump("-t", elf)))
            symbols[m.Groups[2].Value] = uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.True(instructions.Count > 100 && symbols.ContainsKey("step"), $"objdump did not read {elf}");
        return new GuestCode(instructions, symbols);
    }

    public uint Symbol(string name) =>
        _symbols.TryGetValue(name, out uint address) ? address : throw new KeyNotFoundException($"no symbol {name} in {GdbGuest.Kernel}");

    public Instruction At(uint address) =>
        _instructions.Find(i => i.Address == address) ?? throw new KeyNotFoundException($"no instruction at 0x{address:x}");

    /// <summary>The instructions of source line <paramref name="line"/> of gdbguest.c, in address order.</summary>
    public IReadOnlyList<Instruction> OfLine(int line) => [.. _instructions.Where(i => i.Line == line)];

    /// <summary>The instructions of <paramref name="function"/>: from its symbol up to the next symbol (or the end of the code).</summary>
    public IReadOnlyList<Instruction> OfFunction(string function)
    {
        uint start = Symbol(function);
        uint end = _symbols.Values.Where(a => a > start).DefaultIfEmpty(uint.MaxValue).Min();
        return [.. _instructions.Where(i => i.Address >= start && i.Address < end)];
    }

    /// <summary>The address of the call to <paramref name="callee"/> inside <paramref name="caller"/>.</summary>
    public uint CallSite(string caller, string callee) =>
        OfFunction(caller).Single(i => i.CallTarget == Symbol(callee)).Address;

    /// <summary>The address just after that call: where the callee returns to.</summary>
    public uint ReturnAddress(string caller, string callee)
    {
        var body = OfFunction(caller);
        int call = body.ToList().FindIndex(i => i.CallTarget == Symbol(callee));
        return body[call + 1].Address;
    }

    /// <summary>
    /// The PCs that <paramref name="count"/> single steps from <paramref name="start"/> visit,
    /// for code without conditional branches: the next instruction, a direct call's target, or
    /// the return address a ret pops (calls made on the way only; fails on anything else).
    /// </summary>
    public IReadOnlyList<uint> StraightLinePath(uint start, int count)
    {
        var pcs = new List<uint>();
        var returns = new Stack<uint>();
        uint pc = start;
        for (int n = 0; n < count; n++)
        {
            int index = _instructions.FindIndex(i => i.Address == pc);
            Assert.True(index >= 0 && index + 1 < _instructions.Count, $"no instruction at 0x{pc:x} to step from");
            var insn = _instructions[index];
            uint next = _instructions[index + 1].Address;
            if (insn.CallTarget is { } target)
            {
                returns.Push(next);
                pc = target;
            }
            else if (insn.IsReturn)
            {
                Assert.True(returns.Count > 0, $"the path from 0x{start:x} returns out of its first function at 0x{pc:x}");
                pc = returns.Pop();
            }
            else
            {
                Assert.True(!insn.Text.StartsWith('j') && !insn.Text.StartsWith("loop", StringComparison.Ordinal),
                    $"the path from 0x{start:x} meets a jump at 0x{pc:x}: {insn.Text}");
                pc = next;
            }
            pcs.Add(pc);
        }
        return pcs;
    }

    /// <summary>The store to <paramref name="variable"/> (its absolute address as the destination) on <paramref name="line"/>.</summary>
    public uint StoreTo(string variable, int line)
    {
        string destination = $",0x{Symbol(variable):x}";
        return OfLine(line).Single(i => i.Text.StartsWith("mov ", StringComparison.Ordinal) && i.Text.EndsWith(destination, StringComparison.Ordinal)).Address;
    }

    private static string Objdump(params string[] args)
    {
        var psi = new ProcessStartInfo("objdump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("objdump did not finish");
        }
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"objdump {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout.Result;
    }

    [GeneratedRegex(@"^\s*([0-9a-f]+):\t(.+)$")]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"gdbguest\.c:(\d+)")]
    private static partial Regex SourceLinePattern();

    [GeneratedRegex(@"^[0-9a-f]+ <[^>]+>:$")]
    private static partial Regex FunctionPattern();

    [GeneratedRegex(@"call ([0-9a-f]+) <")]
    private static partial Regex CallPattern();

    [GeneratedRegex(@"^([0-9a-f]{8}) [gl] +[FO] \S+\t[0-9a-f]+ (\S+)$", RegexOptions.Multiline)]
    private static partial Regex SymbolPattern();
}
