namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// HLT, MOV to and from control and debug registers, INVLPG (SDM vol. 3, 2.8). All are
/// privileged: CPL 0 only, so #GP(0) at CPL 1–3 and in virtual-8086 mode (where CPL is 3).
/// The test registers of the 386/486 (MOV TRn) do not exist on the Pentium-class core we model:
/// the decoder leaves 0F 24/0F 26 undecoded, which is #UD.
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterSystem(DispatchTable.Registrar r)
    {
        r.Add(Code.Hlt, &Hlt, endsBlock: true);
        r.Add(Code.Mov_r32_cr, &MovFromCr);
        r.Add(Code.Mov_cr_r32, &MovToCr, endsBlock: true);
        r.Add(Code.Mov_r32_dr, &MovFromDr);
        r.Add(Code.Mov_dr_r32, &MovToDr);
        r.Add(Code.Invlpg_m, &Invlpg, endsBlock: true);
    }

    /// <summary>HLT is privileged: CPL 0 only (#GP(0) otherwise, including virtual-8086 mode).</summary>
    private static void Hlt(Cpu c, ref Insn i)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
        c.Halted = true;
        c.EndBlock();
    }

    /// <summary>The instruction needs CPL 0: #GP(0) otherwise (real mode has CPL 0, virtual-8086 mode CPL 3).</summary>
    private static void RequireCpl0(Cpu c)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
    }

    /// <summary>
    /// MOV r32, CRn: CR0, CR2, CR3 and CR4 exist; CR1 and CR5–CR7 are #UD (checked before the
    /// privilege, as the decoder would reject them). The operand is always 32 bits and a register.
    /// </summary>
    private static void MovFromCr(Cpu c, ref Insn i)
    {
        uint value = i.Reg1 switch
        {
            0 => c.Cr0,
            2 => c.Cr2,
            3 => c.Cr3,
            4 => c.Cr4,
            _ => InvalidControlRegister(c),
        };
        RequireCpl0(c);
        c.Gpr[i.Reg0] = value;
    }

    /// <summary>MOV CRn, r32; the block ends since paging, protection or CPL handling may have changed.</summary>
    private static void MovToCr(Cpu c, ref Insn i)
    {
        int cr = i.Reg0;
        if (cr is 1 or > 4) c.Fault(Vector.UD);
        RequireCpl0(c);
        uint value = c.Gpr[i.Reg1];
        switch (cr)
        {
            case 0: c.WriteCr0(value); break;
            case 2: c.Cr2 = value; break;
            case 3: c.WriteCr3(value); break;
            default: c.WriteCr4(value); break;
        }
    }

    private static uint InvalidControlRegister(Cpu c)
    {
        c.Fault(Vector.UD);
        return 0;
    }

    /// <summary>
    /// Resolves a debug register number: DR4 and DR5 alias DR6 and DR7 unless CR4.DE makes them
    /// #UD; then CPL 0 is required; then DR7.GD turns the access into a #DB fault with DR6.BD set
    /// (SDM vol. 3, 18.2.2 and 18.2.4).
    /// </summary>
    private static int DebugRegister(Cpu c, int n)
    {
        if (n is 4 or 5)
        {
            if ((c.Cr4 & CR4.DE) != 0) c.Fault(Vector.UD);
            n += 2;
        }
        RequireCpl0(c);
        if ((c.Dr[7] & Dr7GeneralDetect) != 0)
        {
            // The handler sees BD set and GD clear, so that it may use the debug registers.
            c.Dr[6] |= Dr6BreakpointDetect;
            c.Dr[7] &= ~Dr7GeneralDetect;
            c.Fault(Vector.DB);
        }
        return n;
    }

    private const uint Dr7GeneralDetect = 1u << 13, Dr6BreakpointDetect = 1u << 13;

    private static void MovFromDr(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = c.Dr[DebugRegister(c, i.Reg1)];

    private static void MovToDr(Cpu c, ref Insn i)
    {
        int n = DebugRegister(c, i.Reg0);
        c.WriteDr(n, c.Gpr[i.Reg1]);
    }

    /// <summary>
    /// INVLPG m: drops the translation of the page holding the operand's linear address (segment
    /// base + offset, no limit or paging check: SDM vol. 2, INVLPG). CPL 0 only.
    /// </summary>
    private static void Invlpg(Cpu c, ref Insn i)
    {
        RequireCpl0(c);
        c.FlushTlbPage(c.Segs[i.Seg].Base + c.EffectiveAddress(ref i));
        c.EndBlock();
    }
}
