namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// DAA, DAS, AAA, AAS, AAM, AAD (SDM vol. 1, 7.3.2.3; vol. 2 for the pseudo-code).
///
/// The flags the manual calls undefined are those of the 386, which computes them from the
/// adjusting addition or subtraction it performs:
/// - AAA/AAS: SF, ZF, PF and OF of AL ± 6 (or of AL unchanged when no adjustment is made),
///   before AL is masked to its low nibble; AX ± 0x106 carries into AH.
/// - DAA/DAS: OF is the signed overflow of the whole adjustment (AL ± 0x06/0x60/0x66).
/// - AAM: CF, AF and OF cleared. AAD: the flags of the 8-bit addition AL + AH × imm.
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterBcd(DispatchTable.Registrar r)
    {
        r.Add(Code.Daa, &Daa);
        r.Add(Code.Das, &Das);
        r.Add(Code.Aaa, &Aaa);
        r.Add(Code.Aas, &Aas);
        r.Add(Code.Aam_imm8, &Aam);
        r.Add(Code.Aad_imm8, &Aad);
    }

    private static void Daa(Cpu c, ref Insn i)
    {
        uint al = c.Gpr[Cpu.EAX] & 0xFF, flags = c.Eflags;
        uint adjust = 0, cf = 0, af = 0;
        if ((al & 0x0F) > 9 || (flags & Flags.AF) != 0)
        {
            adjust = 0x06;
            af = Flags.AF;
            if (al + 6 > 0xFF) cf = Flags.CF;
        }
        if (al > 0x99 || (flags & Flags.CF) != 0)
        {
            adjust |= 0x60;
            cf = Flags.CF;
        }
        uint r = (al + adjust) & 0xFF;
        c.SetReg8(Cpu.EAX, (byte)r);
        Alu.SetStatus(c, Alu.Szp<W8>(r) | cf | af | Alu.OfFromSign<W8>((al ^ r) & (adjust ^ r)));
    }

    private static void Das(Cpu c, ref Insn i)
    {
        uint al = c.Gpr[Cpu.EAX] & 0xFF, flags = c.Eflags;
        uint adjust = 0, cf = 0, af = 0;
        if ((al & 0x0F) > 9 || (flags & Flags.AF) != 0)
        {
            adjust = 0x06;
            af = Flags.AF;
            if (al < 6) cf = Flags.CF;
        }
        if (al > 0x99 || (flags & Flags.CF) != 0)
        {
            adjust |= 0x60;
            cf = Flags.CF;
        }
        uint r = (al - adjust) & 0xFF;
        c.SetReg8(Cpu.EAX, (byte)r);
        Alu.SetStatus(c, Alu.Szp<W8>(r) | cf | af | Alu.OfFromSign<W8>((al ^ adjust) & (al ^ r)));
    }

    private static void Aaa(Cpu c, ref Insn i)
    {
        uint ax = c.Gpr[Cpu.EAX] & 0xFFFF;
        bool adjust = (ax & 0x0F) > 9 || (c.Eflags & Flags.AF) != 0;
        uint add = adjust ? 6u : 0u;
        Alu.Add<W8>(ax & 0xFF, add, 0, out uint status);
        if (adjust) ax += 0x106;
        c.SetReg16(Cpu.EAX, (ushort)(ax & 0xFF0F));
        uint carry = adjust ? Flags.CF | Flags.AF : 0;
        Alu.SetStatus(c, (status & (Flags.SF | Flags.ZF | Flags.PF | Flags.OF)) | carry);
    }

    private static void Aas(Cpu c, ref Insn i)
    {
        uint ax = c.Gpr[Cpu.EAX] & 0xFFFF;
        bool adjust = (ax & 0x0F) > 9 || (c.Eflags & Flags.AF) != 0;
        uint sub = adjust ? 6u : 0u;
        Alu.Sub<W8>(ax & 0xFF, sub, 0, out uint status);
        if (adjust) ax -= 0x106;
        c.SetReg16(Cpu.EAX, (ushort)(ax & 0xFF0F));
        uint carry = adjust ? Flags.CF | Flags.AF : 0;
        Alu.SetStatus(c, (status & (Flags.SF | Flags.ZF | Flags.PF | Flags.OF)) | carry);
    }

    /// <summary>AAM imm8: AH ← AL / imm8, AL ← AL mod imm8; #DE when imm8 is 0.</summary>
    private static void Aam(Cpu c, ref Insn i)
    {
        uint divisor = i.Imm & 0xFF;
        if (divisor == 0) c.Fault(Vector.DE);
        uint al = c.Gpr[Cpu.EAX] & 0xFF;
        uint q = al / divisor, r = al % divisor;
        c.SetReg16(Cpu.EAX, (ushort)((q << 8) | r));
        Alu.SetStatus(c, Alu.Szp<W8>(r));
    }

    /// <summary>AAD imm8: AL ← (AL + AH × imm8) mod 256, AH ← 0.</summary>
    private static void Aad(Cpu c, ref Insn i)
    {
        uint ax = c.Gpr[Cpu.EAX];
        uint r = Alu.Add<W8>(ax & 0xFF, ((ax >> 8) & 0xFF) * (i.Imm & 0xFF) & 0xFF, 0, out uint status);
        c.SetReg16(Cpu.EAX, (ushort)r);
        Alu.SetStatus(c, status);
    }
}
