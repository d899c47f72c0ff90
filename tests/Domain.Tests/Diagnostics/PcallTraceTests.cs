using HexEmu.Domain.Diagnostics;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `-d pcall`, in QEMU's shapes: "lcall SSSS:OOOOOOOO s=S" and the register dump for each
/// protected-mode far CALL (s=1 for a 32-bit operand), "new ss:esp=… param_count=N
/// env->regs[R_ESP]=…" when a call gate switches to an inner stack, "switch_tss: sel=0x… type=T
/// src=S" for a task switch (src 0 jump, 1 iret, 2 call), and "lret new CS:EIP s=S addend=0x…"
/// with the dump for a protected-mode far return.
/// </summary>
public class PcallTraceTests
{
    private const ushort CallGateSel = 0x70 | 3; // GDT slot 14, a DPL-3 gate to ring 0
    private const uint Target = 0x2_0000;

    private static (T Tables, RecordingLogSink Log) Machine()
    {
        var t = T.Create();
        // A 32-bit call gate (type 12) to Code0:Target, DPL 3, two parameters.
        t.Poke32(T.Gdt + 0x70, (Target & 0xFFFF) | ((uint)T.Code0 << 16));
        t.Poke32(T.Gdt + 0x74, (Target & 0xFFFF_0000) | 0x8000 | (3u << 13) | (12u << 8) | 2);
        var log = new RecordingLogSink();
        t.Cpu.Tracer = new CpuTracer(LogItems.Pcall, log);
        return (t, log);
    }

    [Fact]
    public void A_call_through_a_gate_to_ring_0_logs_the_call_the_new_stack_and_the_return()
    {
        var (t, log) = Machine();
        t.EnterRing3(0x1_0000, esp: 0x6_0000);
        t.Code(0x1_0000, 0x9A, 0x00, 0x00, 0x00, 0x00, (byte)CallGateSel, 0x00); // call far 0x73:0 (the gate ignores the offset)
        t.Code(Target, 0xCA, 0x08, 0x00);                                    // retf 8 (the two parameters)

        t.Cpu.Run(2);

        string[] lines = log.Lines;
        Assert.Equal("lcall 0073:00000000 s=1", lines[0]);
        Assert.Equal("EIP=00010000 EFL=00000002 [-------] CPL=3 II=0 A20=1 SMM=0 HLT=0", lines[3]);
        Assert.Equal("new ss:esp=0010:00080000 param_count=2 env->regs[R_ESP]=00060000", lines[17]);
        Assert.Equal("lret new 001b:00010007 s=1 addend=0x8", lines[18]);
        Assert.Equal("EIP=00020000 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0", lines[21]);
        Assert.Equal(18 + 17, lines.Length);
        Assert.Equal(3, t.Cpu.Cpl); // and the call and return really happened
        Assert.Equal(0x1_0007u, t.Cpu.Eip);
    }

    [Fact]
    public void A_far_call_to_a_TSS_logs_the_call_and_the_task_switch_as_a_call()
    {
        var (t, log) = Machine();
        // TSS B: EIP 0x12000, EFLAGS 2, ring-0 flat segments, ESP 0x50000.
        t.Poke32(T.TssB + 0x20, 0x1_2000);
        t.Poke32(T.TssB + 0x24, 2);
        t.Poke32(T.TssB + 0x38, 0x5_0000);
        ushort[] selectors = [T.Data0, T.Code0, T.Data0, T.Data0, T.Data0, T.Data0]; // ES CS SS DS FS GS
        for (int s = 0; s < selectors.Length; s++) t.Poke32(T.TssB + 0x48 + (uint)s * 4, selectors[s]);
        t.Code(0x1_0000, 0x9A, 0x00, 0x00, 0x00, 0x00, (byte)T.TssBSel, 0x00); // call far 0x30:0

        t.Cpu.Run(1);

        Assert.Equal("lcall 0030:00000000 s=1", log.Lines[0]);
        Assert.Equal("switch_tss: sel=0x0030 type=9 src=2", log.Lines[17]);
        Assert.Equal(T.TssBSel, t.Cpu.Tr.Selector);
    }

    [Fact]
    public void A_jump_to_a_TSS_is_a_task_switch_with_src_0_and_no_lcall()
    {
        var (t, log) = Machine();
        t.Poke32(T.TssB + 0x20, 0x1_2000);
        t.Poke32(T.TssB + 0x24, 2);
        ushort[] selectors = [T.Data0, T.Code0, T.Data0, T.Data0, T.Data0, T.Data0];
        for (int s = 0; s < selectors.Length; s++) t.Poke32(T.TssB + 0x48 + (uint)s * 4, selectors[s]);
        t.Code(0x1_0000, 0xEA, 0x00, 0x00, 0x00, 0x00, (byte)T.TssBSel, 0x00); // jmp far 0x30:0

        t.Cpu.Run(1);

        Assert.Equal(["switch_tss: sel=0x0030 type=9 src=0"], log.Lines);
    }
}
