namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>CLC, STC, CMC, CLD, STD, CLI, STI, LAHF, SAHF, PUSHF, POPF (SDM vol. 1, 7.3.14).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterFlagControl(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
