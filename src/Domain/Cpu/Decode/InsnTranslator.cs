using Iced.Intel;


namespace HexEmu.Domain.Cpu.Decode;

/// <summary>Turns Iced's decoded form into an <see cref="Insn"/> bound to its handler.</summary>
internal static unsafe class InsnTranslator
{
    public static Insn Translate(in Instruction instr)
    {
        var insn = new Insn
        {
            Code = instr.Code,
            Length = (byte)instr.Length,
            Handler = IsTooLong(instr) ? &Interpreter.InstructionTooLong : DispatchTable.Get(instr.Code),
            Base = Insn.NoRegister,
            Index = Insn.NoRegister,
            Rep = instr.HasRepePrefix ? RepPrefix.Repe : instr.HasRepnePrefix ? RepPrefix.Repne : RepPrefix.None,
            Lock = instr.HasLockPrefix,
            Seg = SegmentNumber(instr.MemorySegment),
            Condition = instr.ConditionCode == ConditionCode.None ? (byte)0 : (byte)(instr.ConditionCode - 1),
        };
        bool sawImmediate = false;
        int count = Math.Min(instr.OpCount, 3);
        for (int n = 0; n < count; n++)
        {
            OpKind kind = instr.GetOpKind(n);
            OperandKind ours;
            byte reg = 0;
            switch (kind)
            {
                case OpKind.Register:
                    ours = OperandKind.Register;
                    reg = RegisterNumber(instr.GetOpRegister(n));
                    break;
                case OpKind.Memory:
                    ours = OperandKind.Memory;
                    FillMemory(ref insn, instr);
                    break;
                case OpKind.Immediate8:
                case OpKind.Immediate8_2nd:
                case OpKind.Immediate16:
                case OpKind.Immediate32:
                case OpKind.Immediate8to16:
                case OpKind.Immediate8to32:
                    ours = OperandKind.Immediate;
                    uint value = (uint)instr.GetImmediate(n);
                    if (kind == OpKind.Immediate8to16) value &= 0xFFFF;
                    if (sawImmediate) insn.Imm2 = value; else insn.Imm = value;
                    sawImmediate = true;
                    break;
                case OpKind.NearBranch16:
                case OpKind.NearBranch32:
                    ours = OperandKind.NearBranch;
                    // Relative to the next instruction, so a block stays valid wherever it is mapped.
                    insn.Imm = (uint)(instr.NearBranchTarget - instr.NextIP);
                    break;
                case OpKind.FarBranch16:
                case OpKind.FarBranch32:
                    ours = OperandKind.FarBranch;
                    insn.Imm = kind == OpKind.FarBranch16 ? instr.FarBranch16 : instr.FarBranch32;
                    insn.Imm2 = instr.FarBranchSelector;
                    break;
                case OpKind.MemorySegSI:
                case OpKind.MemorySegDI:
                case OpKind.MemoryESDI:
                    ours = OperandKind.StringMemory;
                    insn.Addr32 = false;
                    break;
                case OpKind.MemorySegESI:
                case OpKind.MemorySegEDI:
                case OpKind.MemoryESEDI:
                    ours = OperandKind.StringMemory;
                    insn.Addr32 = true;
                    break;
                default:
                    ours = OperandKind.None;
                    break;
            }
            switch (n)
            {
                case 0: insn.Op0Kind = ours; insn.Reg0 = reg; break;
                case 1: insn.Op1Kind = ours; insn.Reg1 = reg; break;
                default: insn.Op2Kind = ours; insn.Reg2 = reg; break;
            }
        }
        insn.Op32 = OperandSizeIs32(instr);
        return insn;
    }

    /// <summary>
    /// Iced stops decoding at the 15-byte limit and reports an invalid instruction of length 15;
    /// the CPU raises #GP(0) for an instruction longer than 15 bytes (SDM vol. 2, 2.3.11), not
    /// #UD. (An invalid opcode of exactly 15 bytes is indistinguishable here and gets #GP too.)
    /// </summary>
    private static bool IsTooLong(in Instruction instr) => instr.Code == Code.INVALID && instr.Length == 15;

    private static void FillMemory(ref Insn insn, in Instruction instr)
    {
        Register baseReg = instr.MemoryBase, indexReg = instr.MemoryIndex;
        insn.Disp = (uint)instr.MemoryDisplacement64;
        if (baseReg != Register.None) insn.Base = RegisterNumber(baseReg);
        // XLAT's "index" is AL, which its handler adds itself.
        if (indexReg != Register.None && !indexReg.IsGPR8()) insn.Index = RegisterNumber(indexReg);
        insn.ScaleShift = (byte)(instr.MemoryIndexScale switch { 2 => 1, 4 => 2, 8 => 3, _ => 0 });
        if (baseReg != Register.None) insn.Addr32 = baseReg.IsGPR32();
        else if (indexReg != Register.None && !indexReg.IsGPR8()) insn.Addr32 = indexReg.IsGPR32();
        else insn.Addr32 = instr.MemoryDisplSize == 4;
    }

    /// <summary>
    /// Operand size for instructions whose Iced code does not fix it by itself (string ops,
    /// PUSH/POP of segment registers, far transfers, IRET…): taken from the code's operand size.
    /// </summary>
    private static bool OperandSizeIs32(in Instruction instr)
    {
        var info = instr.Code.ToOpCode();
        return info.OperandSize switch
        {
            32 => true,
            16 => false,
            _ => instr.CodeSize == CodeSize.Code32,
        };
    }

    public static byte RegisterNumber(Register r)
    {
        if (r.IsGPR32()) return (byte)(r - Register.EAX);
        if (r.IsGPR16()) return (byte)(r - Register.AX);
        if (r.IsGPR8()) return (byte)(r - Register.AL);
        if (r.IsSegmentRegister()) return SegmentNumber(r);
        if (r.IsCR()) return (byte)(r - Register.CR0);
        if (r.IsDR()) return (byte)(r - Register.DR0);
        if (r.IsTR()) return (byte)(r - Register.TR0);
        if (r.IsST()) return (byte)(r - Register.ST0);
        return Insn.NoRegister;
    }

    public static byte SegmentNumber(Register r) => r switch
    {
        Register.ES => Seg.ES,
        Register.CS => Seg.CS,
        Register.SS => Seg.SS,
        Register.DS => Seg.DS,
        Register.FS => Seg.FS,
        Register.GS => Seg.GS,
        _ => Seg.DS,
    };
}
