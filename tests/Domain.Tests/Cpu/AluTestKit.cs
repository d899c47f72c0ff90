using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>Small helpers for the ALU instruction tests: run a few instructions, read flags.</summary>
internal static class AluTestKit
{
    public const uint CF = Flags.CF, PF = Flags.PF, AF = Flags.AF, ZF = Flags.ZF, SF = Flags.SF, OF = Flags.OF;

    /// <summary>Flat 32-bit mode: assembles <paramref name="program"/>, applies <paramref name="setup"/>, runs <paramref name="count"/> instructions.</summary>
    public static CpuHarness Run32(Action<Assembler> program, Action<X86Cpu>? setup = null, int count = 1)
    {
        var h = CpuHarness.Flat32().Load(program);
        setup?.Invoke(h.Cpu);
        h.Run(count);
        return h;
    }

    /// <summary>Flat 32-bit mode with raw machine code (for encodings the assembler does not emit).</summary>
    public static CpuHarness RunBytes32(byte[] code, Action<X86Cpu>? setup = null, int count = 1)
    {
        var h = CpuHarness.Flat32().LoadBytes(code);
        setup?.Invoke(h.Cpu);
        h.Run(count);
        return h;
    }

    /// <summary>The six status flags.</summary>
    public static uint Status(this CpuHarness h) => h.Cpu.Eflags & Flags.Status;

    /// <summary>Sets EFLAGS' status bits before the run.</summary>
    public static void WithStatus(this X86Cpu c, uint status) => c.Eflags = (c.Eflags & ~Flags.Status) | status;

    /// <summary>
    /// Real mode with a #DE handler (a HLT at 2000:0000): runs the program until the CPU halts.
    /// Returns the harness; a fault shows as ESP lowered by 6 and the faulting IP on the stack.
    /// </summary>
    public static CpuHarness RunRealWithDivideHandler(Action<Assembler> program, Action<X86Cpu>? setup = null)
    {
        var h = CpuHarness.RealMode();
        h.Poke32(0, 0x2000_0000);
        h.Memory.Ram[0x20000] = 0xF4;
        h.Load(program);
        setup?.Invoke(h.Cpu);
        h.Run(20);
        return h;
    }

    public static bool TookDivideError(this CpuHarness h) =>
        h.Cpu.Segs[Seg.CS].Selector == 0x2000 && h.Cpu.Halted;
}
