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
    /// </summary>
    private void InterruptThroughGate(Descriptor gate, uint errorCode, bool hasErrorCode, uint ext, uint returnEip)
    {
        bool gate32 = (gate.Type & 8) != 0;
        bool interruptGate = (gate.Type & 1) == 0;
        ushort selector = gate.GateSelector;
        uint offset = gate32 ? gate.GateOffset : gate.GateOffset & 0xFFFF;
        uint selectorError = (selector & 0xFFFCu) + ext;

        if ((selector & 0xFFFC) == 0) Fault(Vector.GP, ext);
        if (!TryReadDescriptor(selector, out var code, out uint codeAddress)) Fault(Vector.GP, selectorError);
        if (!code.IsCode || code.Dpl > Cpl) Fault(Vector.GP, selectorError);
        if (!code.Present) Fault(Vector.NP, selectorError);

        bool fromV86 = V86Mode;
        bool toInnerRing = !code.IsConforming && code.Dpl < Cpl;
        // From virtual-8086 mode only a non-conforming ring-0 segment will do (SDM vol. 2, INT n).
        if (fromV86 && (!toInnerRing || code.Dpl != 0)) Fault(Vector.GP, selectorError);
        int newCpl = toInnerRing ? code.Dpl : Cpl;

        // The frame, first pushed first.
        Span<uint> frame = stackalloc uint[10];
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

        SegmentCache stack;
        uint stackAddress = 0;
        Descriptor stackDescriptor = default;
        uint sp;
        if (toInnerRing)
        {
            ReadInnerStack(newCpl, ext, out ushort newSs, out uint newEsp);
            stackDescriptor = CheckInnerStack(newSs, newCpl, ext, out stackAddress);
            stack = WithAccessed(stackDescriptor).ToCache(newSs);
            sp = CheckFrame(in stack, newEsp, frame[..n], gate32 ? 4 : 2, newCpl == 3, (newSs & 0xFFFCu) + ext);
        }
        else
        {
            stack = Segs[Seg.SS];
            sp = CheckFrame(in stack, Gpr[ESP], frame[..n], gate32 ? 4 : 2, newCpl == 3, ext);
        }
        var codeCache = WithAccessed(code).ToCache((ushort)((selector & 0xFFFC) | newCpl));
        if (offset > codeCache.MaxOffset) Fault(Vector.GP, ext);

        // Everything is checked: commit.
        WriteFrame(in stack, sp, frame[..n], gate32 ? 4 : 2, newCpl == 3);
        MarkAccessed(code, codeAddress);
        if (toInnerRing)
        {
            MarkAccessed(stackDescriptor, stackAddress);
            Segs[Seg.SS] = stack;
        }
        SetStackPointer(sp);
        if (fromV86)
        {
            Segs[Seg.DS] = Segs[Seg.ES] = Segs[Seg.FS] = Segs[Seg.GS] = NullSegment();
        }
        Segs[Seg.CS] = codeCache;
        SetCpl(newCpl);
        Eflags &= ~(Flags.TF | Flags.NT | Flags.RF | Flags.VM);
        if (interruptGate) Eflags &= ~Flags.IF;
        NextEip = offset;
    }

    /// <summary>
    /// A task gate: switch to the task (nesting it), then push the error code on the new task's
    /// stack, as wide as the new TSS (SDM vol. 3, 6.12.2).
    /// </summary>
    private void InterruptThroughTaskGate(ushort tssSelector, uint errorCode, bool hasErrorCode, uint returnEip)
    {
        TaskSwitch(tssSelector, TaskSwitchSource.Interrupt, returnEip);
        if (!hasErrorCode) return;
        bool tss32 = Tr.Type is SystemType.Tss32Available or SystemType.Tss32Busy;
        if (tss32) Push32(errorCode); else Push16((ushort)errorCode);
    }

    /// <summary>SS:ESP for ring <paramref name="cpl"/> from the current TSS (32- or 16-bit layout, SDM vol. 3, 7.2.1 and 7.6).</summary>
    private void ReadInnerStack(int cpl, uint ext, out ushort ss, out uint esp)
    {
        bool tss32 = Tr.Type is SystemType.Tss32Available or SystemType.Tss32Busy;
        uint at = tss32 ? (uint)cpl * 8 + 4 : (uint)cpl * 4 + 2;
        uint size = tss32 ? 8u : 4u;
        if (at + size - 1 > Tr.Limit) Fault(Vector.TS, (Tr.Selector & 0xFFFCu) + ext);
        if (tss32)
        {
            esp = ReadSystem(Tr.Base + at, 4);
            ss = (ushort)ReadSystem(Tr.Base + at + 4, 2);
        }
        else
        {
            esp = ReadSystem(Tr.Base + at, 2);
            ss = (ushort)ReadSystem(Tr.Base + at + 2, 2);
        }
    }

    /// <summary>The checks on a new inner stack from the TSS: #TS for a bad selector or descriptor, #SS when not present.</summary>
    private Descriptor CheckInnerStack(ushort ss, int cpl, uint ext, out uint address)
    {
        uint error = (ss & 0xFFFCu) + ext;
        if ((ss & 0xFFFC) == 0) Fault(Vector.TS, ext);
        if (!TryReadDescriptor(ss, out var d, out address)) Fault(Vector.TS, error);
        if ((ss & 3) != cpl || d.Dpl != cpl || !d.IsWritableData) Fault(Vector.TS, error);
        if (!d.Present) Fault(Vector.SS, error);
        return d;
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

    /// <summary>A null (unusable) data segment register, as loaded by interrupts out of V86 mode and returns to outer rings.</summary>
    private static SegmentCache NullSegment()
    {
        var s = new SegmentCache();
        s.Refresh(protectedMode: true);
        return s;
    }

    /// <summary>The descriptor with its accessed bit set, as the segment register will hold it.</summary>
    private static Descriptor WithAccessed(Descriptor d) => d.IsCodeOrData ? new Descriptor(d.Low, d.High | 0x100) : d;

    /// <summary>Sets the accessed bit of a code or data descriptor in its table when it is clear.</summary>
    private void MarkAccessed(Descriptor d, uint address)
    {
        if (d.IsCodeOrData && (d.High & 0x100) == 0) WriteDescriptorHigh(address, d.High | 0x100);
    }

    /// <summary>
    /// IRET in protected mode (SDM vol. 2, IRET pseudo-code): a return from a nested task when NT
    /// is set, into virtual-8086 mode when the popped EFLAGS has VM (CPL 0, 32-bit only), to the
    /// same or an outer privilege level otherwise; in virtual-8086 mode itself, IOPL 3 makes it a
    /// real-mode style return and anything less a #GP(0) to the monitor.
    /// </summary>
    private void InterruptReturnProtected(bool op32)
    {
        if (V86Mode) { InterruptReturnFromV86(op32); return; }
        if ((Eflags & Flags.NT) != 0)
        {
            ushort backLink = (ushort)ReadSystem(Tr.Base, 2);
            TaskSwitch(backLink, TaskSwitchSource.Iret);
            EndBlock();
            return;
        }
        uint eip, cs, flags;
        if (op32)
        {
            eip = Peek32();
            cs = Peek32(4) & 0xFFFF;
            flags = Peek32(8);
        }
        else
        {
            eip = Peek16();
            cs = Peek16(2);
            flags = Peek16(4);
        }
        if (op32 && (flags & Flags.VM) != 0 && Cpl == 0)
        {
            ReturnToV86(eip, (ushort)cs, flags);
            return;
        }
        ReturnToProtected(op32, eip, (ushort)cs, flags);
        EndBlock();
    }

    /// <summary>IRET executed in virtual-8086 mode: IOPL-sensitive; VM and IOPL keep their values (SDM vol. 3, 20.2.7).</summary>
    private void InterruptReturnFromV86(bool op32)
    {
        if (Iopl < 3) Fault(Vector.GP, 0);
        uint eip, cs, flags;
        if (op32)
        {
            eip = Peek32();
            cs = Peek32(4) & 0xFFFF;
            flags = Peek32(8);
        }
        else
        {
            eip = Peek16();
            cs = Peek16(2);
            flags = Peek16(4);
        }
        if (eip > 0xFFFF) Fault(Vector.GP, 0);
        SetStackPointer(Gpr[ESP] + (op32 ? 12u : 6u));
        LoadSegmentReal(Seg.CS, (ushort)cs);
        uint writable = Flags.Implemented & ~(Flags.VM | Flags.IOPL) & (op32 ? 0xFFFF_FFFFu : 0xFFFFu);
        Eflags = (Eflags & ~writable) | (flags & writable) | Flags.Reserved1;
        NextEip = eip;
        EndBlock();
    }

    /// <summary>
    /// RETURN-TO-VIRTUAL-8086-MODE: the 32-bit frame continues with ESP, SS, ES, DS, FS and GS;
    /// every EFLAGS bit is taken from the image and CPL becomes 3.
    /// </summary>
    private void ReturnToV86(uint eip, ushort cs, uint flags)
    {
        uint esp = Peek32(12);
        ushort ss = (ushort)Peek32(16);
        ushort es = (ushort)Peek32(20);
        ushort ds = (ushort)Peek32(24);
        ushort fs = (ushort)Peek32(28);
        ushort gs = (ushort)Peek32(32);
        if ((eip & 0xFFFF_0000) != 0) Fault(Vector.GP, 0);
        Eflags = (flags & Flags.Implemented) | Flags.Reserved1;
        LoadSegmentReal(Seg.ES, es);
        LoadSegmentReal(Seg.DS, ds);
        LoadSegmentReal(Seg.FS, fs);
        LoadSegmentReal(Seg.GS, gs);
        LoadSegmentReal(Seg.SS, ss);
        LoadSegmentReal(Seg.CS, cs); // sets CPL 3
        Gpr[ESP] = esp;
        NextEip = eip;
        EndBlock();
    }

    /// <summary>Protected-mode return to the same or an outer privilege level (SDM vol. 2, IRET: PROTECTED-MODE-RETURN).</summary>
    private void ReturnToProtected(bool op32, uint eip, ushort cs, uint flags)
    {
        if ((cs & 0xFFFC) == 0) Fault(Vector.GP, 0);
        uint csError = cs & 0xFFFCu;
        if (!TryReadDescriptor(cs, out var code, out uint codeAddress)) Fault(Vector.GP, csError);
        int rpl = cs & 3;
        if (!code.IsCode || rpl < Cpl) Fault(Vector.GP, csError);
        if (code.IsConforming ? code.Dpl > rpl : code.Dpl != rpl) Fault(Vector.GP, csError);
        if (!code.Present) Fault(Vector.NP, csError);
        if (!op32) eip &= 0xFFFF;
        var codeCache = WithAccessed(code).ToCache(cs);

        uint newFlags = ReturnedFlags(op32, flags);
        if (rpl == Cpl)
        {
            if (eip > codeCache.MaxOffset) Fault(Vector.GP, 0);
            MarkAccessed(code, codeAddress);
            SetStackPointer(Gpr[ESP] + (op32 ? 12u : 6u));
            Segs[Seg.CS] = codeCache;
            Eflags = newFlags;
            NextEip = eip;
            return;
        }

        // RETURN-TO-OUTER-PRIVILEGE-LEVEL: SS:ESP follow in the frame.
        uint esp = op32 ? Peek32(12) : Peek16(6);
        ushort ss = op32 ? (ushort)Peek32(16) : Peek16(8);
        uint ssError = ss & 0xFFFCu;
        if ((ss & 0xFFFC) == 0) Fault(Vector.GP, 0);
        if ((ss & 3) != rpl) Fault(Vector.GP, ssError);
        if (!TryReadDescriptor(ss, out var stack, out uint stackAddress)) Fault(Vector.GP, ssError);
        if (!stack.IsWritableData || stack.Dpl != rpl) Fault(Vector.GP, ssError);
        if (!stack.Present) Fault(Vector.SS, ssError);
        if (eip > codeCache.MaxOffset) Fault(Vector.GP, 0);

        MarkAccessed(code, codeAddress);
        MarkAccessed(stack, stackAddress);
        Segs[Seg.CS] = codeCache;
        Segs[Seg.SS] = WithAccessed(stack).ToCache(ss);
        SetStackPointer(op32 ? esp : esp & 0xFFFF);
        Eflags = newFlags;
        SetCpl(rpl);
        NullInaccessibleDataSegments();
        NextEip = eip;
    }

    /// <summary>
    /// EFLAGS after a protected-mode IRET that stays out of V86 mode: IOPL changes only at CPL 0,
    /// IF only when CPL ≤ IOPL, VM never (the 16-bit form changes only the low word).
    /// Evaluated with the CPL before the return.
    /// </summary>
    private uint ReturnedFlags(bool op32, uint image)
    {
        uint writable = Flags.Implemented & ~Flags.VM;
        if (!op32) writable &= 0xFFFF;
        if (Cpl != 0) writable &= ~Flags.IOPL;
        if (Cpl > Iopl) writable &= ~Flags.IF;
        return (Eflags & ~writable) | (image & writable) | Flags.Reserved1;
    }

    /// <summary>
    /// After a return to an outer ring, ES, DS, FS and GS holding data or non-conforming code
    /// segments more privileged than the new CPL become null (SDM vol. 2, IRET and RET).
    /// </summary>
    private void NullInaccessibleDataSegments()
    {
        ReadOnlySpan<int> segs = [Seg.ES, Seg.DS, Seg.FS, Seg.GS];
        foreach (int s in segs)
        {
            ref SegmentCache c = ref Segs[s];
            if ((c.Selector & 0xFFFC) == 0 && !c.Present) continue;
            bool dataOrNonConforming = !c.IsSystem && !c.IsConformingCode;
            if (dataOrNonConforming && c.Dpl < Cpl) c = NullSegment();
        }
    }
}
