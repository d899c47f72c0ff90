using System.Text;
using HexEmu.Domain.Cpu;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The CPU side of QEMU's `-d` log: in_asm (each block as it is decoded), exec (each block as it
/// starts), cpu (the register dump before each block), int (exceptions and interrupts) and pcall
/// (protected-mode far calls, returns and task switches), in QEMU's line shapes. Attach one with
/// <see cref="X86Cpu.Tracer"/>; with none attached the CPU pays one null test per block.
/// Tracing only reads the machine: it never changes state, block boundaries or icount.
/// </summary>
public sealed class CpuTracer
{
    private readonly ILogSink _sink;
    private readonly StringBuilder _text = new(2048);
    private BlockDisassembler? _disassembler;
    /// <summary>QEMU numbers the interrupts it logs.</summary>
    private int _interrupts;

    public CpuTracer(LogItems items, ILogSink sink)
    {
        Items = items;
        _sink = sink;
        LogsInAsm = (items & LogItems.InAsm) != 0;
        LogsExec = (items & LogItems.Exec) != 0;
        LogsCpu = (items & LogItems.Cpu) != 0;
        LogsInt = (items & LogItems.Int) != 0;
        LogsPcall = (items & LogItems.Pcall) != 0;
    }

    public LogItems Items { get; }

    public bool LogsInAsm { get; }
    public bool LogsExec { get; }
    public bool LogsCpu { get; }
    public bool LogsInt { get; }
    public bool LogsPcall { get; }

    /// <summary>Something happens at every block start (exec or cpu).</summary>
    public bool TracesBlocks => LogsExec || LogsCpu;

    /// <summary>A tracer with no CPU item on is not worth attaching.</summary>
    public bool TracesAnything => LogsInAsm || TracesBlocks || LogsInt || LogsPcall;

    // ---- in_asm ----

    /// <summary>A block of <paramref name="count"/> instructions was decoded from <paramref name="bytes"/> (which may run past its end).</summary>
    internal void BlockDecoded(uint linear, uint eip, bool code32, int count, byte[] bytes)
    {
        _disassembler ??= new BlockDisassembler();
        _text.Append("----------------\nIN: \n");
        _disassembler.AppendBlock(_text, linear, eip, code32, count, bytes);
        _text.Append('\n');
        Flush();
    }

    // ---- exec, cpu ----

    /// <summary>
    /// A block starts executing at CS:EIP. exec: QEMU's "Trace" line, whose fields are here the
    /// block's physical address, then [CS base / linear EIP / translation flags / the block's
    /// instruction count]; cpu: the register dump as the block finds it.
    /// </summary>
    internal void BlockExecuting(X86Cpu cpu, uint physical, int instructions)
    {
        if (LogsExec)
        {
            uint csBase = cpu.Segs[Seg.CS].Base;
            _text.Append($"Trace 0: 0x{physical:x8} [{csBase:x8}/{csBase + cpu.Eip:x8}/{TranslationFlags(cpu):x8}/{instructions:x8}] \n");
        }
        if (LogsCpu) CpuStateDump.AppendTo(_text, cpu);
        Flush();
    }

    /// <summary>
    /// The state a block's decoding and checks depend on, packed as QEMU packs its translation
    /// flags: CPL (bits 0–1), interrupt shadow (3), 32-bit code (4) and stack (5), segment bases
    /// to add (6), PE (7), CR0.MP/EM/TS (9–11), and EFLAGS' TF, IOPL, RF, VM and AC in place.
    /// </summary>
    public static uint TranslationFlags(X86Cpu cpu)
    {
        bool pe = cpu.ProtectedMode, vm = cpu.V86Mode, cs32 = cpu.Code32;
        bool addSegmentBases = !pe || vm || !cs32 ||
            (cpu.Segs[Seg.DS].Base | cpu.Segs[Seg.ES].Base | cpu.Segs[Seg.SS].Base) != 0;
        uint flags = (uint)cpu.Cpl & 3;
        if (cpu.InterruptShadow) flags |= 1u << 3;
        if (cs32) flags |= 1u << 4;
        if (cpu.Segs[Seg.SS].Big) flags |= 1u << 5;
        if (addSegmentBases) flags |= 1u << 6;
        if (pe) flags |= 1u << 7;
        flags |= (cpu.Cr0 & (CR0.MP | CR0.EM | CR0.TS)) << 8;
        flags |= cpu.Eflags & (Flags.TF | Flags.IOPL | Flags.RF | Flags.VM | Flags.AC);
        return flags;
    }

    // ---- int ----

    /// <summary>
    /// An exception was raised: QEMU's "check_exception" line. <paramref name="previous"/> is the
    /// exception being delivered when this one arose, or −1.
    /// </summary>
    internal void ExceptionRaised(int previous, int vector)
    {
        if (!LogsInt) return;
        _text.Append($"check_exception old: 0x{(uint)previous:x} new 0x{vector:x}\n");
        Flush();
    }

    /// <summary>
    /// An interrupt or exception is about to be delivered (the state still the interrupted one).
    /// As QEMU, only protected and virtual-8086 mode deliveries are logged: a numbered line with
    /// the vector, error code, whether it is a software interrupt, CPL, CS:EIP, the linear PC,
    /// SS:ESP, and CR2 for a page fault or EAX otherwise; then the register dump.
    /// </summary>
    internal void Interrupt(X86Cpu cpu, int vector, uint errorCode, bool software)
    {
        if (!LogsInt || !cpu.ProtectedMode) return;
        ref var cs = ref cpu.Segs[Seg.CS];
        _text.Append($"{_interrupts++,6}: v={vector:x2} e={errorCode:x4} i={(software ? 1 : 0)} cpl={cpu.Cpl} ")
            .Append($"IP={cs.Selector:x4}:{cpu.Eip:x8} pc={cs.Base + cpu.Eip:x8} ")
            .Append($"SP={cpu.Segs[Seg.SS].Selector:x4}:{cpu.Gpr[X86Cpu.ESP]:x8}");
        if (vector == Vector.PF) _text.Append($" CR2={cpu.Cr2:x8}\n");
        else _text.Append($" env->regs[R_EAX]={cpu.Gpr[X86Cpu.EAX]:x8}\n");
        CpuStateDump.AppendTo(_text, cpu);
        Flush();
    }

    // ---- pcall ----

    /// <summary>A protected-mode far CALL to <paramref name="selector"/>:<paramref name="offset"/> starts; s=1 for a 32-bit operand.</summary>
    internal void FarCall(X86Cpu cpu, ushort selector, uint offset, bool op32)
    {
        if (!LogsPcall) return;
        _text.Append($"lcall {selector:x4}:{offset:x8} s={(op32 ? 1 : 0)}\n");
        CpuStateDump.AppendTo(_text, cpu);
        Flush();
    }

    /// <summary>A call gate to an inner level switches to <paramref name="ss"/>:<paramref name="esp"/> from the TSS, copying <paramref name="parameters"/> items.</summary>
    internal void InnerStack(X86Cpu cpu, ushort ss, uint esp, int parameters)
    {
        if (!LogsPcall) return;
        _text.Append($"new ss:esp={ss:x4}:{esp:x8} param_count={parameters} env->regs[R_ESP]={cpu.Gpr[X86Cpu.ESP]:x8}\n");
        Flush();
    }

    /// <summary>A task switch to the TSS <paramref name="selector"/> (descriptor type <paramref name="type"/>) starts.</summary>
    internal void TaskSwitch(ushort selector, int type, TaskSwitchSource source)
    {
        if (!LogsPcall) return;
        // QEMU numbers the sources jump 0, iret 1, call 2; an interrupt through a task gate counts as a call.
        int src = source switch { TaskSwitchSource.Jump => 0, TaskSwitchSource.Iret => 1, _ => 2 };
        _text.Append($"switch_tss: sel=0x{selector:x4} type={type} src={src}\n");
        Flush();
    }

    /// <summary>A protected-mode far RET or IRET returns to <paramref name="selector"/>:<paramref name="offset"/>, releasing <paramref name="addend"/> parameter bytes.</summary>
    internal void FarReturn(X86Cpu cpu, ushort selector, uint offset, bool op32, uint addend)
    {
        if (!LogsPcall) return;
        _text.Append($"lret new {selector:x4}:{offset:x8} s={(op32 ? 1 : 0)} addend=0x{addend:x}\n");
        CpuStateDump.AppendTo(_text, cpu);
        Flush();
    }

    private void Flush()
    {
        if (_text.Length == 0) return;
        _sink.Write(_text.ToString());
        _text.Clear();
    }
}
