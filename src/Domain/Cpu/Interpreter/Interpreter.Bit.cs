namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>BT, BTS, BTR, BTC, BSF, BSR (SDM vol. 1, 7.3.7).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterBit(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
