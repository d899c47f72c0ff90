using HexEmu.Domain.Cpu;
using HexEmu.Domain.State;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.State;

/// <summary>
/// ARCHITECTURE.md §4 invariants for the CPU and RAM: save→load→save is byte-identical, every
/// register survives, and running on from a reloaded copy gives the same machine.
/// </summary>
public class CpuStateTests
{
    private static byte[] Save(CpuHarness h)
    {
        var w = new StateWriter();
        h.Cpu.SaveState(w);
        h.Memory.SaveState(w);
        return w.ToArray();
    }

    private static void Load(CpuHarness h, byte[] state)
    {
        var r = new StateReader(state);
        h.Memory.LoadState(r);
        h.Cpu.LoadState(r);
    }

    /// <summary>A CPU with a distinct value in every saved field, hidden ones included.</summary>
    private static CpuHarness Unusual()
    {
        var h = CpuHarness.Flat32();
        var c = h.Cpu;
        for (int i = 0; i < 8; i++) c.Gpr[i] = 0x1111_1111u * (uint)(i + 1);
        c.Eip = 0x1234_5678;
        c.Eflags = 0x0002_3ED7;
        for (int s = 0; s < Seg.Count; s++)
            c.Segs[s] = new SegmentCache
            {
                Selector = (ushort)(0x100 + s), Base = 0x1000u * (uint)s + 7, Limit = 0xABCDu + (uint)s,
                Attributes = (ushort)(0x4093 + s), MinOffset = (uint)s, MaxOffset = 0xF000u + (uint)s,
                CanRead = s % 2 == 0, CanWrite = s % 3 == 0,
            };
        c.GdtBase = 0x11_1000; c.GdtLimit = 0x27; c.IdtBase = 0x22_2000; c.IdtLimit = 0x7FF;
        c.Ldtr = new SegmentCache { Selector = 0x28, Base = 0x33_3000, Limit = 0x1F, Attributes = 0x82, MaxOffset = 0x1F, CanRead = true };
        c.Tr = new SegmentCache { Selector = 0x30, Base = 0x44_4000, Limit = 0x67, Attributes = 0x8B, MaxOffset = 0x67 };
        c.Cr0 = 0x8000_0011; c.Cr2 = 0xCAFE_0000; c.Cr3 = 0x3_0000; c.Cr4 = CR4.PSE;
        for (int i = 0; i < 8; i++) c.Dr[i] = 0xD000_0000u + (uint)i;
        c.Icount = 123_456_789_012;
        c.TscOffset = -42;
        c.Halted = true;
        c.InterruptShadow = true;
        c.ShutdownRequested = true;
        c.TaskSwitchTrapPending = true;
        c.SetCpl(3);
        h.Memory.Ram[0x1234] = 0x56;
        h.Memory.Ram[^1] = 0x78;
        h.Memory.SetA20(false);
        return h;
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        byte[] first = Save(Unusual());
        var copy = CpuHarness.RealMode(4 << 20);
        Load(copy, first);
        Assert.Equal(first, Save(copy));
    }

    [Fact]
    public void Every_register_and_hidden_field_is_restored()
    {
        var original = Unusual();
        var copy = CpuHarness.RealMode(4 << 20);
        Load(copy, Save(original));
        X86Cpu a = original.Cpu, b = copy.Cpu;
        Assert.Equal(a.Gpr, b.Gpr);
        Assert.Equal(a.Eip, b.Eip);
        Assert.Equal(a.Eflags, b.Eflags);
        Assert.Equal(a.Segs, b.Segs);
        Assert.Equal((a.GdtBase, a.GdtLimit, a.IdtBase, a.IdtLimit), (b.GdtBase, b.GdtLimit, b.IdtBase, b.IdtLimit));
        Assert.Equal(a.Ldtr, b.Ldtr);
        Assert.Equal(a.Tr, b.Tr);
        Assert.Equal((a.Cr0, a.Cr2, a.Cr3, a.Cr4), (b.Cr0, b.Cr2, b.Cr3, b.Cr4));
        Assert.Equal(a.Dr, b.Dr);
        Assert.Equal((a.Icount, a.TscOffset), (b.Icount, b.TscOffset));
        Assert.Equal((true, true, true, 3), (b.Halted, b.InterruptShadow, b.ShutdownRequested, b.Cpl));
        Assert.True(b.TaskSwitchTrapPending);
        Assert.Equal(0xFFEF_FFFFu, copy.Memory.A20Mask);
        Assert.Equal(0x56, copy.Memory.Ram[0x1234]);
        Assert.Equal(0x78, copy.Memory.Ram[^1]);
    }

    [Fact]
    public void A_malformed_cpu_section_leaves_the_cpu_unchanged()
    {
        var w = new StateWriter();
        Unusual().Cpu.SaveState(w);
        byte[] state = w.ToArray();
        state[^1] = 9; // CPL 9
        var h = CpuHarness.Flat32();
        h.Cpu.Gpr[0] = 0xAAAA;
        Assert.Throws<StateFormatException>(() => h.Cpu.LoadState(new StateReader(state)));
        Assert.Equal(0xAAAAu, h.Cpu.Gpr[0]);
        Assert.Equal(0, h.Cpu.Icount);
    }

    [Fact]
    public void A_malformed_ram_section_leaves_ram_unchanged()
    {
        var source = CpuHarness.Flat32();
        source.Memory.Ram[0x5000] = 0x99; // page 5 saved in full
        var w = new StateWriter();
        source.Memory.SaveState(w);
        byte[] state = w.ToArray();
        // Header (6) + name "ram" (1 + 3) + version (2) + length (4) + A20 (1) + size (4), then one
        // marker per page; pages 0–4 are empty, so page 5's marker follows five zero markers.
        int firstMarker = 6 + 4 + 2 + 4 + 1 + 4;
        Assert.Equal(1, state[firstMarker + 5]);
        state[^1] = 7; // the last page's marker (an empty page: no bytes follow) becomes invalid
        var h = CpuHarness.Flat32();
        h.Memory.Ram[0x5000] = 0x11;
        Assert.Throws<StateFormatException>(() => h.Memory.LoadState(new StateReader(state)));
        Assert.Equal(0x11, h.Memory.Ram[0x5000]);
    }

    /// <summary>A paged guest that writes memory, reads it back, and patches its own code.</summary>
    private static CpuHarness Busy()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            var top = a.CreateLabel();
            a.Label(ref top);
            a.mov(eax, __dword_ptr[0x20000]);
            a.mov(__dword_ptr[0x20004], eax);
            a.mov(ebx, __dword_ptr[0x20004]);
            a.mov(__dword_ptr[0x20000], ebx);
            a.mov(__byte_ptr[CpuHarness.CodeAddress + 0x100], al);
            a.mov(ecx, esp);
            a.mov(__dword_ptr[0x20008], ecx);
            a.jmp(top);
        });
        const uint Pd = 0x3_0000, Pt = 0x3_1000;
        for (uint i = 0; i < 1024; i++) h.Poke32(Pt + i * 4, (i << 12) | 7);
        h.Poke32(Pd, Pt | 7);
        h.Cpu.Cr3 = Pd;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        h.Poke32(0x20000, 0x600D_F00D);
        return h;
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(13, 501)]
    [InlineData(1000, 7)]
    public void Running_on_from_a_reloaded_copy_gives_the_same_state(int before, int after)
    {
        var original = Busy();
        original.Run(before);
        byte[] snapshot = Save(original);
        var copy = CpuHarness.RealMode(4 << 20);
        Load(copy, snapshot);
        original.Run(after);
        copy.Run(after);
        Assert.Equal(before + after, copy.Cpu.Icount);
        Assert.Equal(Save(original), Save(copy));
    }
}
