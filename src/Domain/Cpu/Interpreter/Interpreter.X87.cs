namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>x87 escape opcodes on a CPU without an FPU (SDM vol. 3, 9.2.3).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterX87(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
