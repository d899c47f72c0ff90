namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>MOV, MOVZX, MOVSX, XCHG, PUSH, POP, LEA, CBW/CWD family, segment register moves (SDM vol. 1, 7.3.1).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterDataTransfer(DispatchTable.Registrar r)
    {
        r.Add([Code.Mov_rm8_r8, Code.Mov_r8_rm8, Code.Mov_r8_imm8, Code.Mov_rm8_imm8, Code.Mov_AL_moffs8, Code.Mov_moffs8_AL], &Mov8);
        r.Add([Code.Mov_rm16_r16, Code.Mov_r16_rm16, Code.Mov_r16_imm16, Code.Mov_rm16_imm16, Code.Mov_AX_moffs16, Code.Mov_moffs16_AX], &Mov16);
        r.Add([Code.Mov_rm32_r32, Code.Mov_r32_rm32, Code.Mov_r32_imm32, Code.Mov_rm32_imm32, Code.Mov_EAX_moffs32, Code.Mov_moffs32_EAX], &Mov32);
    }

    private static void Mov8(Cpu c, ref Insn i) => c.SetOp8(ref i, 0, c.GetOp8(ref i, 1));

    private static void Mov16(Cpu c, ref Insn i) => c.SetOp16(ref i, 0, c.GetOp16(ref i, 1));

    private static void Mov32(Cpu c, ref Insn i) => c.SetOp32(ref i, 0, c.GetOp32(ref i, 1));
}
