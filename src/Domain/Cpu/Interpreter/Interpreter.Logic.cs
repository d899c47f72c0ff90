namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>AND, OR, XOR, NOT, TEST, SETcc (SDM vol. 1, 7.3.3).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterLogic(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
