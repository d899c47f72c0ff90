using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Tests.CpuTests;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `-d int`: QEMU's "check_exception old: 0x… new 0x…" line for each exception raised, then for
/// each delivery in protected mode a numbered line
/// "%6d: v=VV e=EEEE i=I cpl=C IP=CS:EIP pc=LINEAR SP=SS:ESP env->regs[R_EAX]=…" (CR2=… for a
/// page fault) followed by the register dump of the interrupted state. Real-mode deliveries are
/// not logged (QEMU 7.2 logs none: checked with a real-mode INT 20h guest).
/// </summary>
public class IntTraceTests
{
    private const uint Handler = 0x2_0000;

    private static (ProtectedModeTables T, RecordingLogSink Log) Machine(LogItems items = LogItems.Int)
    {
        var t = ProtectedModeTables.Create();
        t.Gate(13, ProtectedModeTables.Code0, Handler, ProtectedModeTables.InterruptGate32);
        t.Gate(0x30, ProtectedModeTables.Code0, Handler, ProtectedModeTables.InterruptGate32, dpl: 3);
        t.Gate(0x20, ProtectedModeTables.Code0, Handler, ProtectedModeTables.InterruptGate32);
        t.Code(Handler, ProtectedModeTables.Hlt);
        var log = new RecordingLogSink();
        t.Cpu.Tracer = new CpuTracer(items, log);
        return (t, log);
    }

    [Fact]
    public void A_GP_fault_logs_check_exception_then_vector_error_code_CPL_and_the_faulting_address()
    {
        var (t, log) = Machine();
        // mov ax,0x7f8 ; mov ds,ax (a selector beyond the GDT limit: #GP(0x7f8))
        t.Code(0x1_0000, 0x66, 0xB8, 0xF8, 0x07, 0x8E, 0xD8);

        t.Cpu.Run(3);

        string[] lines = log.Lines;
        Assert.Equal("check_exception old: 0xffffffff new 0xd", lines[0]);
        Assert.Equal("     0: v=0d e=07f8 i=0 cpl=0 IP=0008:00010004 pc=00010004 SP=0010:00090000 env->regs[R_EAX]=000007f8", lines[1]);
        Assert.Equal("EAX=000007f8 EBX=00000000 ECX=00000000 EDX=00000543", lines[2]);
        Assert.Equal("EIP=00010004 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0", lines[4]);
        Assert.Equal(2 + 16, lines.Length); // the two lines and one dump: the handler's HLT logs nothing
    }

    [Fact]
    public void A_software_INT_at_ring_3_is_logged_with_i_1_and_the_user_stack()
    {
        var (t, log) = Machine();
        t.EnterRing3(0x1_0000);
        // mov eax,0x12345678 ; int 0x30
        t.Code(0x1_0000, 0xB8, 0x78, 0x56, 0x34, 0x12, 0xCD, 0x30);

        t.Cpu.Run(2);

        Assert.Equal("     0: v=30 e=0000 i=1 cpl=3 IP=001b:00010005 pc=00010005 SP=0023:00060000 env->regs[R_EAX]=12345678", log.Lines[0]);
        Assert.Equal("EIP=00010005 EFL=00000002 [-------] CPL=3 II=0 A20=1 SMM=0 HLT=0", log.Lines[3]);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("check_exception"));
    }

    [Fact]
    public void Deliveries_are_numbered_and_an_external_interrupt_has_i_0_and_the_next_instruction()
    {
        var (t, log) = Machine();
        // The external interrupt is pending from the start; its handler returns at once, then INT 0x30.
        t.Gate(0x20, ProtectedModeTables.Code0, Handler + 0x10, ProtectedModeTables.InterruptGate32);
        t.Code(Handler + 0x10, 0xCF); // iret
        t.Cpu.InterruptSource = new OneInterrupt(0x20);
        t.Cpu.Eflags |= Flags.IF;
        t.Code(0x1_0000, 0xCD, 0x30);

        t.Cpu.Run(3);

        var deliveries = log.Lines.Where(l => l.Contains(" v=")).ToArray();
        Assert.Equal(2, deliveries.Length);
        Assert.Equal("     0: v=20 e=0000 i=0 cpl=0 IP=0008:00010000 pc=00010000 SP=0010:00090000 env->regs[R_EAX]=00000000", deliveries[0]);
        Assert.StartsWith("     1: v=30 e=0000 i=1 cpl=0 IP=0008:00010000 pc=00010000 ", deliveries[1]);
    }

    [Fact]
    public void Real_mode_interrupts_are_not_logged()
    {
        var h = CpuHarness.RealMode();
        h.Poke32(0x30 * 4, 0x1000_0010); // vector 0x30 -> 1000:0010
        h.LoadBytes([0xCD, 0x30, 0xF4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xCF]);
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.Int, log);

        h.Run(3); // int 0x30, iret, hlt

        Assert.Equal(3, h.Cpu.Icount);
        Assert.Equal(0, log.Writes);
    }

    private sealed class OneInterrupt(byte vector) : IInterruptSource
    {
        private bool _pending = true;

        public bool HasPendingInterrupt => _pending;

        public byte AcknowledgeInterrupt()
        {
            _pending = false;
            return vector;
        }
    }
}
