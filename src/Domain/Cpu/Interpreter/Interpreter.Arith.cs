namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>ADD, ADC, SUB, SBB, CMP, INC, DEC, NEG, MUL, IMUL, DIV, IDIV (SDM vol. 1, 7.3.2).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterArith(DispatchTable.Registrar r)
    {
        RegisterBinary<AddOp>(r, Mnemonic.Add);
        RegisterBinary<AdcOp>(r, Mnemonic.Adc);
        RegisterBinary<SubOp>(r, Mnemonic.Sub);
        RegisterBinary<SbbOp>(r, Mnemonic.Sbb);
        RegisterBinary<CmpOp>(r, Mnemonic.Cmp);
        RegisterByWidth(r, Mnemonic.Inc, &Inc<W8>, &Inc<W16>, &Inc<W32>);
        RegisterByWidth(r, Mnemonic.Dec, &Dec<W8>, &Dec<W16>, &Dec<W32>);
        RegisterByWidth(r, Mnemonic.Neg, &Neg<W8>, &Neg<W16>, &Neg<W32>);
        RegisterByWidth(r, Mnemonic.Mul, &Mul8, &Mul16, &Mul32);
        RegisterByWidth(r, Mnemonic.Div, &Div8, &Div16, &Div32);
        RegisterByWidth(r, Mnemonic.Idiv, &Idiv8, &Idiv16, &Idiv32);
        r.Add(Code.Imul_rm8, &Imul8);
        r.Add(Code.Imul_rm16, &Imul16);
        r.Add(Code.Imul_rm32, &Imul32);
        r.Add([Code.Imul_r16_rm16, Code.Imul_r16_rm16_imm16, Code.Imul_r16_rm16_imm8], &ImulTruncating16);
        r.Add([Code.Imul_r32_rm32, Code.Imul_r32_rm32_imm32, Code.Imul_r32_rm32_imm8], &ImulTruncating32);
    }

    // ---- registration helpers shared by the ALU groups ----

    /// <summary>
    /// Registers every 16/32-bit-mode encoding of <paramref name="m"/> with the handler of its
    /// operand width, read from the code's first operand (rm8/r8/AL → 8 bits, and so on).
    /// 64-bit-only encodings are left out.
    /// </summary>
    private static void RegisterByWidth(DispatchTable.Registrar r, Mnemonic m,
        delegate*<Cpu, ref Insn, void> h8, delegate*<Cpu, ref Insn, void> h16, delegate*<Cpu, ref Insn, void> h32)
    {
        foreach (var code in CodesWhere(c => c.Mnemonic() == m))
        {
            var info = code.ToOpCode();
            if (info.Encoding != EncodingKind.Legacy || !(info.Mode16 || info.Mode32)) continue;
            switch (WidthOfFirstOperand(code))
            {
                case 8: r.Add(code, h8); break;
                case 16: r.Add(code, h16); break;
                case 32: r.Add(code, h32); break;
            }
        }
    }

    private static int WidthOfFirstOperand(Code code)
    {
        string[] parts = code.ToString().Split('_');
        if (parts.Length < 2) return 0;
        return parts[1] switch
        {
            "rm8" or "r8" or "AL" => 8,
            "rm16" or "r16" or "AX" => 16,
            "rm32" or "r32" or "EAX" => 32,
            _ => 0,
        };
    }

    private static void RegisterBinary<TOp>(DispatchTable.Registrar r, Mnemonic m) where TOp : struct, IBinaryOp =>
        RegisterByWidth(r, m, &Binary<TOp, W8>, &Binary<TOp, W16>, &Binary<TOp, W32>);

    // ---- two-operand ALU instructions: op0 ← op0 ∘ op1 ----

    /// <summary>One ALU operation: the result and the six status flags from two operands and the old EFLAGS.</summary>
    internal interface IBinaryOp
    {
        /// <summary>False for CMP and TEST, which only set flags.</summary>
        static abstract bool Writes { get; }
        static abstract uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth;
    }

    /// <summary>
    /// Every two-operand form (rm,r / r,rm / rm,imm / accumulator,imm): the destination is read
    /// as a read-modify-write so a fault on its write comes before anything changes.
    /// </summary>
    private static void Binary<TOp, W>(Cpu c, ref Insn i) where TOp : struct, IBinaryOp where W : struct, IWidth
    {
        uint a = TOp.Writes ? W.GetRmw(c, ref i, 0) : W.Get(c, ref i, 0);
        uint b = W.Get(c, ref i, 1);
        uint result = TOp.Apply<W>(a, b, c.Eflags, out uint status);
        if (TOp.Writes) W.Set(c, ref i, 0, result);
        Alu.SetStatus(c, status);
    }

    private struct AddOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth => Alu.Add<W>(a, b, 0, out status);
    }

    private struct AdcOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth => Alu.Add<W>(a, b, eflags & Flags.CF, out status);
    }

    private struct SubOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth => Alu.Sub<W>(a, b, 0, out status);
    }

    private struct SbbOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth => Alu.Sub<W>(a, b, eflags & Flags.CF, out status);
    }

    private struct CmpOp : IBinaryOp
    {
        public static bool Writes => false;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth => Alu.Sub<W>(a, b, 0, out status);
    }

    // ---- one-operand arithmetic ----

    /// <summary>INC: as ADD 1, but CF is left alone.</summary>
    private static void Inc<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint r = Alu.Add<W>(W.GetRmw(c, ref i, 0), 1, 0, out uint status);
        W.Set(c, ref i, 0, r);
        Alu.SetSome(c, Flags.Status & ~Flags.CF, status);
    }

    /// <summary>DEC: as SUB 1, but CF is left alone.</summary>
    private static void Dec<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint r = Alu.Sub<W>(W.GetRmw(c, ref i, 0), 1, 0, out uint status);
        W.Set(c, ref i, 0, r);
        Alu.SetSome(c, Flags.Status & ~Flags.CF, status);
    }

    /// <summary>NEG: 0 − operand; CF is set unless the operand was 0 (which the borrow gives).</summary>
    private static void Neg<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint r = Alu.Sub<W>(0, W.GetRmw(c, ref i, 0), 0, out uint status);
        W.Set(c, ref i, 0, r);
        Alu.SetStatus(c, status);
    }

    // ---- multiplication ----
    // CF and OF tell whether the upper half of the product is significant; SF, ZF, PF and AF are
    // undefined (SDM vol. 2, MUL/IMUL) and no 386 capture we have pins them down. We set SF/ZF/PF
    // from the low half and clear AF, as Bochs does; test386 compares only CF and OF here.

    private static uint MulStatus<W>(uint low, bool significantHigh) where W : struct, IWidth =>
        Alu.Szp<W>(low) | (significantHigh ? Flags.CF | Flags.OF : 0);

    private static void Mul8(Cpu c, ref Insn i)
    {
        uint product = (c.Gpr[Cpu.EAX] & 0xFF) * c.GetOp8(ref i, 0);
        c.SetReg16(Cpu.EAX, (ushort)product);
        Alu.SetStatus(c, MulStatus<W8>(product & 0xFF, product > 0xFF));
    }

    private static void Mul16(Cpu c, ref Insn i)
    {
        uint product = (c.Gpr[Cpu.EAX] & 0xFFFF) * c.GetOp16(ref i, 0);
        c.SetReg16(Cpu.EAX, (ushort)product);
        c.SetReg16(Cpu.EDX, (ushort)(product >> 16));
        Alu.SetStatus(c, MulStatus<W16>(product & 0xFFFF, product > 0xFFFF));
    }

    private static void Mul32(Cpu c, ref Insn i)
    {
        ulong product = (ulong)c.Gpr[Cpu.EAX] * c.GetOp32(ref i, 0);
        c.Gpr[Cpu.EAX] = (uint)product;
        c.Gpr[Cpu.EDX] = (uint)(product >> 32);
        Alu.SetStatus(c, MulStatus<W32>((uint)product, product > 0xFFFF_FFFF));
    }

    private static void Imul8(Cpu c, ref Insn i)
    {
        int product = (sbyte)c.Gpr[Cpu.EAX] * (sbyte)c.GetOp8(ref i, 0);
        c.SetReg16(Cpu.EAX, (ushort)product);
        Alu.SetStatus(c, MulStatus<W8>((uint)product & 0xFF, product != (sbyte)product));
    }

    private static void Imul16(Cpu c, ref Insn i)
    {
        int product = (short)c.Gpr[Cpu.EAX] * (short)c.GetOp16(ref i, 0);
        c.SetReg16(Cpu.EAX, (ushort)product);
        c.SetReg16(Cpu.EDX, (ushort)(product >> 16));
        Alu.SetStatus(c, MulStatus<W16>((uint)product & 0xFFFF, product != (short)product));
    }

    private static void Imul32(Cpu c, ref Insn i)
    {
        long product = (long)(int)c.Gpr[Cpu.EAX] * (int)c.GetOp32(ref i, 0);
        c.Gpr[Cpu.EAX] = (uint)product;
        c.Gpr[Cpu.EDX] = (uint)((ulong)product >> 32);
        Alu.SetStatus(c, MulStatus<W32>((uint)product, product != (int)product));
    }

    /// <summary>
    /// IMUL r16, r/m16 [, imm]: the product truncated to 16 bits; the two-operand form multiplies
    /// the destination, the three-operand form the immediate (sign-extended by the decoder).
    /// </summary>
    private static void ImulTruncating16(Cpu c, ref Insn i)
    {
        short a = (short)c.GetOp16(ref i, 1);
        short b = i.Op2Kind == OperandKind.Immediate ? (short)i.Imm : (short)c.GetReg16(i.Reg0);
        int product = a * b;
        c.SetReg16(i.Reg0, (ushort)product);
        Alu.SetStatus(c, MulStatus<W16>((uint)product & 0xFFFF, product != (short)product));
    }

    private static void ImulTruncating32(Cpu c, ref Insn i)
    {
        int a = (int)c.GetOp32(ref i, 1);
        int b = i.Op2Kind == OperandKind.Immediate ? (int)i.Imm : (int)c.Gpr[i.Reg0];
        long product = (long)a * b;
        c.Gpr[i.Reg0] = (uint)product;
        Alu.SetStatus(c, MulStatus<W32>((uint)product, product != (int)product));
    }

    // ---- division ----
    // #DE when the divisor is 0 or the quotient does not fit the destination, raised before any
    // register changes (SDM vol. 2, DIV/IDIV). The flags are undefined; the 386 leaves them as
    // they were, and so do we.

    private static void Div8(Cpu c, ref Insn i)
    {
        uint divisor = c.GetOp8(ref i, 0);
        uint dividend = c.Gpr[Cpu.EAX] & 0xFFFF;
        if (divisor == 0) c.Fault(Vector.DE);
        uint q = dividend / divisor;
        if (q > 0xFF) c.Fault(Vector.DE);
        c.SetReg16(Cpu.EAX, (ushort)(((dividend % divisor) << 8) | q));
    }

    private static void Div16(Cpu c, ref Insn i)
    {
        uint divisor = c.GetOp16(ref i, 0);
        uint dividend = ((c.Gpr[Cpu.EDX] & 0xFFFF) << 16) | (c.Gpr[Cpu.EAX] & 0xFFFF);
        if (divisor == 0) c.Fault(Vector.DE);
        uint q = dividend / divisor;
        if (q > 0xFFFF) c.Fault(Vector.DE);
        c.SetReg16(Cpu.EAX, (ushort)q);
        c.SetReg16(Cpu.EDX, (ushort)(dividend % divisor));
    }

    private static void Div32(Cpu c, ref Insn i)
    {
        uint divisor = c.GetOp32(ref i, 0);
        ulong dividend = ((ulong)c.Gpr[Cpu.EDX] << 32) | c.Gpr[Cpu.EAX];
        if (divisor == 0) c.Fault(Vector.DE);
        ulong q = dividend / divisor;
        if (q > 0xFFFF_FFFF) c.Fault(Vector.DE);
        c.Gpr[Cpu.EAX] = (uint)q;
        c.Gpr[Cpu.EDX] = (uint)(dividend % divisor);
    }

    /// <summary>IDIV r/m8: AX / src; a quotient outside −128..127 is a #DE (SDM vol. 2, IDIV).</summary>
    private static void Idiv8(Cpu c, ref Insn i)
    {
        int divisor = (sbyte)c.GetOp8(ref i, 0);
        int dividend = (short)c.Gpr[Cpu.EAX];
        if (divisor == 0) c.Fault(Vector.DE);
        int q = dividend / divisor; // truncates toward zero, as IDIV does
        if (q != (sbyte)q) c.Fault(Vector.DE);
        int rem = dividend % divisor; // takes the dividend's sign, as IDIV does
        c.SetReg16(Cpu.EAX, (ushort)(((rem & 0xFF) << 8) | (q & 0xFF)));
    }

    private static void Idiv16(Cpu c, ref Insn i)
    {
        int divisor = (short)c.GetOp16(ref i, 0);
        int dividend = (int)(((c.Gpr[Cpu.EDX] & 0xFFFF) << 16) | (c.Gpr[Cpu.EAX] & 0xFFFF));
        if (divisor == 0) c.Fault(Vector.DE);
        // −2^31 / −1 overflows int itself: widen to long.
        long q = (long)dividend / divisor;
        if (q != (short)q) c.Fault(Vector.DE);
        c.SetReg16(Cpu.EAX, (ushort)q);
        c.SetReg16(Cpu.EDX, (ushort)(dividend % (long)divisor));
    }

    private static void Idiv32(Cpu c, ref Insn i)
    {
        long divisor = (int)c.GetOp32(ref i, 0);
        long dividend = (long)(((ulong)c.Gpr[Cpu.EDX] << 32) | c.Gpr[Cpu.EAX]);
        if (divisor == 0) c.Fault(Vector.DE);
        // −2^63 / −1 overflows long: that quotient is out of range anyway.
        if (dividend == long.MinValue && divisor == -1) c.Fault(Vector.DE);
        long q = dividend / divisor;
        if (q != (int)q) c.Fault(Vector.DE);
        c.Gpr[Cpu.EAX] = (uint)q;
        c.Gpr[Cpu.EDX] = (uint)(dividend % divisor);
    }
}
