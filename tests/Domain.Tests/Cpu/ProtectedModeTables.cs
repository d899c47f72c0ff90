using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// A flat protected-mode machine with a GDT, an IDT and TSSs written into harness memory, for the
/// interrupt, task-switch and V86 tests. Descriptors are encoded here from the SDM's layouts
/// (vol. 3, figures 3-8, 6-2 and 7-3), independently of the emulator's decoding.
/// </summary>
internal sealed class ProtectedModeTables
{
    public const uint Gdt = 0x1000, Idt = 0x2000, TssA = 0x3000, TssB = 0x3100, Tss16 = 0x3200, Ldt = 0x3400;
    public const ushort Code0 = 0x08, Data0 = 0x10, Code3 = 0x1B, Data3 = 0x23, TssASel = 0x28, TssBSel = 0x30,
        Code16 = 0x38, Conforming0 = 0x40, Tss16Sel = 0x48, Code3Alt = 0x53, LdtSel = 0x58, Code1 = 0x61, Data1 = 0x69;
    public const uint Ring0Stack = 0x8_0000, Ring1Stack = 0x7_0000, UserStack = 0x6_0000;

    // Access bytes (P, DPL, S, type).
    public const byte Code0Access = 0x9B, Data0Access = 0x93, Code3Access = 0xFB, Data3Access = 0xF3,
        Tss32Available = 0x89, Tss32Busy = 0x8B, Tss16Available = 0x81, LdtAccess = 0x82;
    // Gate types.
    public const int TaskGate = 5, InterruptGate16 = 6, TrapGate16 = 7, InterruptGate32 = 14, TrapGate32 = 15;

    public CpuHarness H { get; }
    public X86Cpu Cpu => H.Cpu;

    private ProtectedModeTables(CpuHarness h) => H = h;

    /// <summary>Flat ring-0 protected mode; TR = TSS A (busy), whose ring-0 stack is 0x10:0x80000.</summary>
    public static ProtectedModeTables Create()
    {
        var t = new ProtectedModeTables(CpuHarness.Flat32());
        var c = t.Cpu;
        c.GdtBase = Gdt;
        c.GdtLimit = 0xFF;
        c.IdtBase = Idt;
        c.IdtLimit = 0x7FF;
        t.Segment(Code0, 0, 0xFFFFF, Code0Access, big: true, pages: true);
        t.Segment(Data0, 0, 0xFFFFF, Data0Access, big: true, pages: true);
        t.Segment(Code3, 0, 0xFFFFF, Code3Access, big: true, pages: true);
        t.Segment(Data3, 0, 0xFFFFF, Data3Access, big: true, pages: true);
        t.Segment(TssASel, TssA, 0x67, Tss32Busy);
        t.Segment(TssBSel, TssB, 0x67, Tss32Available);
        t.Segment(Code16, 0, 0xFFFF, Code0Access, big: false);
        t.Segment(Conforming0, 0, 0xFFFFF, 0x9F, big: true, pages: true);
        t.Segment(Tss16Sel, Tss16, 0x2B, Tss16Available);
        t.Segment(Code3Alt, 0, 0xFFFFF, Code3Access, big: true, pages: true);
        t.Segment(LdtSel, Ldt, 0x0F, LdtAccess);
        t.Segment(Code1, 0, 0xFFFFF, 0xBB, big: true, pages: true);
        t.Segment(Data1, 0, 0xFFFFF, 0xB3, big: true, pages: true);
        c.Tr = t.Cache(TssASel);
        t.Poke32(TssA + 4, Ring0Stack);
        t.Poke32(TssA + 8, Data0);
        t.Poke32(TssA + 12, Ring1Stack);
        t.Poke32(TssA + 16, Data1);
        return t;
    }

    public void Poke32(uint address, uint value) => H.Poke32(address, value);
    public uint Peek32(uint address) => H.Peek32(address);
    public void Poke16(uint address, ushort value) => BitConverter.TryWriteBytes(H.Memory.Ram[(int)address..], value);
    public ushort Peek16(uint address) => BitConverter.ToUInt16(H.Memory.Ram[(int)address..]);

    /// <summary>Writes a segment or system descriptor (SDM vol. 3, figure 3-8).</summary>
    public void Segment(ushort selector, uint baseAddress, uint limit, byte access, bool big = false, bool pages = false)
    {
        uint low = (limit & 0xFFFF) | (baseAddress << 16);
        uint high = ((baseAddress >> 16) & 0xFF) | ((uint)access << 8) | (limit & 0xF_0000)
            | (big ? 1u << 22 : 0) | (pages ? 1u << 23 : 0) | (baseAddress & 0xFF00_0000);
        uint at = Gdt + (selector & 0xFFF8u);
        Poke32(at, low);
        Poke32(at + 4, high);
    }

    /// <summary>The high dword of a GDT descriptor (to read busy and accessed bits).</summary>
    public uint DescriptorHigh(ushort selector) => Peek32(Gdt + (selector & 0xFFF8u) + 4);

    /// <summary>Writes an IDT gate (SDM vol. 3, figure 6-2).</summary>
    public void Gate(int vector, ushort selector, uint offset, int type, int dpl = 0, bool present = true)
    {
        uint at = Idt + (uint)vector * 8;
        Poke32(at, (offset & 0xFFFF) | ((uint)selector << 16));
        Poke32(at + 4, (offset & 0xFFFF_0000) | (present ? 0x8000u : 0) | ((uint)dpl << 13) | ((uint)type << 8));
    }

    /// <summary>The segment cache a descriptor in the GDT loads (decoded by the emulator's Descriptor type).</summary>
    public SegmentCache Cache(ushort selector)
    {
        uint at = Gdt + (selector & 0xFFF8u);
        return new Descriptor(Peek32(at), Peek32(at + 4)).ToCache(selector);
    }

    /// <summary>Puts the CPU at CPL 3 in the flat user segments, at <paramref name="eip"/> with ESP = <paramref name="esp"/>.</summary>
    public void EnterRing3(uint eip, uint esp = UserStack)
    {
        var c = Cpu;
        c.Segs[Seg.CS] = Cache(Code3);
        foreach (int s in new[] { Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS }) c.Segs[s] = Cache(Data3);
        c.SetCpl(3);
        c.Eip = c.NextEip = eip;
        c.Gpr[X86Cpu.ESP] = esp;
    }

    /// <summary>Places bytes of code at <paramref name="address"/>.</summary>
    public void Code(uint address, params byte[] bytes) => bytes.CopyTo(H.Memory.Ram[(int)address..]);

    public const byte Hlt = 0xF4;
    public static readonly byte[] Ud2 = [0x0F, 0x0B];
}
