namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>CPUID, RDTSC, RDMSR, WRMSR, INVLPG, WBINVD, INVD, NOP, UD2, BOUND (SDM vol. 2).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterMisc(DispatchTable.Registrar r)
    {
        _ = r;
    }
}
