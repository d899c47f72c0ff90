namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>ADD, ADC, SUB, SBB, CMP, INC, DEC, NEG, MUL, IMUL, DIV, IDIV (SDM vol. 1, 7.3.2).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterArith(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
