using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Virtual-8086 mode entered by IRET and left by interrupts to a ring-0 monitor (SDM vol. 3,
/// 20.2–20.3; vol. 2, INT n and IRET pseudo-code).
/// </summary>
public class V86Tests
{
    private const uint Monitor = 0x1_1000;

    private static T Machine()
    {
        var t = T.Create();
        t.Code(Monitor, T.Hlt);
        t.Gate(13, T.Code0, Monitor, T.InterruptGate32);
        return t;
    }

    /// <summary>IRETD at CPL 0 with VM in the popped EFLAGS: CS 0x2000, IP 0x100, SS:SP 3000:FFF0, ES..GS 4000..7000.</summary>
    private static void EnterV86(T t, uint iopl = 0)
    {
        var c = t.Cpu;
        uint sp = CpuHarness.StackTop - 36;
        uint[] frame = [0x0100, 0x2000, Flags.VM | (iopl << 12) | Flags.IF | 2, 0xFFF0, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000];
        for (int k = 0; k < frame.Length; k++) t.Poke32(sp + (uint)k * 4, frame[k]);
        c.Gpr[X86Cpu.ESP] = sp;
        c.InterruptReturn(op32: true);
        c.Eip = c.NextEip;
    }

    [Fact]
    public void IRETD_with_VM_in_the_image_enters_virtual_8086_mode()
    {
        var t = Machine();
        EnterV86(t);
        var c = t.Cpu;
        Assert.True(c.V86Mode);
        Assert.Equal(3, c.Cpl);
        Assert.Equal(0x100u, c.Eip);
        Assert.Equal(0x2000, c.Segs[Seg.CS].Selector);
        Assert.Equal(0x20000u, c.Segs[Seg.CS].Base);
        Assert.Equal(0x30000u, c.Segs[Seg.SS].Base);
        Assert.Equal(0xFFF0u, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(0x40000u, c.Segs[Seg.ES].Base);
        Assert.Equal(0x50000u, c.Segs[Seg.DS].Base);
        Assert.Equal(0x60000u, c.Segs[Seg.FS].Base);
        Assert.Equal(0x70000u, c.Segs[Seg.GS].Base);
        Assert.Equal(0xFFFFu, c.Segs[Seg.DS].Limit);
        Assert.False(c.Code32);
    }

    [Fact]
    public void A_fault_in_V86_mode_reaches_the_ring_0_monitor_and_IRETD_returns_to_V86()
    {
        var t = Machine();
        EnterV86(t);
        t.Code(0x20100, T.Hlt); // privileged: #GP(0)
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        var c = t.Cpu;
        Assert.False(c.V86Mode);
        Assert.Equal(0, c.Cpl);
        Assert.Equal(T.Code0, c.Segs[Seg.CS].Selector);
        Assert.Equal(T.Ring0Stack - 40, c.Gpr[X86Cpu.ESP]);
        uint[] expected = [0, 0x100, 0x2000, Flags.VM | Flags.IF | 2, 0xFFF0, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000];
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(expected[k], t.Peek32(T.Ring0Stack - 40 + (uint)k * 4));
        foreach (int s in new[] { Seg.DS, Seg.ES, Seg.FS, Seg.GS })
        {
            Assert.Equal(0, c.Segs[s].Selector);
            Assert.False(c.Segs[s].CanRead);
        }
        Assert.Equal(0u, c.Eflags & Flags.IF);

        // The monitor drops the error code, skips the HLT and returns.
        c.Gpr[X86Cpu.ESP] += 4;
        t.Poke32(c.Gpr[X86Cpu.ESP], 0x101);
        c.InterruptReturn(op32: true);
        Assert.True(c.V86Mode);
        Assert.Equal(3, c.Cpl);
        Assert.Equal(0x101u, c.NextEip);
        Assert.Equal(0x2000, c.Segs[Seg.CS].Selector);
        Assert.Equal(0x5000, c.Segs[Seg.DS].Selector);
        Assert.Equal(0x50000u, c.Segs[Seg.DS].Base);
        Assert.Equal(0xFFF0u, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(T.Ring0Stack, t.Peek32(T.TssA + 4));
    }

    [Fact]
    public void INT_n_in_V86_mode_with_IOPL_below_3_raises_GP_0_but_INT3_does_not()
    {
        var t = Machine();
        t.Gate(3, T.Code0, Monitor, T.TrapGate32, dpl: 3);
        t.Gate(0x21, T.Code0, Monitor, T.TrapGate32, dpl: 3);
        EnterV86(t, iopl: 0);
        var c = t.Cpu;
        c.NextEip = 0x102;
        var f = Assert.Throws<CpuFault>(() => c.SoftwareInterrupt(0x21, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(0u, f.ErrorCode);
        Assert.True(c.V86Mode);

        c.SoftwareInterrupt(3, ioplSensitive: false);
        Assert.False(c.V86Mode);
        Assert.Equal(Monitor, c.NextEip);
        Assert.Equal(0x102u, t.Peek32(T.Ring0Stack - 36));
    }

    [Fact]
    public void INT_n_from_V86_mode_to_a_segment_other_than_non_conforming_ring_0_raises_GP_with_its_selector()
    {
        var t = Machine();
        t.Gate(0x22, T.Code3, Monitor, T.InterruptGate32, dpl: 3);
        t.Gate(0x21, T.Conforming0, Monitor, T.InterruptGate32, dpl: 3);
        EnterV86(t, iopl: 3);
        var c = t.Cpu;
        c.NextEip = 0x102;
        var f = Assert.Throws<CpuFault>(() => c.SoftwareInterrupt(0x22, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(T.Code3 & 0xFFFCu, f.ErrorCode);
        f = Assert.Throws<CpuFault>(() => c.SoftwareInterrupt(0x21, ioplSensitive: true));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal((uint)T.Conforming0, f.ErrorCode);
        Assert.True(c.V86Mode);
        Assert.Equal(0xFFF0u, c.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void A_16_bit_gate_from_V86_mode_pushes_the_nine_selectors_and_registers_as_words()
    {
        var t = Machine();
        t.Gate(0x2E, T.Code16, 0x5000, T.InterruptGate16, dpl: 3);
        EnterV86(t, iopl: 3);
        var c = t.Cpu;
        c.NextEip = 0x102;
        c.SoftwareInterrupt(0x2E, ioplSensitive: true);
        Assert.Equal(T.Ring0Stack - 18, c.Gpr[X86Cpu.ESP]);
        ushort[] expected = [0x102, 0x2000, 0x3202, 0xFFF0, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000];
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(expected[k], t.Peek16(T.Ring0Stack - 18 + (uint)k * 2));
        Assert.Equal(0x5000u, c.NextEip);
        Assert.Equal(T.Code16, c.Segs[Seg.CS].Selector);
    }

    [Fact]
    public void IRET_in_V86_mode_needs_IOPL_3_and_then_pops_a_real_mode_frame()
    {
        var t = Machine();
        EnterV86(t, iopl: 0);
        var c = t.Cpu;
        var f = Assert.Throws<CpuFault>(() => c.InterruptReturn(op32: false));
        Assert.Equal(Vector.GP, f.Vector);
        Assert.Equal(0u, f.ErrorCode);

        var u = Machine();
        EnterV86(u, iopl: 3);
        c = u.Cpu;
        c.Gpr[X86Cpu.ESP] = 0xFFEA;
        u.Poke16(0x3FFEA, 0x0200);    // IP
        u.Poke16(0x3FFEC, 0x2100);    // CS
        u.Poke16(0x3FFEE, 0x0001);    // FLAGS: CF, IOPL 0, IF 0
        c.InterruptReturn(op32: false);
        Assert.Equal(0x200u, c.NextEip);
        Assert.Equal(0x21000u, c.Segs[Seg.CS].Base);
        Assert.Equal(0xFFF0u, c.Gpr[X86Cpu.ESP]);
        Assert.True(c.V86Mode);
        Assert.Equal(3, c.Iopl); // IOPL is not changed from V86 mode
        Assert.Equal(Flags.VM | (3u << 12) | Flags.CF | 2, c.Eflags);
    }

    [Fact]
    public void PUSHF_in_V86_mode_needs_IOPL_3_and_PUSHFD_hides_VM()
    {
        var t = Machine();
        EnterV86(t, iopl: 0);
        t.Code(0x20100, 0x9C); // PUSHF
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(0u, t.Peek32(T.Ring0Stack - 40)); // #GP(0) at the monitor
        Assert.Equal(0x100u, t.Peek32(T.Ring0Stack - 36));
        Assert.Equal(0xFFF0u, t.Peek32(T.Ring0Stack - 24)); // nothing was pushed

        var u = Machine();
        EnterV86(u, iopl: 3);
        u.Code(0x20100, 0x66, 0x9C, T.Hlt); // PUSHFD; HLT
        Assert.Equal(RunExit.Halted, u.H.Run(10));
        Assert.Equal(0xFFECu, u.Peek32(T.Ring0Stack - 24));
        Assert.Equal(0x3202u, u.Peek32(0x3FFEC));
    }

    [Fact]
    public void CLI_in_V86_mode_needs_IOPL_3()
    {
        var t = Machine();
        EnterV86(t, iopl: 0);
        t.Code(0x20100, 0xFA); // CLI
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(0x100u, t.Peek32(T.Ring0Stack - 36)); // faulted at the CLI
        Assert.Equal(Flags.IF, t.Peek32(T.Ring0Stack - 28) & Flags.IF);

        var u = Machine();
        EnterV86(u, iopl: 3);
        u.Code(0x20100, 0xFA, T.Hlt);
        Assert.Equal(RunExit.Halted, u.H.Run(10));
        Assert.Equal(0x101u, u.Peek32(T.Ring0Stack - 36)); // faulted at the HLT after it
        Assert.Equal(0u, u.Peek32(T.Ring0Stack - 28) & Flags.IF);
    }
}
