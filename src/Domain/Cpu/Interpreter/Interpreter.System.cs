namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>HLT, MOV to and from control, debug and test registers (SDM vol. 3, 2.8).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterSystem(DispatchTable.Registrar r)
    {
        r.Add(Code.Hlt, &Hlt, endsBlock: true);
    }

    /// <summary>HLT is privileged: CPL 0 only (#GP(0) otherwise, including virtual-8086 mode).</summary>
    private static void Hlt(Cpu c, ref Insn i)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
        c.Halted = true;
        c.EndBlock();
    }
}
