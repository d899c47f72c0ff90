using HexEmu.Domain.Debugging;

namespace HexEmu.Application.Debugging;

/// <summary>
/// What a debugger front end (the GDB stub) drives: the machine, stopped or running, forwards
/// and — when <see cref="CanReverse"/> — backwards. Every member may be called from the
/// debugger's own thread; the implementation hands the work to the machine thread. Only one
/// debugger is attached at a time.
/// </summary>
public interface IDebugTarget
{
    /// <summary>Whether reverse stepping and continuing work (a replay); only then does gdb hear of them.</summary>
    bool CanReverse { get; }

    /// <summary>
    /// A debugger connected: the machine stops (if it runs) and the result says where. Until
    /// <see cref="Detach"/> the machine runs only when told to by <see cref="Resume"/>.
    /// </summary>
    TargetStop Attach();

    /// <summary>
    /// The debugger left (detach packet or a dropped connection): breakpoints and watchpoints
    /// are removed and the machine goes on as it would without a debugger.
    /// </summary>
    void Detach();

    /// <summary>gdb's kill: the emulator ends, as qemu-system-i386 does.</summary>
    void Kill();

    /// <summary>The general registers, in gdb's i386 order (see <see cref="GuestRegisters"/>).</summary>
    GuestRegisters ReadRegisters();

    /// <summary>Sets the general registers (segment registers are loaded as the CPU's current mode loads them).</summary>
    void WriteRegisters(GuestRegisters registers);

    /// <summary>
    /// Reads guest memory at a linear address through the current paging; returns how many bytes
    /// could be read from the start (fewer than asked where a page is not mapped).
    /// </summary>
    int ReadMemory(uint linearAddress, Span<byte> destination);

    /// <summary>Writes guest memory at a linear address; false (nothing written) if any byte is not writable RAM.</summary>
    bool WriteMemory(uint linearAddress, ReadOnlySpan<byte> source);

    /// <summary>Inserts a breakpoint or watchpoint; false if this kind or length is not supported.</summary>
    bool InsertBreakpoint(BreakpointType type, uint address, uint length);

    /// <summary>Removes one; false if there was none like it.</summary>
    bool RemoveBreakpoint(BreakpointType type, uint address, uint length);

    /// <summary>
    /// Starts the machine in the given direction and way; the task completes when it stops
    /// again (never while another resume is in progress: call only while stopped).
    /// </summary>
    Task<TargetStop> Resume(ResumeAction action);

    /// <summary>Ctrl-C: a resume in progress stops soon (reported as <see cref="TargetStop.Interrupted"/>).</summary>
    void Interrupt();

    /// <summary>gdb's `monitor` command: runs one monitor (HMP) command and returns its output.</summary>
    string MonitorCommand(string command);
}

/// <summary>How <see cref="IDebugTarget.Resume"/> moves the machine.</summary>
public enum ResumeAction
{
    Continue,
    Step,
    ReverseContinue,
    ReverseStep,
}

/// <summary>GDB's Z/z types 0–4.</summary>
public enum BreakpointType
{
    Software = 0,
    Hardware = 1,
    WriteWatch = 2,
    ReadWatch = 3,
    AccessWatch = 4,
}

/// <summary>Why the machine stopped, as the debugger is told.</summary>
public abstract record TargetStop
{
    /// <summary>A step finished, or the machine stopped for no particular reason (SIGTRAP).</summary>
    public sealed record Stepped : TargetStop;

    /// <summary>A breakpoint inserted as <paramref name="Type"/> (software or hardware) at <paramref name="Address"/>.</summary>
    public sealed record Breakpoint(uint Address, BreakpointType Type) : TargetStop;

    /// <summary>A watchpoint (the range's start address) of the given kind.</summary>
    public sealed record Watch(uint Address, WatchKind Kind) : TargetStop;

    /// <summary>The start (<paramref name="AtBegin"/>) or the end of the recorded history was reached.</summary>
    public sealed record HistoryEdge(bool AtBegin) : TargetStop;

    /// <summary>Ctrl-C (SIGINT).</summary>
    public sealed record Interrupted : TargetStop;

    /// <summary>The guest ended (gdb's W packet) with this status.</summary>
    public sealed record Exited(int Code) : TargetStop;
}

/// <summary>The 16 registers of gdb's i386 core feature that the CPU has, in gdb's order.</summary>
public record struct GuestRegisters(
    uint Eax, uint Ecx, uint Edx, uint Ebx, uint Esp, uint Ebp, uint Esi, uint Edi,
    uint Eip, uint Eflags, uint Cs, uint Ss, uint Ds, uint Es, uint Fs, uint Gs)
{
    public const int Count = 16;

    /// <summary>Register <paramref name="index"/> in gdb's numbering (0 = eax … 15 = gs).</summary>
    public readonly uint this[int index] => index switch
    {
        0 => Eax, 1 => Ecx, 2 => Edx, 3 => Ebx, 4 => Esp, 5 => Ebp, 6 => Esi, 7 => Edi,
        8 => Eip, 9 => Eflags, 10 => Cs, 11 => Ss, 12 => Ds, 13 => Es, 14 => Fs, 15 => Gs,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>A copy with register <paramref name="index"/> replaced.</summary>
    public readonly GuestRegisters With(int index, uint value) => index switch
    {
        0 => this with { Eax = value }, 1 => this with { Ecx = value }, 2 => this with { Edx = value },
        3 => this with { Ebx = value }, 4 => this with { Esp = value }, 5 => this with { Ebp = value },
        6 => this with { Esi = value }, 7 => this with { Edi = value }, 8 => this with { Eip = value },
        9 => this with { Eflags = value }, 10 => this with { Cs = value }, 11 => this with { Ss = value },
        12 => this with { Ds = value }, 13 => this with { Es = value }, 14 => this with { Fs = value },
        15 => this with { Gs = value },
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
