namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>MOVS, CMPS, SCAS, LODS, STOS, INS, OUTS with REP prefixes (SDM vol. 1, 7.3.9).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterString(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
