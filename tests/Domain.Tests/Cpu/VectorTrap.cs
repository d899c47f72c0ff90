using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Real-mode exception catching for instruction tests: vector <c>v</c> is pointed at a HLT at
/// 0x2000:v (physical 0x20000 + v), so after a fault the CPU halts with CS = 0x2000 and
/// IP = v + 1, and the faulting instruction's IP sits on the stack.
/// </summary>
internal static class VectorTrap
{
    public const ushort HandlerSegment = 0x3000;

    /// <summary>Points every vector below 32 at a HLT of its own.</summary>
    public static CpuHarness TrapAll(this CpuHarness h)
    {
        for (uint v = 0; v < 32; v++)
        {
            h.Poke32(v * 4, ((uint)HandlerSegment << 16) | v);
            h.Memory.Ram[(int)(HandlerSegment * 16u + v)] = 0xF4;
        }
        return h;
    }

    /// <summary>The vector whose handler the CPU halted in, or -1 when it is not in one.</summary>
    public static int TrappedVector(this CpuHarness h) =>
        h.Cpu.Segs[HexEmu.Domain.Cpu.Seg.CS].Selector == HandlerSegment ? (int)h.Cpu.Eip - 1 : -1;

    public static ushort Peek16(this CpuHarness h, uint address) => BitConverter.ToUInt16(h.Memory.Ram[(int)address..]);

    public static void Poke16(this CpuHarness h, uint address, ushort value) =>
        BitConverter.TryWriteBytes(h.Memory.Ram[(int)address..], value);
}
