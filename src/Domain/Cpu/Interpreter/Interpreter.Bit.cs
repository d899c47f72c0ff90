namespace HexEmu.Domain.Cpu;

using System.Numerics;
using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>BT, BTS, BTR, BTC, BSF, BSR, SETcc (SDM vol. 1, 7.3.7).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterBit(DispatchTable.Registrar r)
    {
        RegisterBitTest<BtOp>(r, Mnemonic.Bt);
        RegisterBitTest<BtsOp>(r, Mnemonic.Bts);
        RegisterBitTest<BtrOp>(r, Mnemonic.Btr);
        RegisterBitTest<BtcOp>(r, Mnemonic.Btc);
        r.Add(Code.Bsf_r16_rm16, &Bsf<W16>);
        r.Add(Code.Bsf_r32_rm32, &Bsf<W32>);
        r.Add(Code.Bsr_r16_rm16, &Bsr<W16>);
        r.Add(Code.Bsr_r32_rm32, &Bsr<W32>);
        foreach (var code in CodesWhere(c => c.ToString().StartsWith("Set", StringComparison.Ordinal) && c.ConditionCode() != ConditionCode.None && c.ToOpCode().Encoding == EncodingKind.Legacy))
            r.Add(code, &Setcc);
    }

    private static void RegisterBitTest<TOp>(DispatchTable.Registrar r, Mnemonic m) where TOp : struct, IBitOp =>
        RegisterByWidth(r, m, &InvalidOpcode, &BitTest<TOp, W16>, &BitTest<TOp, W32>);

    /// <summary>What BT/BTS/BTR/BTC do to the selected bit (BT: nothing, so no write).</summary>
    internal interface IBitOp
    {
        static abstract bool Writes { get; }
        static abstract uint Apply(uint v, uint bit);
    }

    private struct BtOp : IBitOp
    {
        public static bool Writes => false;
        public static uint Apply(uint v, uint bit) => v;
    }

    private struct BtsOp : IBitOp
    {
        public static bool Writes => true;
        public static uint Apply(uint v, uint bit) => v | bit;
    }

    private struct BtrOp : IBitOp
    {
        public static bool Writes => true;
        public static uint Apply(uint v, uint bit) => v & ~bit;
    }

    private struct BtcOp : IBitOp
    {
        public static bool Writes => true;
        public static uint Apply(uint v, uint bit) => v ^ bit;
    }

    /// <summary>
    /// BT family. CF ← the selected bit. The offset is taken modulo the width for a register
    /// operand and for an immediate; a register offset with a memory operand is signed and selects
    /// a bit anywhere in the "bit string" starting at the operand: the operand address moves by
    /// (offset SAR log2(width)) × (width / 8) bytes (SDM vol. 2, BT, "bit base / bit offset").
    /// OF is undefined; the 386 sets it as ROR of the operand by the bit offset would (top two
    /// result bits differ); SF, ZF, AF and PF are left as they were.
    /// </summary>
    private static void BitTest<TOp, W>(Cpu c, ref Insn i) where TOp : struct, IBitOp where W : struct, IWidth
    {
        uint offset = i.Op1Kind == OperandKind.Register ? W.GetReg(c, i.Reg1) : i.Imm;
        int n = (int)(offset & (uint)(W.Bits - 1));
        uint v;
        if (i.Op0Kind == OperandKind.Memory && i.Op1Kind == OperandKind.Register)
        {
            // Signed offset: the whole-unit part moves the address.
            int units = W.Bits == 16 ? (short)offset >> 4 : (int)offset >> 5;
            uint ea = c.EffectiveAddress(ref i) + (uint)(units * (W.Bits / 8));
            if (!i.Addr32) ea &= 0xFFFF;
            v = BitStringAccess<TOp, W>(c, i.Seg, ea, n);
        }
        else
        {
            v = TOp.Writes ? W.GetRmw(c, ref i, 0) : W.Get(c, ref i, 0);
            if (TOp.Writes) W.Set(c, ref i, 0, TOp.Apply(v, 1u << n));
        }
        uint cf = (v >> n) & 1;
        uint rotated = n == 0 ? v : ((v >> n) | (v << (W.Bits - n))) & W.Mask;
        Alu.SetSome(c, Flags.CF | Flags.OF, cf | Alu.Of(Alu.Msb<W>(rotated ^ (rotated << 1))));
    }

    /// <summary>Reads (and for BTS/BTR/BTC writes back) the unit of the bit string at seg:ea.</summary>
    private static uint BitStringAccess<TOp, W>(Cpu c, int seg, uint ea, int n) where TOp : struct, IBitOp where W : struct, IWidth
    {
        if (W.Bits == 16)
        {
            uint v = TOp.Writes ? c.ReadRmw16(seg, ea) : c.Read16(seg, ea);
            if (TOp.Writes) c.Write16(seg, ea, (ushort)TOp.Apply(v, 1u << n));
            return v;
        }
        else
        {
            uint v = TOp.Writes ? c.ReadRmw32(seg, ea) : c.Read32(seg, ea);
            if (TOp.Writes) c.Write32(seg, ea, TOp.Apply(v, 1u << n));
            return v;
        }
    }

    /// <summary>
    /// BSF/BSR: ZF = source is 0, and then the destination is left unchanged (the 386 does not
    /// write it). The other status flags are undefined and left as they were.
    /// </summary>
    private static void Bsf<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint v = W.Get(c, ref i, 1);
        if (v == 0) { c.Eflags |= Flags.ZF; return; }
        W.SetReg(c, i.Reg0, (uint)BitOperations.TrailingZeroCount(v));
        c.Eflags &= ~Flags.ZF;
    }

    private static void Bsr<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint v = W.Get(c, ref i, 1);
        if (v == 0) { c.Eflags |= Flags.ZF; return; }
        W.SetReg(c, i.Reg0, (uint)(31 - BitOperations.LeadingZeroCount(v)));
        c.Eflags &= ~Flags.ZF;
    }

    /// <summary>SETcc r/m8: 1 if the condition holds, else 0; no flags change.</summary>
    private static void Setcc(Cpu c, ref Insn i) =>
        c.SetOp8(ref i, 0, Condition(c.Eflags, i.Condition) ? (byte)1 : (byte)0);
}
