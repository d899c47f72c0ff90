namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>DAA, DAS, AAA, AAS, AAM, AAD (SDM vol. 1, 7.3.2.3).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterBcd(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
