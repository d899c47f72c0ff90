using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using Iced.Intel;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Support;

/// <summary>
/// A bare CPU with RAM for instruction-level tests: code is assembled with Iced's assembler (or
/// given as bytes), placed in RAM, and run for an exact number of instructions. The machine
/// starts either in real mode or in flat 32-bit protected mode (segment caches set directly, so
/// a test of one instruction does not depend on descriptor loading).
/// </summary>
public sealed class CpuHarness
{
    public const uint CodeAddress = 0x1_0000;
    public const uint DataAddress = 0x2_0000;
    public const uint StackTop = 0x9_0000;

    public PhysicalMemory Memory { get; }
    public IoBus Io { get; } = new();
    public X86Cpu Cpu { get; }

    private CpuHarness(uint ramBytes)
    {
        Memory = new PhysicalMemory(ramBytes);
        Cpu = new X86Cpu(Memory, Io);
    }

    /// <summary>Real mode, CS = 0x1000 (code at physical 0x10000), DS = ES = SS = 0, SP = 0xFFF0.</summary>
    public static CpuHarness RealMode(uint ramBytes = 1 << 20)
    {
        var h = new CpuHarness(ramBytes);
        var c = h.Cpu;
        c.Reset();
        c.LoadSegmentReal(Seg.CS, (ushort)(CodeAddress >> 4));
        foreach (int s in new[] { Seg.DS, Seg.ES, Seg.SS, Seg.FS, Seg.GS }) c.LoadSegmentReal(s, 0);
        c.Eip = 0;
        c.Gpr[X86Cpu.ESP] = 0xFFF0;
        return h;
    }

    /// <summary>Flat 32-bit protected mode at CPL 0: every segment base 0, limit 4 GiB; no paging.</summary>
    public static CpuHarness Flat32(uint ramBytes = 4 << 20)
    {
        var h = new CpuHarness(ramBytes);
        var c = h.Cpu;
        c.Reset();
        c.Cr0 |= CR0.PE;
        for (int s = 0; s < Seg.Count; s++)
        {
            c.Segs[s] = new SegmentCache
            {
                Selector = (ushort)(s == Seg.CS ? 0x08 : 0x10),
                Base = 0,
                Limit = 0xFFFF_FFFF,
                Attributes = (ushort)(s == Seg.CS ? 0xC09B : 0xC093),
            };
            c.Segs[s].Refresh(protectedMode: true);
        }
        c.SetCpl(0);
        c.Eip = CodeAddress;
        c.Gpr[X86Cpu.ESP] = StackTop;
        return h;
    }

    /// <summary>Assembles with Iced at the address the code will run from and loads it there.</summary>
    public CpuHarness Load(Action<Assembler> program)
    {
        int bitness = Cpu.Code32 ? 32 : 16;
        var asm = new Assembler(bitness);
        program(asm);
        var stream = new MemoryStream();
        ulong ip = Cpu.Code32 ? CodeAddress : Cpu.Eip;
        asm.Assemble(new StreamCodeWriter(stream), ip);
        return LoadBytes(stream.ToArray());
    }

    /// <summary>Places raw machine code at the code address.</summary>
    public CpuHarness LoadBytes(ReadOnlySpan<byte> code)
    {
        code.CopyTo(Memory.Ram[(int)CodeAddress..]);
        return this;
    }

    /// <summary>Runs exactly <paramref name="instructions"/> instructions (or until the CPU stops earlier).</summary>
    public RunExit Run(long instructions) => Cpu.Run(instructions);

    public uint Reg(int r) => Cpu.Gpr[r];

    public void Poke32(uint address, uint value) => BitConverter.TryWriteBytes(Memory.Ram[(int)address..], value);

    public uint Peek32(uint address) => BitConverter.ToUInt32(Memory.Ram[(int)address..]);
}
