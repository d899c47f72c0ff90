namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// PUSH, POP, PUSHA, POPA (SDM vol. 1, 7.3.1.2; vol. 2 PUSH/POP). The stack pointer's width is
/// the stack segment's B bit, the value's width the operand size.
/// </summary>
internal static unsafe partial class Interpreter
{
    private static void RegisterPushPop(DispatchTable.Registrar r)
    {
        r.Add([Code.Push_r16, Code.Push_rm16, Code.Push_imm16, Code.Pushw_imm8], &Push16Op);
        r.Add([Code.Push_r32, Code.Push_rm32, Code.Pushd_imm32, Code.Pushd_imm8], &Push32Op);
        r.Add([Code.Pushw_ES, Code.Pushw_CS, Code.Pushw_SS, Code.Pushw_DS, Code.Pushw_FS, Code.Pushw_GS], &PushSreg16);
        r.Add([Code.Pushd_ES, Code.Pushd_CS, Code.Pushd_SS, Code.Pushd_DS, Code.Pushd_FS, Code.Pushd_GS], &PushSreg32);
        r.Add([Code.Pop_r16, Code.Pop_rm16], &Pop16Op);
        r.Add([Code.Pop_r32, Code.Pop_rm32], &Pop32Op);
        r.Add([Code.Popw_ES, Code.Popw_DS, Code.Popw_FS, Code.Popw_GS, Code.Popd_ES, Code.Popd_DS, Code.Popd_FS, Code.Popd_GS], &PopSreg);
        r.Add([Code.Popw_SS, Code.Popd_SS], &PopSreg, endsBlock: true);
        r.Add(Code.Pushaw, &Pusha16);
        r.Add(Code.Pushad, &Pusha32);
        r.Add(Code.Popaw, &Popa16);
        r.Add(Code.Popad, &Popa32);
    }

    /// <summary>PUSH r/m/imm: the operand is read before ESP moves, so PUSH ESP pushes the old value.</summary>
    private static void Push16Op(Cpu c, ref Insn i) => c.Push16(c.GetOp16(ref i, 0));

    private static void Push32Op(Cpu c, ref Insn i) => c.Push32(c.GetOp32(ref i, 0));

    private static void PushSreg16(Cpu c, ref Insn i) => c.Push16(c.Segs[i.Reg0].Selector);

    /// <summary>
    /// A 32-bit push of a segment register moves ESP by 4 but writes only the selector's word,
    /// leaving the upper half of the slot as it was: what 386, 486 and recent Intel CPUs do
    /// (SDM vol. 2, PUSH, allows either this or a zero-extended dword).
    /// </summary>
    private static void PushSreg32(Cpu c, ref Insn i)
    {
        uint sp = (c.Gpr[Cpu.ESP] - 4) & c.StackMask;
        c.Write16(Seg.SS, sp, c.Segs[i.Reg0].Selector);
        c.SetStackPointer(sp);
    }

    /// <summary>
    /// POP r/m16. ESP is incremented before the destination is written, so POP ESP keeps the
    /// popped value and a memory destination addressed with ESP uses the incremented value
    /// (SDM vol. 2, POP). A fault on the destination puts ESP back.
    /// </summary>
    private static void Pop16Op(Cpu c, ref Insn i)
    {
        ushort v = c.Peek16();
        uint old = c.Gpr[Cpu.ESP];
        c.SetStackPointer(old + 2);
        if (i.Op0Kind == OperandKind.Register) { c.SetReg16(i.Reg0, v); return; }
        try
        {
            c.Write16(i.Seg, c.EffectiveAddress(ref i), v);
        }
        catch (CpuFault)
        {
            c.Gpr[Cpu.ESP] = old;
            throw;
        }
    }

    private static void Pop32Op(Cpu c, ref Insn i)
    {
        uint v = c.Peek32();
        uint old = c.Gpr[Cpu.ESP];
        c.SetStackPointer(old + 4);
        if (i.Op0Kind == OperandKind.Register) { c.Gpr[i.Reg0] = v; return; }
        try
        {
            c.Write32(i.Seg, c.EffectiveAddress(ref i), v);
        }
        catch (CpuFault)
        {
            c.Gpr[Cpu.ESP] = old;
            throw;
        }
    }

    /// <summary>
    /// POP Sreg: the selector is loaded (with every check) before ESP moves; ESP moves with the
    /// stack width in force before the load (POP SS may change it). POP SS inhibits interrupts for
    /// one instruction, like MOV SS.
    /// </summary>
    private static void PopSreg(Cpu c, ref Insn i)
    {
        uint size = i.Op32 ? 4u : 2u;
        ushort selector = i.Op32 ? (ushort)c.Peek32() : c.Peek16();
        uint esp = c.Gpr[Cpu.ESP], mask = c.StackMask;
        int seg = i.Reg0;
        c.LoadSegment(seg, selector);
        c.Gpr[Cpu.ESP] = (esp & ~mask) | ((esp + size) & mask);
        if (seg == Seg.SS)
        {
            c.InterruptShadow = true;
            c.EndBlock();
        }
    }

    /// <summary>PUSHA: AX, CX, DX, BX, the SP from before the instruction, BP, SI, DI.</summary>
    private static void Pusha16(Cpu c, ref Insn i)
    {
        uint[] g = c.Gpr;
        uint sp = g[Cpu.ESP];
        for (int r = Cpu.EAX; r <= Cpu.EDI; r++)
            sp = c.PushAt16(sp, (ushort)g[r]); // g[ESP] is still the original value
        c.SetStackPointer(sp);
    }

    private static void Pusha32(Cpu c, ref Insn i)
    {
        uint[] g = c.Gpr;
        uint sp = g[Cpu.ESP];
        for (int r = Cpu.EAX; r <= Cpu.EDI; r++)
            sp = c.PushAt32(sp, g[r]);
        c.SetStackPointer(sp);
    }

    /// <summary>POPA: DI, SI, BP, (SP skipped), BX, DX, CX, AX; all read before any register changes.</summary>
    private static void Popa16(Cpu c, ref Insn i)
    {
        Span<ushort> v = stackalloc ushort[8];
        for (int k = 0; k < 8; k++) v[k] = c.Peek16((uint)(2 * k));
        for (int k = 0; k < 8; k++)
            if (k != 3) c.SetReg16(Cpu.EDI - k, v[k]);
        c.SetStackPointer(c.Gpr[Cpu.ESP] + 16);
    }

    private static void Popa32(Cpu c, ref Insn i)
    {
        Span<uint> v = stackalloc uint[8];
        for (int k = 0; k < 8; k++) v[k] = c.Peek32((uint)(4 * k));
        for (int k = 0; k < 8; k++)
            if (k != 3) c.Gpr[Cpu.EDI - k] = v[k];
        c.SetStackPointer(c.Gpr[Cpu.ESP] + 32);
    }
}
