namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>JMP, Jcc, CALL, RET, LOOP, JCXZ, INT, IRET, ENTER, LEAVE (SDM vol. 1, 7.3.8).</summary>
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
    }

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
}
