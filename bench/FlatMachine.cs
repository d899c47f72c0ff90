using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using Iced.Intel;

namespace HexEmu.Bench;

/// <summary>
/// A bare CPU with RAM in flat 32-bit protected mode at CPL 0 (segment caches set directly, no
/// paging, no IDT): the same setup as the tests' CpuHarness.Flat32, enough for a guest of our own.
/// </summary>
internal sealed class FlatMachine
{
    public const uint CodeAddress = 0x1_0000;
    public const uint StackTop = 0x9_0000;

    public PhysicalMemory Memory { get; } = new(16 << 20);
    public Cpu Cpu { get; }

    public FlatMachine()
    {
        Cpu = new Cpu(Memory, new IoBus());
        Cpu.Reset();
        Cpu.Cr0 |= CR0.PE;
        for (int s = 0; s < Seg.Count; s++)
        {
            Cpu.Segs[s] = new SegmentCache
            {
                Selector = (ushort)(s == Seg.CS ? 0x08 : 0x10),
                Limit = 0xFFFF_FFFF,
                Attributes = (ushort)(s == Seg.CS ? 0xC09B : 0xC093),
            };
            Cpu.Segs[s].Refresh(protectedMode: true);
        }
        Cpu.SetCpl(0);
        Cpu.Eip = CodeAddress;
        Cpu.Gpr[Cpu.ESP] = StackTop;
    }

    /// <summary>Assembles <paramref name="program"/> at the code address and loads it; returns the code bytes and the label addresses asked for.</summary>
    public byte[] Load(Assembler asm, params Label[] labels) => Load(asm, out _, labels);

    public byte[] Load(Assembler asm, out ulong[] labelAddresses, params Label[] labels)
    {
        var stream = new MemoryStream();
        var result = asm.Assemble(new StreamCodeWriter(stream), CodeAddress, BlockEncoderOptions.ReturnNewInstructionOffsets);
        labelAddresses = labels.Select(l => result.GetLabelRIP(l)).ToArray();
        byte[] code = stream.ToArray();
        code.CopyTo(Memory.Ram[(int)CodeAddress..]);
        return code;
    }

    /// <summary>The instructions of <paramref name="code"/> that this build does not implement (they would raise #UD).</summary>
    public static IReadOnlyList<Code> Unimplemented(byte[] code)
    {
        var decoder = Decoder.Create(32, new ByteArrayCodeReader(code), CodeAddress);
        var missing = new SortedSet<Code>();
        while (decoder.IP < CodeAddress + (ulong)code.Length)
        {
            decoder.Decode(out var instr);
            if (!DispatchTable.IsImplemented(instr.Code)) missing.Add(instr.Code);
        }
        return [.. missing];
    }
}
