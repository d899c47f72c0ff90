namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>LGDT, LIDT, SGDT, SIDT, LLDT, SLDT, LTR, STR, LAR, LSL, VERR, VERW, ARPL, LMSW, SMSW, CLTS (SDM vol. 3, 2.8).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterProtectedMode(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
