using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// The i386 processor (with the 486/Pentium integer additions kernels use). One partial class,
/// split by concern: registers and reset here, memory access and TLB in Cpu.Memory.cs, paging in
/// Cpu.Paging.cs, segmentation in Cpu.Segments.cs, the run loop in Cpu.Run.cs, instruction
/// semantics in Interpreter/*.cs grouped as the Intel manual groups them.
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>General registers in encoding order: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI.</summary>
    public readonly uint[] Gpr = new uint[8];

    public const int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

    /// <summary>Address of the instruction being executed (between instructions: of the next one).</summary>
    public uint Eip;

    /// <summary>Where execution continues after the current instruction; handlers of control transfers set it.</summary>
    public uint NextEip;

    /// <summary>EFLAGS as the guest sees it (bit 1 always set).</summary>
    public uint Eflags = Flags.Reserved1;

    public readonly SegmentCache[] Segs = new SegmentCache[Seg.Count];

    /// <summary>Descriptor table registers: GDTR and IDTR hold base and limit; LDTR and TR are full segment caches.</summary>
    public uint GdtBase, GdtLimit, IdtBase, IdtLimit;
    public SegmentCache Ldtr, Tr;

    public uint Cr0, Cr2, Cr3, Cr4;
    public readonly uint[] Dr = new uint[8];

    /// <summary>Current privilege level: 0 in real mode, 3 in virtual-8086 mode, else CS's RPL.</summary>
    public int Cpl;

    /// <summary>Instructions retired since power-on: the clock of the emulated world.</summary>
    public long Icount;

    /// <summary>Time-stamp counter offset: RDTSC returns <see cref="TimeStampBase"/> + TscOffset (WRMSR to the TSC moves it).</summary>
    public long TscOffset;

    /// <summary>
    /// The clock the time-stamp counter follows: the machine's virtual time (a 1 GHz TSC), so
    /// that RDTSC agrees with the timers. Without one (a bare CPU in tests) it is the icount.
    /// </summary>
    public Time.IVirtualClock? TimeStampClock;

    internal long TimeStampBase => TimeStampClock?.NowNs ?? Icount;

    /// <summary>The CPU executed HLT and waits for an interrupt.</summary>
    public bool Halted;

    /// <summary>A triple fault (or similar) asked the machine to shut down; the machine decides to reset or stop.</summary>
    public bool ShutdownRequested;

    /// <summary>A task switch into a TSS with its T flag set owes a debug trap before the next instruction.</summary>
    public bool TaskSwitchTrapPending;

    /// <summary>Interrupts are inhibited for one instruction (after MOV SS, POP SS, STI).</summary>
    public bool InterruptShadow;

    public readonly PhysicalMemory Memory;
    public readonly IoBus Io;

    /// <summary>The maskable interrupt source (the PIC, later the APIC); null while none is wired.</summary>
    public IInterruptSource? InterruptSource;

    /// <summary>The local APIC's base MSR, when the machine has a local APIC; without one MSR 1Bh is #GP.</summary>
    public IApicBaseMsr? ApicBaseMsr;

    /// <summary>Model-specific CPUID answers; see CpuModel.</summary>
    public CpuModel Model { get; }

    private readonly CpuFault _fault = new();

    public Cpu(PhysicalMemory memory, IoBus io, CpuModel? model = null)
    {
        Memory = memory;
        Io = io;
        Model = model ?? CpuModel.Default;
        Debug = new Debugging.DebugTraps(this);
        InitTlb();
        _blocks = new Decode.BlockCache(this);
        memory.MappingChanged += FlushTlb;
        memory.CodePageWritten += OnCodePageWritten;
        memory.DirtyBitsCleared += MarkDirectlyWritablePagesDirty;
        Reset();
    }

    public bool ProtectedMode => (Cr0 & CR0.PE) != 0;
    public bool V86Mode => (Eflags & Flags.VM) != 0;
    public bool PagingEnabled => (Cr0 & CR0.PG) != 0 && (Cr0 & CR0.PE) != 0;

    /// <summary>Code segment default size is 32 bits.</summary>
    public bool Code32 => Segs[Seg.CS].Big && ProtectedMode && !V86Mode;

    /// <summary>Power-on / RESET state (Intel SDM vol. 3, 9.1.1, table 9-1).</summary>
    public void Reset()
    {
        Array.Clear(Gpr);
        Gpr[EDX] = Model.ResetEdx;
        Eflags = Flags.Reserved1;
        Eip = NextEip = 0xFFF0;
        for (int s = 0; s < Seg.Count; s++)
            Segs[s] = SegmentCache.RealMode(0);
        Segs[Seg.CS] = SegmentCache.RealMode(0xF000, attributes: 0x009B);
        Segs[Seg.CS].Base = 0xFFFF_0000; // the first fetch comes from the top of the 4 GiB space
        Segs[Seg.CS].Refresh(protectedMode: false);
        GdtBase = IdtBase = 0;
        GdtLimit = IdtLimit = 0xFFFF;
        Ldtr = SegmentCache.RealMode(0, attributes: 0x0082);
        Ldtr.Base = 0;
        Tr = SegmentCache.RealMode(0, attributes: 0x008B);
        Tr.Base = 0;
        Cr0 = Model.ResetCr0;
        Cr2 = Cr3 = Cr4 = 0;
        Array.Clear(Dr);
        Dr[6] = 0xFFFF0FF0;
        Dr[7] = 0x400;
        SetCpl(0); // also points the TLB back at the supervisor tags
        Halted = ShutdownRequested = InterruptShadow = TaskSwitchTrapPending = false;
        Debug.ForgetPending();
        FlushTlb();
        _blocks.Clear();
    }

    /// <summary>Raises a fault: never returns. Handlers call this before changing any state.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Fault(int vector, uint errorCode = 0) =>
        throw _fault.Set(vector, errorCode, Vector.HasErrorCode(vector));

    /// <summary>
    /// A fault whose error code names a selector: its RPL bits cleared, EXT (bit 0) set when
    /// <paramref name="ext"/> is 1, i.e. the event being delivered was not caused by the program
    /// (SDM vol. 3, 6.13). Outside interrupt delivery EXT is left to the delivery.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void FaultSelector(int vector, uint selector, uint ext = 0) => Fault(vector, (selector & 0xFFFC) | ext);

    // ---- 8- and 16-bit register views ----

    /// <summary>8-bit register by encoding: 0–3 = AL, CL, DL, BL; 4–7 = AH, CH, DH, BH.</summary>
    public byte GetReg8(int r) => r < 4 ? (byte)Gpr[r] : (byte)(Gpr[r - 4] >> 8);

    public void SetReg8(int r, byte v)
    {
        if (r < 4) Gpr[r] = (Gpr[r] & 0xFFFF_FF00) | v;
        else Gpr[r - 4] = (Gpr[r - 4] & 0xFFFF_00FF) | ((uint)v << 8);
    }

    public ushort GetReg16(int r) => (ushort)Gpr[r];

    public void SetReg16(int r, ushort v) => Gpr[r] = (Gpr[r] & 0xFFFF_0000) | v;

    // ---- flags ----

    public bool GetFlag(uint flag) => (Eflags & flag) != 0;

    public void SetFlag(uint flag, bool on)
    {
        if (on) Eflags |= flag; else Eflags &= ~flag;
    }

    /// <summary>Replaces the six status flags with <paramref name="status"/> (other bits of it ignored).</summary>
    public void SetStatusFlags(uint status) => Eflags = (Eflags & ~Flags.Status) | (status & Flags.Status);

    public int Iopl => (int)((Eflags >> Flags.IoplShift) & 3);
}

/// <summary>CR0 bits.</summary>
public static class CR0
{
    public const uint PE = 1u << 0;
    public const uint MP = 1u << 1;
    public const uint EM = 1u << 2;
    public const uint TS = 1u << 3;
    public const uint ET = 1u << 4;
    public const uint NE = 1u << 5;
    public const uint WP = 1u << 16;
    public const uint AM = 1u << 18;
    public const uint NW = 1u << 29;
    public const uint CD = 1u << 30;
    public const uint PG = 1u << 31;
}

/// <summary>CR4 bits we model.</summary>
public static class CR4
{
    public const uint VME = 1u << 0;
    public const uint PVI = 1u << 1;
    public const uint TSD = 1u << 2;
    public const uint DE = 1u << 3;
    public const uint PSE = 1u << 4;
}

/// <summary>A source of maskable interrupts (an interrupt controller).</summary>
public interface IInterruptSource
{
    /// <summary>An interrupt request is waiting for the CPU.</summary>
    bool HasPendingInterrupt { get; }

    /// <summary>The CPU accepts the interrupt: returns its vector (the INTA cycle).</summary>
    byte AcknowledgeInterrupt();
}
