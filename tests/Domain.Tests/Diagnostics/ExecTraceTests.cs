using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `-d exec` and `-d cpu`: a "Trace" line as each block starts, in QEMU's shape
/// "Trace 0: PTR [CS base/PC/flags/cflags] ", followed by the register dump with `cpu`. Here PTR
/// is the block's physical address and the last field the instructions it may run; the flags are
/// QEMU's translation flags (its real-mode blocks show 00000040, its flat 32-bit ring-0 blocks
/// 000000b0 in tests/guests/pmtest.rom's log).
/// </summary>
public class ExecTraceTests
{
    [Fact]
    public void Each_block_started_is_logged_with_its_address_and_mode_flags_in_real_mode()
    {
        var h = CpuHarness.RealMode();
        // 0000: mov ax,1 ; jmp 0008 ; (two bytes of padding) ; 0008: inc ax ; jmp 0000
        h.LoadBytes([0xB8, 0x01, 0x00, 0xEB, 0x03, 0x90, 0x90, 0x90, 0x40, 0xEB, 0xF5]);
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.Exec, log);

        h.Run(5);

        Assert.Equal(
        [
            "Trace 0: 0x00010000 [00010000/00010000/00000040/00000002] ",
            "Trace 0: 0x00010008 [00010000/00010008/00000040/00000002] ",
            "Trace 0: 0x00010000 [00010000/00010000/00000040/00000001] ", // the budget leaves one instruction
        ], log.Lines);
    }

    [Fact]
    public void Flat_32_bit_ring_0_blocks_carry_QEMUs_PE_CS32_SS32_flags_and_cpu_adds_the_dump()
    {
        var h = CpuHarness.Flat32();
        h.Load(a =>
        {
            a.mov(eax, 0x1234);
            a.mov(ebx, 0x5678);
            a.hlt();
        });
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.Exec | LogItems.Cpu, log);

        h.Run(3);

        string[] lines = log.Lines;
        Assert.Equal("Trace 0: 0x00010000 [00000000/00010000/000000b0/00000003] ", lines[0]);
        // The state the block starts from, not the one it leaves.
        Assert.Equal("EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000543", lines[1]); // EDX: our model's reset signature
        Assert.Equal("EIP=00010000 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0", lines[3]);
        Assert.Equal("CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]", lines[5]);
        Assert.Equal(17, lines.Length); // one Trace line and one dump
    }

    [Fact]
    public void Cpu_alone_dumps_without_Trace_lines()
    {
        var h = CpuHarness.Flat32();
        h.Load(a => { a.inc(eax); a.hlt(); });
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.Cpu, log);
        h.Run(2);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Trace"));
        Assert.Equal("EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000543", log.Lines[0]);
    }

    [Fact]
    public void Ring_3_and_segment_bases_show_in_the_flags()
    {
        var t = CpuTests.ProtectedModeTables.Create();
        t.EnterRing3(0x1_0000);
        t.Code(0x1_0000, 0x40, 0xF4); // inc eax ; hlt (a #GP at ring 3, not logged here)
        var log = new RecordingLogSink();
        t.Cpu.Tracer = new CpuTracer(LogItems.Exec, log);
        t.Cpu.Run(1);
        // CPL 3 in bits 0-1 with PE, CS32 and SS32; a budget of one instruction.
        Assert.Equal("Trace 0: 0x00010000 [00000000/00010000/000000b3/00000001] ", log.Lines[0]);
    }
}
