namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>CLC, STC, CMC, CLD, STD, CLI, STI, LAHF, SAHF, PUSHF, POPF (SDM vol. 1, 7.3.14).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterFlagControl(DispatchTable.Registrar r)
    {
        r.Add(Code.Clc, &Clc);
        r.Add(Code.Stc, &Stc);
        r.Add(Code.Cmc, &Cmc);
        r.Add(Code.Cld, &Cld);
        r.Add(Code.Std, &Std);
        r.Add(Code.Lahf, &Lahf);
        r.Add(Code.Sahf, &Sahf);
        // IF changes what interrupt delivery does between instructions: end the block.
        r.Add(Code.Cli, &Cli, endsBlock: true);
        r.Add(Code.Sti, &Sti, endsBlock: true);
        r.Add(Code.Pushfw, &Pushf16);
        r.Add(Code.Pushfd, &Pushf32);
        r.Add(Code.Popfw, &Popf16, endsBlock: true);
        r.Add(Code.Popfd, &Popf32, endsBlock: true);
    }

    private static void Clc(Cpu c, ref Insn i) => c.Eflags &= ~Flags.CF;

    private static void Stc(Cpu c, ref Insn i) => c.Eflags |= Flags.CF;

    private static void Cmc(Cpu c, ref Insn i) => c.Eflags ^= Flags.CF;

    private static void Cld(Cpu c, ref Insn i) => c.Eflags &= ~Flags.DF;

    private static void Std(Cpu c, ref Insn i) => c.Eflags |= Flags.DF;

    /// <summary>AH ← SF:ZF:0:AF:0:PF:1:CF (SDM vol. 2, LAHF).</summary>
    private static void Lahf(Cpu c, ref Insn i) =>
        c.SetReg8(4, (byte)((c.Eflags & Flags.Status & 0xFF) | Flags.Reserved1));

    /// <summary>SF, ZF, AF, PF and CF ← AH; bits 1, 3 and 5 keep their fixed values (SDM vol. 2, SAHF).</summary>
    private static void Sahf(Cpu c, ref Insn i)
    {
        const uint fromAh = Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
        c.Eflags = (c.Eflags & ~fromAh) | (c.GetReg8(4) & fromAh);
    }

    /// <summary>
    /// CLI and STI are IOPL-sensitive: in protected mode they need CPL ≤ IOPL, in virtual-8086
    /// mode IOPL 3 (CPL is 3 there, so the same test), else #GP(0) (SDM vol. 2, CLI/STI; no VME).
    /// </summary>
    private static void CheckIoplForIf(Cpu c)
    {
        if (c.ProtectedMode && c.Cpl > c.Iopl) c.Fault(Vector.GP, 0);
    }

    private static void Cli(Cpu c, ref Insn i)
    {
        CheckIoplForIf(c);
        c.Eflags &= ~Flags.IF;
    }

    /// <summary>STI that sets IF delays interrupts until after the next instruction (the interrupt shadow).</summary>
    private static void Sti(Cpu c, ref Insn i)
    {
        CheckIoplForIf(c);
        if ((c.Eflags & Flags.IF) == 0) c.InterruptShadow = true;
        c.Eflags |= Flags.IF;
    }

    /// <summary>PUSHF/PUSHFD trap to the monitor in virtual-8086 mode when IOPL &lt; 3 (SDM vol. 2, PUSHF).</summary>
    private static void CheckV86Iopl(Cpu c)
    {
        if (c.V86Mode && c.Iopl < 3) c.Fault(Vector.GP, 0);
    }

    private static void Pushf16(Cpu c, ref Insn i)
    {
        CheckV86Iopl(c);
        c.Push16((ushort)c.Eflags);
    }

    /// <summary>The pushed image has VM and RF clear (SDM vol. 2, PUSHF: "VM and RF are not copied").</summary>
    private static void Pushf32(Cpu c, ref Insn i)
    {
        CheckV86Iopl(c);
        c.Push32(c.Eflags & ~(Flags.VM | Flags.RF));
    }

    private static void Popf16(Cpu c, ref Insn i)
    {
        CheckV86Iopl(c);
        uint image = c.Pop16();
        c.Eflags = PoppedFlags(c, image, 0xFFFF);
        c.EndBlock();
    }

    private static void Popf32(Cpu c, ref Insn i)
    {
        CheckV86Iopl(c);
        uint image = c.Pop32();
        // RF is cleared by POPFD; VM (and VIP/VIF) never change (SDM vol. 2, POPF pseudo-code).
        c.Eflags = PoppedFlags(c, image, 0xFFFF_FFFF) & ~Flags.RF;
        c.EndBlock();
    }

    /// <summary>
    /// Which bits POPF may change (SDM vol. 2, POPF): IOPL only at CPL 0 (real mode counts as
    /// CPL 0; never in virtual-8086 mode), IF only when CPL ≤ IOPL, never VM or RF. Bits the
    /// operand does not cover (<paramref name="operandMask"/>) keep their value.
    /// </summary>
    private static uint PoppedFlags(Cpu c, uint image, uint operandMask)
    {
        uint writable = Flags.Implemented & ~(Flags.VM | Flags.RF) & operandMask;
        if (c.V86Mode || c.Cpl != 0) writable &= ~Flags.IOPL;
        if (c.ProtectedMode && c.Cpl > c.Iopl) writable &= ~Flags.IF;
        return (c.Eflags & ~writable) | (image & writable) | Flags.Reserved1;
    }
}
