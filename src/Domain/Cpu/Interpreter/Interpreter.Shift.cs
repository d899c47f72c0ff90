namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>SHL/SAL, SHR, SAR, ROL, ROR, RCL, RCR, SHLD, SHRD (SDM vol. 1, 7.3.4–7.3.5).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterShift(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
