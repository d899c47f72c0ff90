namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// SHL/SAL, SHR, SAR, ROL, ROR, RCL, RCR, SHLD, SHRD (SDM vol. 1, 7.3.4–7.3.5).
///
/// The count (1, CL or imm8) is masked to 5 bits; a masked count of 0 changes nothing, not even
/// the flags. Flags the manual leaves undefined are set as the 386 sets them (checked against
/// test386's reference output for a real 386):
/// - SHL/SHR/SAR: OF is computed with the count-1 formula whatever the count (SHL: CF ⊕ MSB,
///   SHR: the top two result bits differ, SAR: 0); AF is set.
/// - 8/16-bit SHL/SHR by counts past the width: CF is the bit the count reaches modulo the width
///   (the 386 shifter sees the operand repeated across 32 bits), the result is 0.
/// - ROL/ROR/RCL/RCR: OF by the count-1 formula for any count, including RCL/RCR counts that are
///   a multiple of 9 or 17 (the value is unchanged but OF is recomputed).
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterShift(DispatchTable.Registrar r)
    {
        RegisterShiftFamily<ShlOp>(r, Mnemonic.Shl);
        RegisterShiftFamily<ShlOp>(r, Mnemonic.Sal);
        RegisterShiftFamily<ShrOp>(r, Mnemonic.Shr);
        RegisterShiftFamily<SarOp>(r, Mnemonic.Sar);
        RegisterShiftFamily<RolOp>(r, Mnemonic.Rol);
        RegisterShiftFamily<RorOp>(r, Mnemonic.Ror);
        RegisterShiftFamily<RclOp>(r, Mnemonic.Rcl);
        RegisterShiftFamily<RcrOp>(r, Mnemonic.Rcr);
        r.Add([Code.Shld_rm16_r16_imm8, Code.Shld_rm16_r16_CL], &Shld16);
        r.Add([Code.Shld_rm32_r32_imm8, Code.Shld_rm32_r32_CL], &Shld32);
        r.Add([Code.Shrd_rm16_r16_imm8, Code.Shrd_rm16_r16_CL], &Shrd16);
        r.Add([Code.Shrd_rm32_r32_imm8, Code.Shrd_rm32_r32_CL], &Shrd32);
    }

    private static void RegisterShiftFamily<TOp>(DispatchTable.Registrar r, Mnemonic m) where TOp : struct, IShiftOp =>
        RegisterByWidth(r, m, &Shift<TOp, W8>, &Shift<TOp, W16>, &Shift<TOp, W32>);

    /// <summary>One shift or rotate: the result and the new EFLAGS for a masked count of 1–31.</summary>
    internal interface IShiftOp
    {
        static abstract uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth;
    }

    /// <summary>The count operand (CL, or an immediate: 1 for the D0–D3 forms) masked to 5 bits.</summary>
    private static int ShiftCount(Cpu c, ref Insn i, int n)
    {
        uint raw = (n == 1 ? i.Op1Kind : i.Op2Kind) == OperandKind.Register ? c.Gpr[Cpu.ECX] : i.Imm;
        return (int)(raw & 31);
    }

    private static void Shift<TOp, W>(Cpu c, ref Insn i) where TOp : struct, IShiftOp where W : struct, IWidth
    {
        // The operand is read (and checked for writing) even for a count of 0, as the CPU does.
        uint v = W.GetRmw(c, ref i, 0);
        int count = ShiftCount(c, ref i, 1);
        if (count == 0) return;
        uint eflags = c.Eflags;
        uint r = TOp.Apply<W>(v, count, ref eflags);
        W.Set(c, ref i, 0, r);
        c.Eflags = eflags;
    }

    /// <summary>Sets all six status flags of a shift: SF/ZF/PF from the result, AF set (as the 386 does).</summary>
    private static uint ShiftStatus<W>(uint r, uint cf, uint of) where W : struct, IWidth =>
        Alu.Szp<W>(r) | Flags.AF | cf | Alu.Of(of);

    private static uint WithStatus(uint eflags, uint status) => (eflags & ~Flags.Status) | status;

    private static uint WithCfOf(uint eflags, uint cf, uint of) =>
        (eflags & ~(Flags.CF | Flags.OF)) | cf | Alu.Of(of);

    private struct ShlOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            uint r = (v << count) & W.Mask;
            // Last bit shifted out: bit (width − count); past the width it wraps (see the class comment).
            uint cf = (v >> ((W.Bits - count) & (W.Bits - 1))) & 1;
            eflags = WithStatus(eflags, ShiftStatus<W>(r, cf, cf ^ Alu.Msb<W>(r)));
            return r;
        }
    }

    private struct ShrOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            uint r = v >> count;
            uint cf = (v >> ((count - 1) & (W.Bits - 1))) & 1;
            eflags = WithStatus(eflags, ShiftStatus<W>(r, cf, Alu.Msb<W>(r ^ (r << 1))));
            return r;
        }
    }

    private struct SarOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            int signed = (int)(v << (32 - W.Bits)) >> (32 - W.Bits);
            uint r = (uint)(signed >> count) & W.Mask;
            uint cf = (uint)(signed >> (count - 1)) & 1;
            eflags = WithStatus(eflags, ShiftStatus<W>(r, cf, 0));
            return r;
        }
    }

    /// <summary>ROL/ROR change only CF and OF.</summary>
    private struct RolOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            int n = count & (W.Bits - 1);
            uint r = n == 0 ? v : ((v << n) | (v >> (W.Bits - n))) & W.Mask;
            uint cf = r & 1;
            eflags = WithCfOf(eflags, cf, cf ^ Alu.Msb<W>(r));
            return r;
        }
    }

    private struct RorOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            int n = count & (W.Bits - 1);
            uint r = n == 0 ? v : ((v >> n) | (v << (W.Bits - n))) & W.Mask;
            uint cf = Alu.Msb<W>(r);
            eflags = WithCfOf(eflags, cf, cf ^ Alu.Msb<W>(r << 1));
            return r;
        }
    }

    /// <summary>RCL: rotate the (width + 1)-bit value CF:operand left; 8/16-bit counts are taken mod 9/17.</summary>
    private struct RclOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            int n = W.Bits == 32 ? count : count % (W.Bits + 1);
            ulong wide = ((ulong)(eflags & Flags.CF) << W.Bits) | v;
            ulong wideMask = (1UL << (W.Bits + 1)) - 1;
            if (n != 0) wide = ((wide << n) | (wide >> (W.Bits + 1 - n))) & wideMask;
            uint r = (uint)wide & W.Mask;
            uint cf = (uint)(wide >> W.Bits) & 1;
            eflags = WithCfOf(eflags, cf, cf ^ Alu.Msb<W>(r));
            return r;
        }
    }

    private struct RcrOp : IShiftOp
    {
        public static uint Apply<W>(uint v, int count, ref uint eflags) where W : struct, IWidth
        {
            int n = W.Bits == 32 ? count : count % (W.Bits + 1);
            ulong wide = ((ulong)(eflags & Flags.CF) << W.Bits) | v;
            ulong wideMask = (1UL << (W.Bits + 1)) - 1;
            if (n != 0) wide = ((wide >> n) | (wide << (W.Bits + 1 - n))) & wideMask;
            uint r = (uint)wide & W.Mask;
            uint cf = (uint)(wide >> W.Bits) & 1;
            eflags = WithCfOf(eflags, cf, Alu.Msb<W>(r ^ (r << 1)));
            return r;
        }
    }

    // ---- double-precision shifts: op0 shifted, bits coming in from op1, count in op2 ----
    // CF is the last bit shifted out, OF as for SHL/SHR by 1, SF/ZF/PF from the result, AF cleared.
    // A 16-bit count above 16 is undefined in the manual; the 386 keeps shifting through the
    // 48-bit value op0:op1:op0, which is what the 16-bit forms below do.

    private static void Shld16(Cpu c, ref Insn i)
    {
        uint dst = c.GetRmwOp16(ref i, 0), src = c.GetOp16(ref i, 1);
        int count = ShiftCount(c, ref i, 2);
        if (count == 0) return;
        uint both = (dst << 16) | src;
        uint shifted = both << count;
        if (count > 16) shifted |= dst << (count - 16);
        uint r = shifted >> 16;
        uint cf = (both >> (32 - count)) & 1;
        c.SetOp16(ref i, 0, (ushort)r);
        Alu.SetStatus(c, Alu.Szp<W16>(r) | cf | Alu.Of(cf ^ Alu.Msb<W16>(r)));
    }

    private static void Shld32(Cpu c, ref Insn i)
    {
        uint dst = c.GetRmwOp32(ref i, 0), src = c.GetOp32(ref i, 1);
        int count = ShiftCount(c, ref i, 2);
        if (count == 0) return;
        uint r = (dst << count) | (src >> (32 - count));
        uint cf = (dst >> (32 - count)) & 1;
        c.SetOp32(ref i, 0, r);
        Alu.SetStatus(c, Alu.Szp<W32>(r) | cf | Alu.Of(cf ^ Alu.Msb<W32>(r)));
    }

    private static void Shrd16(Cpu c, ref Insn i)
    {
        uint dst = c.GetRmwOp16(ref i, 0), src = c.GetOp16(ref i, 1);
        int count = ShiftCount(c, ref i, 2);
        if (count == 0) return;
        uint both = (src << 16) | dst;
        uint shifted = both >> count;
        if (count > 16) shifted |= dst << (32 - count);
        uint r = shifted & 0xFFFF;
        uint cf = (both >> (count - 1)) & 1;
        c.SetOp16(ref i, 0, (ushort)r);
        Alu.SetStatus(c, Alu.Szp<W16>(r) | cf | Alu.Of(Alu.Msb<W16>(r ^ (r << 1))));
    }

    private static void Shrd32(Cpu c, ref Insn i)
    {
        uint dst = c.GetRmwOp32(ref i, 0), src = c.GetOp32(ref i, 1);
        int count = ShiftCount(c, ref i, 2);
        if (count == 0) return;
        uint r = (dst >> count) | (src << (32 - count));
        uint cf = (dst >> (count - 1)) & 1;
        c.SetOp32(ref i, 0, r);
        Alu.SetStatus(c, Alu.Szp<W32>(r) | cf | Alu.Of(Alu.Msb<W32>(r ^ (r << 1))));
    }
}
