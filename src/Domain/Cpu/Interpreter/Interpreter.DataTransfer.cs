namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// MOV, MOVZX, MOVSX, XCHG, LEA, CBW/CWD family, XLAT, LDS/LES/LFS/LGS/LSS, BSWAP, XADD,
/// CMPXCHG, CMPXCHG8B, CMOVcc and segment register moves (SDM vol. 1, 7.3.1). PUSH and POP are
/// in Interpreter.PushPop.cs.
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterDataTransfer(DispatchTable.Registrar r)
    {
        r.Add([Code.Mov_rm8_r8, Code.Mov_r8_rm8, Code.Mov_r8_imm8, Code.Mov_rm8_imm8, Code.Mov_AL_moffs8, Code.Mov_moffs8_AL], &Mov8);
        r.Add([Code.Mov_rm16_r16, Code.Mov_r16_rm16, Code.Mov_r16_imm16, Code.Mov_rm16_imm16, Code.Mov_AX_moffs16, Code.Mov_moffs16_AX], &Mov16);
        r.Add([Code.Mov_rm32_r32, Code.Mov_r32_rm32, Code.Mov_r32_imm32, Code.Mov_rm32_imm32, Code.Mov_EAX_moffs32, Code.Mov_moffs32_EAX], &Mov32);
        r.Add([Code.Mov_Sreg_rm16, Code.Mov_Sreg_r32m16], &MovToSreg);
        r.Add(Code.Mov_rm16_Sreg, &MovFromSreg16);
        r.Add(Code.Mov_r32m16_Sreg, &MovFromSreg32);

        r.Add(Code.Movzx_r16_rm8, &MovzxR16Rm8);
        r.Add(Code.Movzx_r32_rm8, &MovzxR32Rm8);
        r.Add(Code.Movzx_r16_rm16, &Mov16);
        r.Add(Code.Movzx_r32_rm16, &MovzxR32Rm16);
        r.Add(Code.Movsx_r16_rm8, &MovsxR16Rm8);
        r.Add(Code.Movsx_r32_rm8, &MovsxR32Rm8);
        r.Add(Code.Movsx_r16_rm16, &Mov16);
        r.Add(Code.Movsx_r32_rm16, &MovsxR32Rm16);

        r.Add(Code.Xchg_rm8_r8, &Xchg8);
        r.Add([Code.Xchg_rm16_r16, Code.Xchg_r16_AX], &Xchg16);
        r.Add([Code.Xchg_rm32_r32, Code.Xchg_r32_EAX], &Xchg32);

        r.Add(Code.Lea_r16_m, &Lea16);
        r.Add(Code.Lea_r32_m, &Lea32);
        r.Add(Code.Cbw, &Cbw);
        r.Add(Code.Cwde, &Cwde);
        r.Add(Code.Cwd, &Cwd);
        r.Add(Code.Cdq, &Cdq);
        r.Add(Code.Xlat_m8, &Xlat);

        r.Add([Code.Lds_r16_m1616, Code.Les_r16_m1616, Code.Lfs_r16_m1616, Code.Lgs_r16_m1616, Code.Lss_r16_m1616], &LoadFarPointer16);
        r.Add([Code.Lds_r32_m1632, Code.Les_r32_m1632, Code.Lfs_r32_m1632, Code.Lgs_r32_m1632, Code.Lss_r32_m1632], &LoadFarPointer32);

        r.Add(Code.Bswap_r32, &Bswap32);
        r.Add(Code.Bswap_r16, &Bswap16);
        r.Add(Code.Xadd_rm8_r8, &Xadd<W8>);
        r.Add(Code.Xadd_rm16_r16, &Xadd<W16>);
        r.Add(Code.Xadd_rm32_r32, &Xadd<W32>);
        r.Add(Code.Cmpxchg_rm8_r8, &Cmpxchg<W8>);
        r.Add(Code.Cmpxchg_rm16_r16, &Cmpxchg<W16>);
        r.Add(Code.Cmpxchg_rm32_r32, &Cmpxchg<W32>);
        r.Add(Code.Cmpxchg8b_m64, &Cmpxchg8b);

        // CMOVcc r16/r32, r/m16/32 (0F 40..4F): the legacy encodings usable outside 64-bit mode.
        foreach (var code in CodesWhere(c => c.ToOpCode() is { Encoding: EncodingKind.Legacy, Mode32: true }
                                             && c.ToString().StartsWith("Cmov", StringComparison.Ordinal)))
        {
            if (code.ToOpCode().OperandSize == 16) r.Add(code, &Cmov16);
            else r.Add(code, &Cmov32);
        }

        RegisterPushPop(r);
    }

    private static void Mov8(Cpu c, ref Insn i) => c.SetOp8(ref i, 0, c.GetOp8(ref i, 1));

    private static void Mov16(Cpu c, ref Insn i) => c.SetOp16(ref i, 0, c.GetOp16(ref i, 1));

    private static void Mov32(Cpu c, ref Insn i) => c.SetOp32(ref i, 0, c.GetOp32(ref i, 1));

    // ---- segment registers ----

    /// <summary>
    /// MOV Sreg, r/m16. Loading CS this way is #UD (SDM vol. 2, MOV). Loading SS inhibits
    /// interrupts until after the next instruction, so that MOV SS / MOV ESP pairs are atomic.
    /// </summary>
    private static void MovToSreg(Cpu c, ref Insn i)
    {
        int seg = i.Reg0;
        if (seg == Seg.CS || seg >= Seg.Count) c.Fault(Vector.UD);
        ushort selector = c.GetOp16(ref i, 1);
        c.LoadSegment(seg, selector);
        if (seg == Seg.SS)
        {
            c.InterruptShadow = true;
            c.EndBlock();
        }
    }

    /// <summary>MOV r/m16, Sreg: a memory destination is always written as a word.</summary>
    private static void MovFromSreg16(Cpu c, ref Insn i) => c.SetOp16(ref i, 0, c.Segs[i.Reg1].Selector);

    /// <summary>
    /// MOV r32/m16, Sreg: the register form zero-extends the selector (P6 and later; undefined
    /// upper bits on earlier CPUs, SDM vol. 2, MOV), the memory form still writes a word.
    /// </summary>
    private static void MovFromSreg32(Cpu c, ref Insn i)
    {
        ushort selector = c.Segs[i.Reg1].Selector;
        if (i.Op0Kind == OperandKind.Register) c.Gpr[i.Reg0] = selector;
        else c.Write16(i.Seg, c.EffectiveAddress(ref i), selector);
    }

    // ---- zero and sign extension ----

    private static void MovzxR16Rm8(Cpu c, ref Insn i) => c.SetReg16(i.Reg0, c.GetOp8(ref i, 1));

    private static void MovzxR32Rm8(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = c.GetOp8(ref i, 1);

    private static void MovzxR32Rm16(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = c.GetOp16(ref i, 1);

    private static void MovsxR16Rm8(Cpu c, ref Insn i) => c.SetReg16(i.Reg0, (ushort)(sbyte)c.GetOp8(ref i, 1));

    private static void MovsxR32Rm8(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = (uint)(sbyte)c.GetOp8(ref i, 1);

    private static void MovsxR32Rm16(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = (uint)(short)c.GetOp16(ref i, 1);

    // ---- exchange ----

    /// <summary>XCHG: the memory form is a read-modify-write (checked for writing before anything changes).</summary>
    private static void Xchg8(Cpu c, ref Insn i)
    {
        byte a = c.GetRmwOp8(ref i, 0);
        byte b = c.GetOp8(ref i, 1);
        c.SetOp8(ref i, 0, b);
        c.SetOp8(ref i, 1, a);
    }

    private static void Xchg16(Cpu c, ref Insn i)
    {
        ushort a = c.GetRmwOp16(ref i, 0);
        ushort b = c.GetOp16(ref i, 1);
        c.SetOp16(ref i, 0, b);
        c.SetOp16(ref i, 1, a);
    }

    private static void Xchg32(Cpu c, ref Insn i)
    {
        uint a = c.GetRmwOp32(ref i, 0);
        uint b = c.GetOp32(ref i, 1);
        c.SetOp32(ref i, 0, b);
        c.SetOp32(ref i, 1, a);
    }

    // ---- address and conversions ----

    /// <summary>LEA: the offset as the address size computes it, truncated or zero-extended to the operand size.</summary>
    private static void Lea16(Cpu c, ref Insn i) => c.SetReg16(i.Reg0, (ushort)c.EffectiveAddress(ref i));

    private static void Lea32(Cpu c, ref Insn i) => c.Gpr[i.Reg0] = c.EffectiveAddress(ref i);

    private static void Cbw(Cpu c, ref Insn i) => c.SetReg16(Cpu.EAX, (ushort)(sbyte)c.Gpr[Cpu.EAX]);

    private static void Cwde(Cpu c, ref Insn i) => c.Gpr[Cpu.EAX] = (uint)(short)c.Gpr[Cpu.EAX];

    private static void Cwd(Cpu c, ref Insn i) => c.SetReg16(Cpu.EDX, (ushort)((short)c.Gpr[Cpu.EAX] >> 15));

    private static void Cdq(Cpu c, ref Insn i) => c.Gpr[Cpu.EDX] = (uint)((int)c.Gpr[Cpu.EAX] >> 31);

    /// <summary>XLAT: AL ← [seg:(E)BX + AL], the sum wrapping at the address size.</summary>
    private static void Xlat(Cpu c, ref Insn i)
    {
        uint ea = c.Gpr[Cpu.EBX] + (c.Gpr[Cpu.EAX] & 0xFF);
        if (!i.Addr32) ea &= 0xFFFF;
        c.SetReg8(Cpu.EAX, c.Read8(i.Seg, ea));
    }

    /// <summary>The segment register LDS/LES/LFS/LGS/LSS load.</summary>
    private static int FarPointerSegment(Code code) => code switch
    {
        Code.Lds_r16_m1616 or Code.Lds_r32_m1632 => Seg.DS,
        Code.Les_r16_m1616 or Code.Les_r32_m1632 => Seg.ES,
        Code.Lfs_r16_m1616 or Code.Lfs_r32_m1632 => Seg.FS,
        Code.Lgs_r16_m1616 or Code.Lgs_r32_m1632 => Seg.GS,
        _ => Seg.SS,
    };

    /// <summary>LDS r16, m16:16 and friends: both halves are read and the segment loaded before the register changes.</summary>
    private static void LoadFarPointer16(Cpu c, ref Insn i)
    {
        uint ea = c.EffectiveAddress(ref i);
        ushort offset = c.Read16(i.Seg, ea);
        ushort selector = c.Read16(i.Seg, ea + 2);
        c.LoadSegment(FarPointerSegment(i.Code), selector);
        c.SetReg16(i.Reg0, offset);
    }

    private static void LoadFarPointer32(Cpu c, ref Insn i)
    {
        uint ea = c.EffectiveAddress(ref i);
        uint offset = c.Read32(i.Seg, ea);
        ushort selector = c.Read16(i.Seg, ea + 4);
        c.LoadSegment(FarPointerSegment(i.Code), selector);
        c.Gpr[i.Reg0] = offset;
    }

    // ---- 486 additions ----

    private static void Bswap32(Cpu c, ref Insn i) =>
        c.Gpr[i.Reg0] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(c.Gpr[i.Reg0]);

    /// <summary>
    /// BSWAP r16 is undefined (SDM vol. 2, BSWAP); Intel and AMD processors clear the low word,
    /// which is also what Bochs does.
    /// </summary>
    private static void Bswap16(Cpu c, ref Insn i) => c.SetReg16(i.Reg0, 0);

    /// <summary>XADD: TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP; flags as ADD (DEST is written last).</summary>
    private static void Xadd<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint dst = W.GetRmw(c, ref i, 0), src = W.Get(c, ref i, 1);
        uint sum = Alu.Add<W>(dst, src, 0, out uint status);
        W.Set(c, ref i, 1, dst);
        W.Set(c, ref i, 0, sum);
        Alu.SetStatus(c, status);
    }

    /// <summary>
    /// CMPXCHG: compares the accumulator with DEST (flags as CMP); equal: DEST ← SRC, else
    /// accumulator ← DEST. The destination is written in both cases (SDM vol. 2, CMPXCHG), so a
    /// memory operand is checked for writing up front.
    /// </summary>
    private static void Cmpxchg<W>(Cpu c, ref Insn i) where W : struct, IWidth
    {
        uint dst = W.GetRmw(c, ref i, 0), acc = W.GetReg(c, Cpu.EAX);
        Alu.Sub<W>(acc, dst, 0, out uint status);
        if (acc == dst) W.Set(c, ref i, 0, W.Get(c, ref i, 1));
        else
        {
            W.Set(c, ref i, 0, dst);
            W.SetReg(c, Cpu.EAX, dst);
        }
        Alu.SetStatus(c, status);
    }

    /// <summary>
    /// CMPXCHG8B m64: EDX:EAX = m64 ? (ZF ← 1, m64 ← ECX:EBX) : (ZF ← 0, EDX:EAX ← m64); only ZF
    /// changes. The quadword is written back even when the comparison fails.
    /// </summary>
    private static void Cmpxchg8b(Cpu c, ref Insn i)
    {
        uint ea = c.EffectiveAddress(ref i);
        c.CheckAccess(i.Seg, ea, 8, write: true);
        uint lo = c.Read32(i.Seg, ea), hi = c.Read32(i.Seg, ea + 4);
        if (lo == c.Gpr[Cpu.EAX] && hi == c.Gpr[Cpu.EDX])
        {
            c.Write32(i.Seg, ea, c.Gpr[Cpu.EBX]);
            c.Write32(i.Seg, ea + 4, c.Gpr[Cpu.ECX]);
            c.Eflags |= Flags.ZF;
        }
        else
        {
            c.Write32(i.Seg, ea, lo);
            c.Write32(i.Seg, ea + 4, hi);
            c.Gpr[Cpu.EAX] = lo;
            c.Gpr[Cpu.EDX] = hi;
            c.Eflags &= ~Flags.ZF;
        }
    }

    /// <summary>CMOVcc: the source is read (and may fault) whether or not the condition holds.</summary>
    private static void Cmov16(Cpu c, ref Insn i)
    {
        ushort v = c.GetOp16(ref i, 1);
        if (Condition(c.Eflags, i.Condition)) c.SetReg16(i.Reg0, v);
    }

    private static void Cmov32(Cpu c, ref Insn i)
    {
        uint v = c.GetOp32(ref i, 1);
        if (Condition(c.Eflags, i.Condition)) c.Gpr[i.Reg0] = v;
    }
}
