using HexEmu.Domain.Cpu;
using HexEmu.Domain.Cpu.Decode;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>What an instruction or transfer raised: vector and error code.</summary>
public readonly record struct Raised(int Vector, uint ErrorCode);

/// <summary>
/// Flat 32-bit protected mode with a GDT (and optionally an LDT and a TSS) built in harness
/// memory, plus a way to execute one instruction or call a CPU entry point and see the fault it
/// raises without going through exception delivery. Descriptors are encoded here by hand from
/// the SDM's layout (vol. 3, figure 3-8 and 5-8), independently of the emulator's decoder.
/// </summary>
public sealed class ProtectedModeFixture
{
    public const uint GdtBase = 0x1000;
    public const uint LdtBase = 0x3000;
    public const uint TssBase = 0x4000;
    public const ushort FlatCode0 = 0x08, FlatData0 = 0x10, FlatCode3 = 0x18 | 3, FlatData3 = 0x20 | 3;

    // Access bytes (P, DPL, S, type).
    public const byte Present = 0x80;
    public const byte DataRW = 0x92, DataRO = 0x90, CodeXR = 0x9A, CodeX = 0x98, CodeConformingXR = 0x9E;
    // Flags nibble: G and D/B.
    public const byte Gran4K = 0x8, Big = 0x4;

    public CpuHarness Harness { get; }
    public X86Cpu Cpu => Harness.Cpu;

    public ProtectedModeFixture(uint gdtEntries = 32)
    {
        Harness = CpuHarness.Flat32();
        Cpu.GdtBase = GdtBase;
        Cpu.GdtLimit = gdtEntries * 8 - 1;
        SetSegment(1, 0, 0xFFFFF, CodeXR, Gran4K | Big);
        SetSegment(2, 0, 0xFFFFF, DataRW, Gran4K | Big);
        SetSegment(3, 0, 0xFFFFF, CodeXR | 0x60, Gran4K | Big);
        SetSegment(4, 0, 0xFFFFF, DataRW | 0x60, Gran4K | Big);
    }

    public static ulong SegmentDescriptor(uint baseAddress, uint limit, byte access, byte flags) =>
        (limit & 0xFFFF) | ((ulong)(baseAddress & 0xFFFF) << 16) | ((ulong)((baseAddress >> 16) & 0xFF) << 32) |
        ((ulong)access << 40) | ((ulong)((limit >> 16) & 0xF) << 48) | ((ulong)(flags & 0xF) << 52) |
        ((ulong)(baseAddress >> 24) << 56);

    public static ulong GateDescriptor(ushort selector, uint offset, int type, int dpl, int parameters = 0, bool present = true) =>
        (offset & 0xFFFF) | ((ulong)selector << 16) | ((ulong)(parameters & 0x1F) << 32) |
        ((ulong)(type | (dpl << 5) | (present ? 0x80 : 0)) << 40) | ((ulong)(offset >> 16) << 48);

    public static ulong SystemDescriptor(uint baseAddress, uint limit, int type, int dpl, bool present = true) =>
        SegmentDescriptor(baseAddress, limit, (byte)(type | (dpl << 5) | (present ? 0x80 : 0)), 0);

    public void SetGdt(int index, ulong descriptor) => Poke64(GdtBase + (uint)index * 8, descriptor);

    public void SetLdt(int index, ulong descriptor) => Poke64(LdtBase + (uint)index * 8, descriptor);

    public void SetSegment(int index, uint baseAddress, uint limit, byte access, byte flags = Big) =>
        SetGdt(index, SegmentDescriptor(baseAddress, limit, access, flags));

    public ulong Gdt(int index) => BitConverter.ToUInt64(Harness.Memory.Ram[(int)(GdtBase + index * 8)..]);

    public void Poke64(uint address, ulong value) => BitConverter.TryWriteBytes(Harness.Memory.Ram[(int)address..], value);

    public void Poke16(uint address, ushort value) => BitConverter.TryWriteBytes(Harness.Memory.Ram[(int)address..], value);

    public ushort Peek16(uint address) => BitConverter.ToUInt16(Harness.Memory.Ram[(int)address..]);

    public uint Peek32(uint address) => Harness.Peek32(address);

    /// <summary>Loads LDTR directly with an LDT of <paramref name="entries"/> descriptors at <see cref="LdtBase"/> (GDT slot <paramref name="gdtIndex"/>).</summary>
    public void InstallLdt(int gdtIndex, uint entries = 16)
    {
        SetGdt(gdtIndex, SystemDescriptor(LdtBase, entries * 8 - 1, SystemType.Ldt, 0));
        Cpu.Ldtr = new Descriptor((uint)Gdt(gdtIndex), (uint)(Gdt(gdtIndex) >> 32)).ToCache((ushort)(gdtIndex * 8));
    }

    /// <summary>Loads TR directly with a busy 32-bit TSS at <see cref="TssBase"/> whose ring-0 stack is SS0:ESP0.</summary>
    public void InstallTss32(int gdtIndex, ushort ss0, uint esp0, uint limit = 0x67)
    {
        SetGdt(gdtIndex, SystemDescriptor(TssBase, limit, SystemType.Tss32Busy, 0));
        Cpu.Tr = new Descriptor((uint)Gdt(gdtIndex), (uint)(Gdt(gdtIndex) >> 32)).ToCache((ushort)(gdtIndex * 8));
        Harness.Poke32(TssBase + 4, esp0);
        Poke16(TssBase + 8, ss0);
    }

    /// <summary>Loads TR directly with a busy 16-bit TSS whose ring-0 stack is SS0:SP0.</summary>
    public void InstallTss16(int gdtIndex, ushort ss0, ushort sp0)
    {
        SetGdt(gdtIndex, SystemDescriptor(TssBase, 0x2B, SystemType.Tss16Busy, 0));
        Cpu.Tr = new Descriptor((uint)Gdt(gdtIndex), (uint)(Gdt(gdtIndex) >> 32)).ToCache((ushort)(gdtIndex * 8));
        Poke16(TssBase + 2, sp0);
        Poke16(TssBase + 4, ss0);
    }

    /// <summary>Puts the CPU at <paramref name="cpl"/> with flat CS and SS of that DPL (caches set directly).</summary>
    public void EnterRing(int cpl, uint esp = CpuHarness.StackTop)
    {
        int codeIndex = cpl == 0 ? 1 : 3, dataIndex = cpl == 0 ? 2 : 4;
        if (cpl is 1 or 2)
        {
            codeIndex = 5 + cpl * 2;
            dataIndex = codeIndex + 1;
            SetSegment(codeIndex, 0, 0xFFFFF, (byte)(CodeXR | (cpl << 5)), Gran4K | Big);
            SetSegment(dataIndex, 0, 0xFFFFF, (byte)(DataRW | (cpl << 5)), Gran4K | Big);
        }
        Cpu.Segs[Seg.CS] = DescriptorAt(codeIndex).ToCache((ushort)(codeIndex * 8 | cpl));
        Cpu.Segs[Seg.SS] = DescriptorAt(dataIndex).ToCache((ushort)(dataIndex * 8 | cpl));
        Cpu.SetCpl(cpl);
        Cpu.Gpr[X86Cpu.ESP] = esp;
    }

    public Descriptor DescriptorAt(int index) => new((uint)Gdt(index), (uint)(Gdt(index) >> 32));

    /// <summary>Runs <paramref name="action"/> (a CPU entry point) and returns the fault it raised, if any.</summary>
    public Raised? Catch(Action<X86Cpu> action)
    {
        try
        {
            action(Cpu);
            return null;
        }
        catch (CpuFault f)
        {
            return new Raised(f.Vector, f.ErrorCode);
        }
    }

    /// <summary>
    /// Executes the single instruction at the code address through its handler, as the run loop
    /// would (EIP advanced on success), and returns the fault it raised, if any.
    /// </summary>
    public Raised? Step(Action<Assembler> program)
    {
        var asm = new Assembler(Cpu.Code32 ? 32 : 16);
        program(asm);
        var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), CpuHarness.CodeAddress);
        return Step(stream.ToArray());
    }

    public unsafe Raised? Step(params byte[] code)
    {
        code.CopyTo(Harness.Memory.Ram[(int)CpuHarness.CodeAddress..]);
        var decoder = Decoder.Create(Cpu.Code32 ? 32 : 16, new ByteArrayCodeReader(code));
        decoder.IP = CpuHarness.CodeAddress;
        decoder.Decode(out var instr);
        var insn = InsnTranslator.Translate(instr);
        var c = Cpu;
        c.Eip = CpuHarness.CodeAddress - c.Segs[Seg.CS].Base;
        c.NextEip = c.Eip + insn.Length;
        try
        {
            insn.Handler(c, ref insn);
            c.Eip = c.NextEip;
            return null;
        }
        catch (CpuFault f)
        {
            return new Raised(f.Vector, f.ErrorCode);
        }
    }

    /// <summary>Everything a faulting instruction must leave as it found it.</summary>
    public string Snapshot()
    {
        var c = Cpu;
        var parts = new List<string> { string.Join(",", c.Gpr), $"{c.Eflags:X}", $"{c.Cpl}", $"{c.Cr0:X}", $"{c.Ldtr.Selector:X}", $"{c.Tr.Selector:X}" };
        foreach (var s in c.Segs) parts.Add($"{s.Selector:X}/{s.Base:X}/{s.Limit:X}/{s.Attributes:X}");
        return string.Join(" ", parts);
    }
}
