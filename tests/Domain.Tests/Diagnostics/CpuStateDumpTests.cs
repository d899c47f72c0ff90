using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// The register dump against qemu-system-i386 7.2's (`-d cpu`): the reset state is compared with
/// the dump QEMU printed before its first block, the protected-mode segment lines with those it
/// printed for tests/guests/pmtest.rom's flat segments (its lazy-flag and EFER lines have no
/// counterpart here). Register values are the ones each test sets.
/// </summary>
public class CpuStateDumpTests
{
    [Fact]
    public void The_reset_state_dumps_as_QEMU_dumps_its_reset_state()
    {
        var cpu = new X86Cpu(new PhysicalMemory(1 << 20), new IoBus());
        // QEMU's default CPU model resets EDX and CR0 to these (ours has its own model values).
        cpu.Gpr[X86Cpu.EDX] = 0x663;
        cpu.Cr0 = 0x6000_0010;

        string expected =
            "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000663\n" +
            "ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000\n" +
            "EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n" +
            "ES =0000 00000000 0000ffff 00009300\n" +
            "CS =f000 ffff0000 0000ffff 00009b00\n" +
            "SS =0000 00000000 0000ffff 00009300\n" +
            "DS =0000 00000000 0000ffff 00009300\n" +
            "FS =0000 00000000 0000ffff 00009300\n" +
            "GS =0000 00000000 0000ffff 00009300\n" +
            "LDT=0000 00000000 0000ffff 00008200\n" +
            "TR =0000 00000000 0000ffff 00008b00\n" +
            "GDT=     00000000 0000ffff\n" +
            "IDT=     00000000 0000ffff\n" +
            "CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n" +
            "DR0=00000000 DR1=00000000 DR2=00000000 DR3=00000000 \n" +
            "DR6=ffff0ff0 DR7=00000400\n";
        Assert.Equal(expected, CpuStateDump.Format(cpu));
    }

    [Fact]
    public void Flat_protected_mode_shows_registers_flags_and_decoded_segments()
    {
        var h = CpuHarness.Flat32();
        var c = h.Cpu;
        uint[] values = [0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x00090000, 0x66666666, 0x77777777, 0x88888888];
        values.CopyTo(c.Gpr, 0); // in encoding order: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
        c.Eip = 0x000f00ec;
        c.Eflags = 0x46; // ZF, PF and the reserved bit
        c.GdtBase = 0x500; c.GdtLimit = 0x37;
        c.IdtBase = 0x800; c.IdtLimit = 0x7ff;
        c.Cr0 = 0xe0000011; c.Cr2 = 0x00200000; c.Cr3 = 0x00010000;
        c.Dr[0] = 0x1234;
        c.Tr.Attributes = 0x8B; // a busy 32-bit TSS, as after LTR

        string[] lines = CpuStateDump.Format(c).Split('\n');

        Assert.Equal("EAX=11111111 EBX=44444444 ECX=22222222 EDX=33333333", lines[0]);
        Assert.Equal("ESI=77777777 EDI=88888888 EBP=66666666 ESP=00090000", lines[1]);
        Assert.Equal("EIP=000f00ec EFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0", lines[2]);
        // The harness's flat segments are accessed (type 3 and B); QEMU shows pmtest's code segment,
        // not yet accessed, as "00cf9a00 DPL=0 CS32 [-R-]".
        Assert.Equal("ES =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]", lines[3]);
        Assert.Equal("CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]", lines[4]);
        Assert.Equal("SS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]", lines[5]);
        Assert.Equal("GS =0010 00000000 ffffffff 00cf9300 DPL=0 DS   [-WA]", lines[8]);
        Assert.Equal("LDT=0000 00000000 0000ffff 00008200 DPL=0 LDT", lines[9]);
        Assert.Equal("TR =0000 00000000 0000ffff 00008b00 DPL=0 TSS32-busy", lines[10]);
        Assert.Equal("GDT=     00000500 00000037", lines[11]);
        Assert.Equal("IDT=     00000800 000007ff", lines[12]);
        Assert.Equal("CR0=e0000011 CR2=00200000 CR3=00010000 CR4=00000000", lines[13]);
        Assert.Equal("DR0=00001234 DR1=00000000 DR2=00000000 DR3=00000000 ", lines[14]);
        Assert.Equal("DR6=ffff0ff0 DR7=00000400", lines[15]);
        Assert.Equal("", lines[16]);
        Assert.Equal(17, lines.Length);
    }

    [Fact]
    public void Every_flag_letter_halt_shadow_CPL_and_the_A20_gate_show()
    {
        var h = CpuHarness.Flat32();
        var c = h.Cpu;
        c.Eflags = 0x2 | Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF | Flags.OF | Flags.DF | Flags.IF; // 0xed7
        c.Halted = true;
        c.InterruptShadow = true;
        c.Cpl = 3;
        h.Memory.SetA20(false);

        string line = CpuStateDump.Format(c).Split('\n')[2];
        Assert.Equal($"EIP={CpuHarness.CodeAddress:x8} EFL=00000ed7 [DOSZAPC] CPL=3 II=1 A20=0 SMM=0 HLT=1", line);
    }

    [Fact]
    public void Segments_show_16_bit_code_and_data_expand_down_conforming_and_system_types()
    {
        var h = CpuHarness.Flat32();
        var c = h.Cpu;
        // Byte-granular 16-bit conforming code, limit 0x1_2345 (bits 19:16 = 1), not accessed.
        c.Segs[Seg.CS] = new SegmentCache { Selector = 0x3b, Base = 0x12340000, Limit = 0x12345, Attributes = 0x00FE };
        // 16-bit expand-down writable data, accessed.
        c.Segs[Seg.DS] = new SegmentCache { Selector = 0x10, Base = 0, Limit = 0xfff, Attributes = 0x0097 };
        // A not-present segment shows no decoded attributes.
        c.Segs[Seg.FS] = SegmentCache.Null(0);
        c.Ldtr = new SegmentCache { Selector = 0x28, Base = 0x3000, Limit = 0xf, Attributes = 0x0082 };
        c.Tr = new SegmentCache { Selector = 0x30, Base = 0x4000, Limit = 0x2b, Attributes = 0x0081 };

        string[] lines = CpuStateDump.Format(c).Split('\n');
        Assert.Equal("CS =003b 12340000 00012345 0001fe00 DPL=3 CS16 [CR-]", lines[4]);
        Assert.Equal("DS =0010 00000000 00000fff 00009700 DPL=0 DS16 [EWA]", lines[6]);
        Assert.Equal("FS =0000 00000000 00000000 00000000", lines[7]);
        Assert.Equal("LDT=0028 00003000 0000000f 00008200 DPL=0 LDT", lines[9]);
        Assert.Equal("TR =0030 00004000 0000002b 00008100 DPL=0 TSS16-avl", lines[10]);
    }

    [Fact]
    public void Real_mode_segments_show_no_decoded_attributes()
    {
        var h = CpuHarness.RealMode();
        string[] lines = CpuStateDump.Format(h.Cpu).Split('\n');
        Assert.Equal("CS =1000 00010000 0000ffff 00009b00", lines[4]);
        Assert.Equal("ES =0000 00000000 0000ffff 00009300", lines[3]);
    }
}
