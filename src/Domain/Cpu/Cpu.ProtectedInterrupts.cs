namespace HexEmu.Domain.Cpu;

/// <summary>
/// Interrupt and exception delivery through the IDT in protected and virtual-8086 mode
/// (SDM vol. 3, 6.10–6.14 and 20.3; vol. 2, INT n pseudo-code). Every check is made before any
/// register, flag or stack byte changes, so a fault during delivery leaves the interrupted
/// state intact for the double-fault logic in Cpu.Interrupts.cs.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>
    /// Delivers <paramref name="vector"/> through its IDT gate. <paramref name="kind"/> decides EXT
    /// (set for exceptions and external interrupts) and whether the gate's DPL is checked
    /// (software interrupts only).
    /// </summary>
    private void DeliverProtectedMode(int vector, uint errorCode, bool hasErrorCode, InterruptKind kind, uint returnEip)
    {
        uint ext = kind == InterruptKind.Software ? 0u : 1u;
        uint gateOffset = (uint)vector * 8;
        uint gateError = gateOffset + 2 + ext; // IDT bit (1) set, EXT in bit 0
        if (gateOffset + 7 > IdtLimit) Fault(Vector.GP, gateError);
        var gate = new Descriptor(ReadSystem(IdtBase + gateOffset, 4), ReadSystem(IdtBase + gateOffset + 4, 4));
        int type = gate.IsCodeOrData ? -1 : gate.Type;
        if (type is not (SystemType.TaskGate or SystemType.InterruptGate16 or SystemType.TrapGate16
            or SystemType.InterruptGate32 or SystemType.TrapGate32))
            Fault(Vector.GP, gateError);
        if (kind == InterruptKind.Software && gate.Dpl < Cpl) Fault(Vector.GP, gateError);
        if (!gate.Present) Fault(Vector.NP, gateError);

        if (type == SystemType.TaskGate)
            InterruptThroughTaskGate(gate.GateSelector, errorCode, hasErrorCode, returnEip);
        else
            InterruptThroughGate(gate, errorCode, hasErrorCode, ext, returnEip);
    }

    /// <summary>
    /// Interrupt and trap gates: to the same privilege level, to an inner one with the stack from
    /// the TSS, or out of virtual-8086 mode to a ring-0 monitor (SDM vol. 3, 6.12.1, 20.3.1.1).
    /// Faults here carry EXT as <paramref name="ext"/> says.
    /// </summary>
    private void InterruptThroughGate(Descriptor gate, uint errorCode, bool hasErrorCode, uint ext, uint returnEip)
    {
        int size = gate.Gate32 ? 4 : 2;
        bool interruptGate = (gate.Type & 1) == 0;
        ushort selector = gate.GateSelector;
        uint offset = gate.GateOffset;

        var code = ReadGateTarget(selector, out uint codeAddress, ext);
        if (!code.Present) FaultSelector(Vector.NP, selector, ext);
        bool fromV86 = V86Mode;
        bool toInnerRing = !code.IsConforming && code.Dpl < Cpl;
        // From virtual-8086 mode only a non-conforming ring-0 segment will do (SDM vol. 2, INT n).
        if (fromV86 && (!toInnerRing || code.Dpl != 0)) FaultSelector(Vector.GP, selector, ext);
        int newCpl = toInnerRing ? code.Dpl : Cpl;

        Span<uint> frame = stackalloc uint[10];
        frame = frame[..CollectInterruptFrame(frame, fromV86, toInnerRing, returnEip, errorCode, hasErrorCode)];

        SegmentCache stack;
        uint stackAddress = 0;
        Descriptor stackDescriptor = default;
        ushort newSs = 0;
        uint sp;
        if (toInnerRing)
        {
            stackDescriptor = ReadInnerStackSegment(newCpl, out newSs, out uint newEsp, out stackAddress, ext);
            stack = stackDescriptor.WithAccessed().ToCache(newSs);
            sp = CheckFrame(in stack, newEsp, frame, size, newCpl == 3, (newSs & 0xFFFCu) | ext);
        }
        else
        {
            stack = Segs[Seg.SS];
            sp = CheckFrame(in stack, Gpr[ESP], frame, size, newCpl == 3, ext);
        }
        if (offset > code.Limit) Fault(Vector.GP, ext);

        // Everything is checked: commit. The frame first, then the accessed bits (code, stack).
        WriteFrame(in stack, sp, frame, size, newCpl == 3);
        code = SetAccessedBit(code, codeAddress);
        if (toInnerRing) LoadStackSegment(newSs, stackDescriptor, stackAddress, newCpl);
        SetStackPointer(sp);
        if (fromV86)
        {
            // The monitor must not use the virtual-8086 task's segments (SDM vol. 3, 20.3.1.1).
            ReadOnlySpan<int> data = [Seg.ES, Seg.DS, Seg.FS, Seg.GS];
            foreach (int s in data) LoadNullSegment(s, 0);
        }
        LoadCodeSegment(selector, code, codeAddress, newCpl);
        Eflags &= ~(Flags.TF | Flags.NT | Flags.RF | Flags.VM);
        if (interruptGate) Eflags &= ~Flags.IF;
        NextEip = offset;
    }

    /// <summary>
    /// The values an interrupt pushes, first pushed first (SDM vol. 3, figures 6-4 and 20-5):
    /// GS, FS, DS, ES when leaving virtual-8086 mode; SS and ESP on a stack switch; then EFLAGS,
    /// CS, EIP and the error code if any. Returns how many there are.
    /// </summary>
    private int CollectInterruptFrame(Span<uint> frame, bool fromV86, bool toInnerRing, uint returnEip, uint errorCode, bool hasErrorCode)
    {
        int n = 0;
        if (fromV86)
        {
            frame[n++] = Segs[Seg.GS].Selector;
            frame[n++] = Segs[Seg.FS].Selector;
            frame[n++] = Segs[Seg.DS].Selector;
            frame[n++] = Segs[Seg.ES].Selector;
        }
        if (toInnerRing)
        {
            frame[n++] = Segs[Seg.SS].Selector;
            frame[n++] = Gpr[ESP];
        }
        frame[n++] = Eflags;
        frame[n++] = Segs[Seg.CS].Selector;
        frame[n++] = returnEip;
        if (hasErrorCode) frame[n++] = errorCode;
        return n;
    }

    /// <summary>
    /// A task gate: switch to the task (nesting it), then push the error code on the new task's
    /// stack, as wide as the new TSS (SDM vol. 3, 6.12.2).
    /// </summary>
    private void InterruptThroughTaskGate(ushort tssSelector, uint errorCode, bool hasErrorCode, uint returnEip)
    {
        TaskSwitch(tssSelector, TaskSwitchSource.Interrupt, returnEip);
        if (!hasErrorCode) return;
        if (Tss32) Push32(errorCode); else Push16((ushort)errorCode);
    }

    /// <summary>
    /// Checks that <paramref name="values"/> can be pushed from <paramref name="sp"/> on the stack
    /// <paramref name="ss"/> (limits, then pages), raising #SS(<paramref name="stackError"/>) or
    /// #PF; returns the new stack pointer. Nothing is written.
    /// </summary>
    private uint CheckFrame(in SegmentCache ss, uint sp, ReadOnlySpan<uint> values, int size, bool user, uint stackError)
    {
        uint mask = ss.Big ? 0xFFFF_FFFFu : 0xFFFFu;
        uint at = sp;
        for (int k = 0; k < values.Length; k++)
        {
            at = (at - (uint)size) & mask;
            if (!ss.CanWrite || at < ss.MinOffset || (ulong)at + (uint)(size - 1) > ss.MaxOffset)
                Fault(Vector.SS, stackError);
        }
        uint probe = sp;
        for (int k = 0; k < values.Length; k++)
        {
            probe = (probe - (uint)size) & mask;
            uint lin = ss.Base + probe;
            Translate(lin, write: true, user);
            if (((lin + (uint)size - 1) ^ lin) >> 12 != 0) Translate(lin + (uint)size - 1, write: true, user);
        }
        return at;
    }

    /// <summary>Writes a frame that <see cref="CheckFrame"/> accepted.</summary>
    private void WriteFrame(in SegmentCache ss, uint newSp, ReadOnlySpan<uint> values, int size, bool user)
    {
        uint mask = ss.Big ? 0xFFFF_FFFFu : 0xFFFFu;
        uint at = newSp;
        for (int k = values.Length - 1; k >= 0; k--)
        {
            WriteLinearSlow(ss.Base + at, size, size == 2 ? values[k] & 0xFFFF : values[k], user);
            at = (at + (uint)size) & mask;
        }
    }
}
