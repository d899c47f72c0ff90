namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// JMP, Jcc, CALL, RET, LOOP, JCXZ, ENTER, LEAVE, far JMP/CALL/RET, INT, INTO, IRET
/// (SDM vol. 1, 7.3.8). A near transfer with a 16-bit operand size truncates EIP to 16 bits.
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterControlTransfer(DispatchTable.Registrar r)
    {
        r.Add([Code.Jmp_rel8_16, Code.Jmp_rel16], &JmpRel16);
        r.Add([Code.Jmp_rel8_32, Code.Jmp_rel32_32], &JmpRel32);
        foreach (var code in CodesWhere(c => c.IsJccShortOrNear()))
        {
            int size = code.ToOpCode().OperandSize;
            if (size == 16) r.Add(code, &JccRel16);
            else if (size == 32) r.Add(code, &JccRel32);
        }
        r.Add(Code.Jmp_rm16, &JmpRm16);
        r.Add(Code.Jmp_rm32, &JmpRm32);
        r.Add(Code.Call_rel16, &CallRel16);
        r.Add(Code.Call_rel32_32, &CallRel32);
        r.Add(Code.Call_rm16, &CallRm16);
        r.Add(Code.Call_rm32, &CallRm32);
        r.Add([Code.Retnw, Code.Retnw_imm16], &RetNear16);
        r.Add([Code.Retnd, Code.Retnd_imm16], &RetNear32);

        r.Add([Code.Loop_rel8_16_CX, Code.Loop_rel8_32_CX], &LoopCx);
        r.Add([Code.Loop_rel8_16_ECX, Code.Loop_rel8_32_ECX], &LoopEcx);
        r.Add([Code.Loope_rel8_16_CX, Code.Loope_rel8_32_CX], &LoopeCx);
        r.Add([Code.Loope_rel8_16_ECX, Code.Loope_rel8_32_ECX], &LoopeEcx);
        r.Add([Code.Loopne_rel8_16_CX, Code.Loopne_rel8_32_CX], &LoopneCx);
        r.Add([Code.Loopne_rel8_16_ECX, Code.Loopne_rel8_32_ECX], &LoopneEcx);
        r.Add([Code.Jcxz_rel8_16, Code.Jcxz_rel8_32], &Jcxz);
        r.Add([Code.Jecxz_rel8_16, Code.Jecxz_rel8_32], &Jecxz);

        r.Add([Code.Enterw_imm16_imm8, Code.Enterd_imm16_imm8], &Enter);
        r.Add(Code.Leavew, &Leave16);
        r.Add(Code.Leaved, &Leave32);

        r.Add([Code.Jmp_ptr1616, Code.Jmp_ptr1632], &JmpFarPointer, endsBlock: true);
        r.Add([Code.Jmp_m1616, Code.Jmp_m1632], &JmpFarMemory, endsBlock: true);
        r.Add([Code.Call_ptr1616, Code.Call_ptr1632], &CallFarPointer, endsBlock: true);
        r.Add([Code.Call_m1616, Code.Call_m1632], &CallFarMemory, endsBlock: true);
        r.Add([Code.Retfw, Code.Retfw_imm16, Code.Retfd, Code.Retfd_imm16], &RetFar, endsBlock: true);
        r.Add(Code.Int_imm8, &IntN, endsBlock: true);
        r.Add(Code.Int3, &Int3, endsBlock: true);
        r.Add(Code.Into, &Into, endsBlock: true);
        r.Add(Code.Int1, &Int1, endsBlock: true);
        r.Add([Code.Iretw, Code.Iretd], &Iret, endsBlock: true);
    }

    // ---- near jumps and calls ----

    /// <summary>A near jump with 16-bit operand size truncates EIP to 16 bits (SDM vol. 2, JMP).</summary>
    private static void JmpRel16(Cpu c, ref Insn i) => c.NearJump((c.NextEip + i.Imm) & 0xFFFF);

    private static void JmpRel32(Cpu c, ref Insn i) => c.NearJump(c.NextEip + i.Imm);

    private static void JccRel16(Cpu c, ref Insn i)
    {
        if (Condition(c.Eflags, i.Condition)) c.NearJump((c.NextEip + i.Imm) & 0xFFFF);
    }

    private static void JccRel32(Cpu c, ref Insn i)
    {
        if (Condition(c.Eflags, i.Condition)) c.NearJump(c.NextEip + i.Imm);
    }

    private static void JmpRm16(Cpu c, ref Insn i) => c.NearJump(c.GetOp16(ref i, 0));

    private static void JmpRm32(Cpu c, ref Insn i) => c.NearJump(c.GetOp32(ref i, 0));

    /// <summary>CALL: the target is read and checked, then the return address pushed (either may fault, changing nothing).</summary>
    private static void CallRel16(Cpu c, ref Insn i) => CallNear16(c, (c.NextEip + i.Imm) & 0xFFFF);

    private static void CallRel32(Cpu c, ref Insn i) => CallNear32(c, c.NextEip + i.Imm);

    private static void CallRm16(Cpu c, ref Insn i) => CallNear16(c, c.GetOp16(ref i, 0));

    private static void CallRm32(Cpu c, ref Insn i) => CallNear32(c, c.GetOp32(ref i, 0));

    private static void CallNear16(Cpu c, uint target)
    {
        uint ret = c.NextEip;
        c.NearJump(target);
        c.Push16((ushort)ret);
    }

    private static void CallNear32(Cpu c, uint target)
    {
        uint ret = c.NextEip;
        c.NearJump(target);
        c.Push32(ret);
    }

    /// <summary>RET [imm16]: pops the return address, then releases imm16 bytes of parameters.</summary>
    private static void RetNear16(Cpu c, ref Insn i)
    {
        c.NearJump(c.Peek16());
        c.SetStackPointer(c.Gpr[Cpu.ESP] + 2 + (i.Imm & 0xFFFF));
    }

    private static void RetNear32(Cpu c, ref Insn i)
    {
        c.NearJump(c.Peek32());
        c.SetStackPointer(c.Gpr[Cpu.ESP] + 4 + (i.Imm & 0xFFFF));
    }

    // ---- LOOP, LOOPE, LOOPNE, JCXZ, JECXZ: the counter is CX or ECX as the address size says ----

    private const int LoopAlways = 0, LoopWhileZero = 1, LoopWhileNotZero = 2;

    private static void LoopCx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: false, LoopAlways);

    private static void LoopEcx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: true, LoopAlways);

    private static void LoopeCx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: false, LoopWhileZero);

    private static void LoopeEcx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: true, LoopWhileZero);

    private static void LoopneCx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: false, LoopWhileNotZero);

    private static void LoopneEcx(Cpu c, ref Insn i) => Loop(c, ref i, ecx: true, LoopWhileNotZero);

    /// <summary>
    /// Decrements the counter (without touching flags) and branches while it is not zero (and ZF
    /// matches for LOOPE/LOOPNE). The counter is written only after the branch target passed
    /// its limit check, so a #GP leaves it unchanged.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Loop(Cpu c, ref Insn i, bool ecx, int kind)
    {
        uint count = ecx ? c.Gpr[Cpu.ECX] - 1 : (c.Gpr[Cpu.ECX] - 1) & 0xFFFF;
        bool taken = count != 0;
        if (kind == LoopWhileZero) taken &= (c.Eflags & Flags.ZF) != 0;
        else if (kind == LoopWhileNotZero) taken &= (c.Eflags & Flags.ZF) == 0;
        if (taken) c.NearJump(BranchTarget(c, ref i));
        if (ecx) c.Gpr[Cpu.ECX] = count; else c.SetReg16(Cpu.ECX, (ushort)count);
    }

    private static uint BranchTarget(Cpu c, ref Insn i) => i.Op32 ? c.NextEip + i.Imm : (c.NextEip + i.Imm) & 0xFFFF;

    private static void Jcxz(Cpu c, ref Insn i)
    {
        if ((c.Gpr[Cpu.ECX] & 0xFFFF) == 0) c.NearJump(BranchTarget(c, ref i));
    }

    private static void Jecxz(Cpu c, ref Insn i)
    {
        if (c.Gpr[Cpu.ECX] == 0) c.NearJump(BranchTarget(c, ref i));
    }

    // ---- ENTER and LEAVE ----

    /// <summary>
    /// ENTER imm16, imm8 (SDM vol. 2, ENTER): pushes (E)BP, copies NestingLevel − 1 frame
    /// pointers from the enclosing frame (read at (E)BP − 2/4·k, (E)BP stepping with the stack
    /// width), pushes the new frame pointer, then (E)BP ← frame pointer and (E)SP −= size.
    /// Everything runs on local copies and is committed at the end; the final stack top is checked
    /// for writing first, as the processor touches it (Bochs does the same).
    /// <code>
    /// Push(BP or EBP); FrameTemp ← (E)SP
    /// FOR k ← 1 TO NestingLevel − 1: (E)BP −= opsize; Push([SS:(E)BP])
    /// IF NestingLevel > 0: Push(FrameTemp)
    /// (E)BP ← FrameTemp (16-bit operand size: BP only); (E)SP ← (E)SP − AllocSize
    /// </code>
    /// </summary>
    private static void Enter(Cpu c, ref Insn i)
    {
        uint alloc = i.Imm & 0xFFFF;
        int level = (int)(i.Imm2 & 31);
        bool op32 = i.Op32;
        uint mask = c.StackMask;
        uint esp = c.Gpr[Cpu.ESP], ebp = c.Gpr[Cpu.EBP];
        uint sp = esp & mask;
        sp = op32 ? c.PushAt32(sp, ebp) : c.PushAt16(sp, (ushort)ebp);
        uint frameTemp = (esp & ~mask) | sp;
        if (level > 0)
        {
            uint bp = ebp;
            for (int k = 1; k < level; k++)
            {
                if (op32)
                {
                    bp = (bp & ~mask) | ((bp - 4) & mask);
                    sp = c.PushAt32(sp, c.Read32(Seg.SS, bp & mask));
                }
                else
                {
                    bp = (bp & ~mask) | ((bp - 2) & mask);
                    sp = c.PushAt16(sp, c.Read16(Seg.SS, bp & mask));
                }
            }
            sp = op32 ? c.PushAt32(sp, frameTemp) : c.PushAt16(sp, (ushort)frameTemp);
        }
        uint newSp = (sp - alloc) & mask;
        c.CheckAccess(Seg.SS, newSp, op32 ? 4 : 2, write: true);
        if (op32) c.Gpr[Cpu.EBP] = frameTemp; else c.SetReg16(Cpu.EBP, (ushort)frameTemp);
        c.SetStackPointer(newSp);
    }

    /// <summary>LEAVE: (E)SP ← (E)BP as the stack width says, then (E)BP ← Pop() with the operand size.</summary>
    private static void Leave16(Cpu c, ref Insn i)
    {
        uint mask = c.StackMask;
        uint top = c.Gpr[Cpu.EBP] & mask;
        ushort v = c.Read16(Seg.SS, top);
        c.SetStackPointer(top + 2);
        c.SetReg16(Cpu.EBP, v);
    }

    private static void Leave32(Cpu c, ref Insn i)
    {
        uint mask = c.StackMask;
        uint top = c.Gpr[Cpu.EBP] & mask;
        uint v = c.Read32(Seg.SS, top);
        c.SetStackPointer(top + 4);
        c.Gpr[Cpu.EBP] = v;
    }

    // ---- far transfers and interrupts: the mode-dependent work is in Cpu.FarTransfer.cs / Cpu.Interrupts.cs ----

    private static void JmpFarPointer(Cpu c, ref Insn i) => c.FarJump((ushort)i.Imm2, i.Imm, i.Op32);

    private static void CallFarPointer(Cpu c, ref Insn i) => c.FarCall((ushort)i.Imm2, i.Imm, i.Op32);

    /// <summary>JMP m16:16/m16:32: offset first, selector after it.</summary>
    private static void JmpFarMemory(Cpu c, ref Insn i)
    {
        ReadFarPointer(c, ref i, out ushort selector, out uint offset);
        c.FarJump(selector, offset, i.Op32);
    }

    private static void CallFarMemory(Cpu c, ref Insn i)
    {
        ReadFarPointer(c, ref i, out ushort selector, out uint offset);
        c.FarCall(selector, offset, i.Op32);
    }

    private static void ReadFarPointer(Cpu c, ref Insn i, out ushort selector, out uint offset)
    {
        uint ea = c.EffectiveAddress(ref i);
        if (i.Op32)
        {
            offset = c.Read32(i.Seg, ea);
            selector = c.Read16(i.Seg, ea + 4);
        }
        else
        {
            offset = c.Read16(i.Seg, ea);
            selector = c.Read16(i.Seg, ea + 2);
        }
    }

    private static void RetFar(Cpu c, ref Insn i) =>
        c.FarReturn(i.Op32, i.Op0Kind == OperandKind.Immediate ? (ushort)i.Imm : (ushort)0);

    /// <summary>INT n: in virtual-8086 mode it needs IOPL 3 (SDM vol. 2, INT n).</summary>
    private static void IntN(Cpu c, ref Insn i) => c.SoftwareInterrupt((byte)i.Imm, ioplSensitive: true);

    /// <summary>INT3 (CC) is not IOPL-sensitive in virtual-8086 mode, unlike CD 03.</summary>
    private static void Int3(Cpu c, ref Insn i) => c.SoftwareInterrupt(Vector.BP, ioplSensitive: false);

    /// <summary>INTO: #OF as a trap when OF is set, else nothing.</summary>
    private static void Into(Cpu c, ref Insn i)
    {
        if ((c.Eflags & Flags.OF) != 0) c.SoftwareInterrupt(Vector.OF, ioplSensitive: false);
    }

    /// <summary>
    /// INT1 / ICEBP (F1): a debug trap delivered like a hardware-raised #DB (no gate DPL check,
    /// SDM vol. 3, 18.3.1.7 footnote), returning to the next instruction.
    /// </summary>
    private static void Int1(Cpu c, ref Insn i) =>
        c.DeliverInterrupt(Vector.DB, 0, false, InterruptKind.Exception, c.NextEip);

    private static void Iret(Cpu c, ref Insn i) => c.InterruptReturn(i.Op32);
}
