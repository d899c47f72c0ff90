using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// Logging only watches: with every item on, a program that takes software interrupts, faults,
/// and touches an unassigned port ends in the same state, after the same icount, having decoded
/// the same blocks, as without logging.
/// </summary>
public class TracingDeterminismTests
{
    private const uint IntHandler = 0x2_0000, GpHandler = 0x2_0100;

    private static T Machine()
    {
        var t = T.Create();
        t.Gate(0x30, T.Code0, IntHandler, T.InterruptGate32);
        t.Gate(13, T.Code0, GpHandler, T.InterruptGate32);
        Place(t, 0x1_0000, a =>
        {
            var top = a.CreateLabel();
            a.mov(ecx, 300);
            a.Label(ref top);
            a.add(eax, ecx);
            a.@int(0x30);
            a.mov(dx, 0x7f8);
            a.db(0x8E, 0xDA);     // mov ds,dx: #GP(0x7f8); the handler skips these two bytes
            a.@in(al, 0x80);      // no device: a guest error when logged
            a.loop(top);
            a.hlt();
        });
        Place(t, IntHandler, a => { a.inc(ebx); a.iretd(); });
        Place(t, GpHandler, a => { a.add(esp, 4); a.add(__dword_ptr[esp], 2); a.iretd(); });
        return t;
    }

    private static void Place(T t, uint address, Action<Assembler> program)
    {
        var a = new Assembler(32);
        program(a);
        var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), address);
        t.Code(address, stream.ToArray());
    }

    private static (List<RunExit> Exits, Cpu.Cpu Cpu, byte[] Stack) RunInSlices(T t)
    {
        var exits = new List<RunExit>();
        for (int slice = 0; slice < 1000; slice++)
        {
            var exit = t.Cpu.Run(37);
            exits.Add(exit);
            if (exit == RunExit.Halted) break;
        }
        return (exits, t.Cpu, t.H.Memory.Ram[(int)(T.Ring0Stack - 0x100)..(int)T.Ring0Stack].ToArray());
    }

    [Fact]
    public void Every_item_on_changes_neither_state_nor_icount_nor_block_boundaries()
    {
        var plain = RunInSlices(Machine());

        var traced = Machine();
        var log = new RecordingLogSink();
        var all = LogItems.InAsm | LogItems.Int | LogItems.Exec | LogItems.Cpu | LogItems.GuestErrors | LogItems.Unimp | LogItems.Pcall;
        traced.Cpu.Tracer = new CpuTracer(all, log);
        traced.H.Io.GuestLog = new GuestLog(all, log);
        var withLog = RunInSlices(traced);

        Assert.Equal(RunExit.Halted, plain.Exits[^1]);
        Assert.Equal(plain.Exits, withLog.Exits);
        Assert.Equal(plain.Cpu.Icount, withLog.Cpu.Icount);
        Assert.Equal(plain.Cpu.Gpr, withLog.Cpu.Gpr);
        Assert.Equal(plain.Cpu.Eip, withLog.Cpu.Eip);
        Assert.Equal(plain.Cpu.Eflags, withLog.Cpu.Eflags);
        Assert.Equal(plain.Cpu.DecodedBlockCount, withLog.Cpu.DecodedBlockCount);
        Assert.Equal(plain.Cpu.CachedBlockCount, withLog.Cpu.CachedBlockCount);
        Assert.Equal(plain.Stack, withLog.Stack);
        Assert.Equal(300u, withLog.Cpu.Gpr[Cpu.Cpu.EBX]); // every INT 0x30 ran

        // And everything was logged: 300 software interrupts and 300 faults, 300 guest errors.
        string[] lines = log.Lines;
        Assert.Equal(600, lines.Count(l => l.Contains(" v=")));
        Assert.Equal(300, lines.Count(l => l.StartsWith("check_exception")));
        Assert.Equal(300, lines.Count(l => l == "Invalid read at I/O port 0x0080, size 1: no device"));
        Assert.True(lines.Count(l => l.StartsWith("Trace 0: ")) > 1200);
    }
}
