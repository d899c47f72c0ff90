using HexEmu.Domain.Cpu;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;

namespace HexEmu.Application.Debugging;

/// <summary>
/// The debug target over the running machine. The GDB stub calls it from its connection thread;
/// everything that touches the machine is handed to the machine thread (ARCHITECTURE §6). Live,
/// the machine runs in the machine loop with the CPU's traps armed; in a replay every motion,
/// forwards or backwards, is one <see cref="Timeline"/> operation run on the machine thread.
/// </summary>
public sealed partial class MachineDebugTarget : IDebugTarget
{
    /// <summary>How long a register or memory access may wait for the machine thread.</summary>
    private static readonly TimeSpan AccessTimeout = TimeSpan.FromSeconds(30);

    private readonly PcMachine _machine;
    private readonly IMachineLoop _loop;
    private readonly Timeline? _timeline;
    private readonly ReplayDebugEngine? _engine;
    private readonly Func<string, string> _monitor;
    private readonly Action<string> _notice;
    private readonly DebugBreakpoints _breakpoints;
    private readonly object _resumeLock = new();
    private TaskCompletionSource<TargetStop>? _resume;

    /// <param name="timeline">The replay's timeline (reverse execution), or null when running live.</param>
    /// <param name="monitor">Runs one monitor command on the machine thread and returns its output.</param>
    /// <param name="notice">Tells the user something (stderr): a divergence found while debugging.</param>
    public MachineDebugTarget(PcMachine machine, IMachineLoop loop, Timeline? timeline, ReplayDebugEngine? engine,
                              Func<string, string> monitor, Action<string> notice)
    {
        _machine = machine;
        _loop = loop;
        _timeline = timeline;
        _engine = engine;
        _monitor = monitor;
        _notice = notice;
        _breakpoints = new DebugBreakpoints(machine.Cpu.Debug);
        loop.DebugStopped = OnLiveDebugStop;
        loop.MachineEnding = code => Complete(new TargetStop.Exited(code));
    }

    public bool CanReverse => _timeline is not null;

    public TargetStop Attach() => OnMachine(() =>
    {
        _loop.Paused = true;
        return (TargetStop)new TargetStop.Stepped();
    });

    public void Detach()
    {
        if (_loop.Finished) return; // the process is ending: nothing left to hand back
        Interrupt();
        OnMachine(() =>
        {
            _breakpoints.Clear();
            _machine.Cpu.Debug.StopBeforeIcount = null;
            // Without a debugger the machine goes on as it would have (QEMU resumes on detach too).
            _loop.Paused = false;
            return 0;
        });
    }

    public void Kill() => _loop.Quit();

    public GuestRegisters ReadRegisters() => OnMachine(() =>
    {
        var cpu = _machine.Cpu;
        var g = cpu.Gpr;
        return new GuestRegisters(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], cpu.Eip, cpu.Eflags,
            cpu.Segs[Seg.CS].Selector, cpu.Segs[Seg.SS].Selector, cpu.Segs[Seg.DS].Selector,
            cpu.Segs[Seg.ES].Selector, cpu.Segs[Seg.FS].Selector, cpu.Segs[Seg.GS].Selector);
    });

    public void WriteRegisters(GuestRegisters registers) => OnMachine(() =>
    {
        RefuseChangesToHistory("registers");
        var cpu = _machine.Cpu;
        for (int r = 0; r < 8; r++) cpu.Gpr[r] = registers[r];
        cpu.Eip = registers.Eip;
        cpu.Eflags = (registers.Eflags & ~Flags.Reserved1) | Flags.Reserved1;
        LoadSegment(Seg.CS, registers.Cs);
        LoadSegment(Seg.SS, registers.Ss);
        LoadSegment(Seg.DS, registers.Ds);
        LoadSegment(Seg.ES, registers.Es);
        LoadSegment(Seg.FS, registers.Fs);
        LoadSegment(Seg.GS, registers.Gs);
        return 0;
    });

    /// <summary>
    /// gdb writes every register back, changed or not: an unchanged selector keeps its cached
    /// descriptor; a changed one is loaded by the current mode's rules (a descriptor that does not
    /// allow it is refused, and gdb shows the error).
    /// </summary>
    private void LoadSegment(int seg, uint selector)
    {
        var cpu = _machine.Cpu;
        if (cpu.Segs[seg].Selector == (ushort)selector) return;
        try
        {
            if (!cpu.ProtectedMode || cpu.V86Mode) cpu.LoadSegmentReal(seg, (ushort)selector);
            else if (seg == Seg.CS) throw new InvalidOperationException("CS cannot be changed by the debugger in protected mode");
            else cpu.LoadSegment(seg, (ushort)selector);
        }
        catch (CpuFault)
        {
            throw new InvalidOperationException($"selector {selector:x4} cannot be loaded into {"ECSDFG"[seg]}S");
        }
    }

    public int ReadMemory(uint linearAddress, Span<byte> destination)
    {
        var buffer = new byte[destination.Length];
        int n = OnMachine(() => _machine.Cpu.PeekLinear(linearAddress, buffer));
        buffer.AsSpan(0, n).CopyTo(destination);
        return n;
    }

    public bool WriteMemory(uint linearAddress, ReadOnlySpan<byte> source)
    {
        var bytes = source.ToArray();
        return OnMachine(() =>
        {
            RefuseChangesToHistory("memory");
            return _machine.Cpu.TryPokeLinear(linearAddress, bytes);
        });
    }

    public bool InsertBreakpoint(BreakpointType type, uint address, uint length) =>
        OnMachine(() => _breakpoints.Insert(type, address, length));

    public bool RemoveBreakpoint(BreakpointType type, uint address, uint length) =>
        OnMachine(() => _breakpoints.Remove(type, address, length));

    public string MonitorCommand(string command) => OnMachine(() => _monitor(command));

    /// <summary>
    /// A replay is the recording: changing registers or memory would make it something the log no
    /// longer describes (and every later replay of it differ), so a replay refuses.
    /// </summary>
    private void RefuseChangesToHistory(string what)
    {
        if (_timeline is not null)
            throw new InvalidOperationException($"a replay cannot change the guest's {what}: it would no longer follow its recording");
    }

    private T OnMachine<T>(Func<T> work) => _loop.Invoke(work, AccessTimeout);
}
