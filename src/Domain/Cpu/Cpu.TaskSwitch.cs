namespace HexEmu.Domain.Cpu;

/// <summary>Why a task switch happens: decides busy bits, the back link and NT (SDM vol. 3, 7.3, table 7-2).</summary>
public enum TaskSwitchSource { Jump, Call, Interrupt, Iret }

/// <summary>
/// Hardware task switching (SDM vol. 3, chapter 7): the current state is saved in the current
/// TSS, the new task's state loaded from its TSS. Up to the moment TR changes every check is
/// made before anything is written (faults there belong to the old task); afterwards, errors in
/// the new task's segment registers are raised in the new task's context (table 7-1).
/// </summary>
public sealed partial class Cpu
{
    // 32-bit TSS layout (SDM vol. 3, figure 7-2).
    private const uint Tss32Cr3 = 0x1C, Tss32Eip = 0x20, Tss32Eflags = 0x24, Tss32Gpr = 0x28, Tss32Seg = 0x48,
        Tss32Ldt = 0x60, Tss32MinLimit = 0x67;
    // 16-bit TSS layout (SDM vol. 3, figure 7-11): no FS, GS or CR3.
    private const uint Tss16Ip = 0x0E, Tss16Flags = 0x10, Tss16Gpr = 0x12, Tss16Seg = 0x22, Tss16Ldt = 0x2A,
        Tss16MinLimit = 0x2B;
    /// <summary>The busy bit of a TSS descriptor (type bit 1, SDM vol. 3, 7.2.2).</summary>
    internal const uint DescriptorBusy = 0x200;

    /// <summary>
    /// Switches to the task whose TSS descriptor <paramref name="tssSelector"/> names, saving the
    /// address of the next instruction as the old task's EIP. Checked here: the selector is global
    /// and within the GDT, names a TSS that is available (busy for IRET), present, and large enough.
    /// Privilege checks (TSS or task-gate DPL against CPL and RPL) are the caller's.
    /// </summary>
    /// <summary>Offset of the word whose bit 0 is the T (debug trap) flag in a 32-bit TSS.</summary>
    private const uint Tss32TrapWord = 0x64;

    public void TaskSwitch(ushort tssSelector, TaskSwitchSource source) => TaskSwitch(tssSelector, source, NextEip);

    /// <summary>The task switch with an explicit return address for the old task (a fault's EIP when an exception switches tasks).</summary>
    internal void TaskSwitch(ushort tssSelector, TaskSwitchSource source, uint oldEip)
    {
        bool iret = source == TaskSwitchSource.Iret;
        // IRET's back link is reported with #TS, the other sources with #GP (SDM vol. 2, IRET, JMP, CALL, INT).
        int badSelector = iret ? Vector.TS : Vector.GP;
        var tss = ReadTssDescriptor(tssSelector, badSelector, busy: iret, out uint tssAddress);
        _tracer?.TaskSwitch(tssSelector, tss.Type, source);
        bool new32 = tss.Type is SystemType.Tss32Available or SystemType.Tss32Busy;
        if (tss.Limit < (new32 ? Tss32MinLimit : Tss16MinLimit)) FaultSelector(Vector.TS, tssSelector);

        bool old32 = Tss32;
        uint oldBase = Tr.Base, newBase = tss.Base;
        bool nesting = source is TaskSwitchSource.Call or TaskSwitchSource.Interrupt;

        // Both TSSs must be reachable before anything changes (SDM vol. 3, 7.3 step 4).
        ProbeSystem(oldBase + (old32 ? Tss32Eip : Tss16Ip), old32 ? Tss32Seg + 24 - Tss32Eip : Tss16Ldt - Tss16Ip, write: true);
        ProbeSystem(newBase, new32 ? Tss32MinLimit + 1 : Tss16MinLimit + 1, write: nesting);

        // Read the new task's state.
        Span<uint> gpr = stackalloc uint[8];
        Span<ushort> sel = stackalloc ushort[Seg.Count];
        ReadTaskState(newBase, new32, gpr, sel, out uint newEip, out uint newFlags, out uint newCr3, out ushort newLdt);

        // Leave the old task: busy bit, then its dynamic state (SDM vol. 3, 7.3 steps 5–8).
        if ((source is TaskSwitchSource.Jump or TaskSwitchSource.Iret) && (Tr.Selector & 0xFFFC) != 0)
        {
            uint oldDescriptor = GdtBase + (Tr.Selector & 0xFFF8u);
            WriteSystem(oldDescriptor + 4, 4, ReadSystem(oldDescriptor + 4, 4) & ~DescriptorBusy);
        }
        SaveTaskState(oldBase, old32, oldEip, iret ? Eflags & ~Flags.NT : Eflags);
        if (nesting)
        {
            WriteSystem(newBase, 2, Tr.Selector);
            newFlags |= Flags.NT;
        }
        uint newHigh = tss.High;
        if (!iret)
        {
            newHigh |= DescriptorBusy;
            WriteSystem(tssAddress + 4, 4, newHigh);
        }
        Tr = new Descriptor(tss.Low, newHigh).ToCache(tssSelector);
        Cr0 |= CR0.TS;

        // Enter the new task. From here on, faults belong to it.
        if (new32 && PagingEnabled)
        {
            Cr3 = newCr3;
            FlushTlb();
        }
        Eip = NextEip = newEip;
        Eflags = (newFlags & Flags.Implemented) | Flags.Reserved1;
        for (int r = 0; r < 8; r++) Gpr[r] = gpr[r];
        LoadTaskSegments(sel, newLdt);
        if (NextEip > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        // The debug trap flag of a 32-bit TSS: #DB once the switch is complete, before the new
        // task's first instruction, with DR6.BT set (SDM vol. 3, 7.2.1 and 18.3.1.5).
        if (new32 && (ReadSystem(newBase + Tss32TrapWord, 2) & 1) != 0) TaskSwitchTrapPending = true;
        EndBlock();
    }

    /// <summary>
    /// Reads the state a TSS holds (SDM vol. 3, figures 7-2 and 7-11): EIP, EFLAGS, the general
    /// registers, the segment selectors and the LDT selector, and CR3 from a 32-bit TSS. A 16-bit
    /// TSS has no FS, GS or CR3: those selectors read as null and CR3 as 0.
    /// </summary>
    private void ReadTaskState(uint tssBase, bool tss32, Span<uint> gpr, Span<ushort> sel,
        out uint eip, out uint flags, out uint cr3, out ushort ldt)
    {
        if (tss32)
        {
            cr3 = ReadSystem(tssBase + Tss32Cr3, 4);
            eip = ReadSystem(tssBase + Tss32Eip, 4);
            flags = ReadSystem(tssBase + Tss32Eflags, 4);
            for (int r = 0; r < 8; r++) gpr[r] = ReadSystem(tssBase + Tss32Gpr + (uint)r * 4, 4);
            for (int s = 0; s < Seg.Count; s++) sel[s] = (ushort)ReadSystem(tssBase + Tss32Seg + (uint)s * 4, 2);
            ldt = (ushort)ReadSystem(tssBase + Tss32Ldt, 2);
            return;
        }
        cr3 = 0;
        eip = ReadSystem(tssBase + Tss16Ip, 2);
        flags = ReadSystem(tssBase + Tss16Flags, 2);
        // The upper halves of the registers read as ones from a 16-bit TSS (what the 386 does
        // and test386 checks).
        for (int r = 0; r < 8; r++) gpr[r] = 0xFFFF_0000 | ReadSystem(tssBase + Tss16Gpr + (uint)r * 2, 2);
        for (int s = 0; s < 4; s++) sel[s] = (ushort)ReadSystem(tssBase + Tss16Seg + (uint)s * 2, 2);
        sel[Seg.FS] = sel[Seg.GS] = 0;
        ldt = (ushort)ReadSystem(tssBase + Tss16Ldt, 2);
    }

    /// <summary>
    /// Saves the dynamic state of the task being left in its TSS (SDM vol. 3, 7.3 step 8): EIP,
    /// EFLAGS, the general registers and the segment selectors, as words in a 16-bit TSS (which
    /// has no FS or GS).
    /// </summary>
    private void SaveTaskState(uint tssBase, bool tss32, uint eip, uint flags)
    {
        if (tss32)
        {
            WriteSystem(tssBase + Tss32Eip, 4, eip);
            WriteSystem(tssBase + Tss32Eflags, 4, flags);
            for (int r = 0; r < 8; r++) WriteSystem(tssBase + Tss32Gpr + (uint)r * 4, 4, Gpr[r]);
            for (int s = 0; s < Seg.Count; s++) WriteSystem(tssBase + Tss32Seg + (uint)s * 4, 2, Segs[s].Selector);
            return;
        }
        WriteSystem(tssBase + Tss16Ip, 2, eip & 0xFFFF);
        WriteSystem(tssBase + Tss16Flags, 2, flags & 0xFFFF);
        for (int r = 0; r < 8; r++) WriteSystem(tssBase + Tss16Gpr + (uint)r * 2, 2, Gpr[r] & 0xFFFF);
        for (int s = 0; s < 4; s++) WriteSystem(tssBase + Tss16Seg + (uint)s * 2, 2, Segs[s].Selector);
    }

    /// <summary>
    /// Loads LDTR and the segment registers of the task just entered (SDM vol. 3, 7.3 step 11 and
    /// table 7-1): selectors first, with unusable caches, so that a fault on one register leaves the
    /// new task's selectors in place; then each descriptor with its checks.
    /// </summary>
    private void LoadTaskSegments(ReadOnlySpan<ushort> sel, ushort ldt)
    {
        Ldtr = SegmentCache.Null(ldt);
        for (int s = 0; s < Seg.Count; s++) LoadNullSegment(s, sel[s]);

        LoadTaskLdt(ldt);
        if (V86Mode)
        {
            for (int s = 0; s < Seg.Count; s++) LoadSegmentReal(s, sel[s]); // CPL 3
            return;
        }
        ushort cs = sel[Seg.CS];
        int cpl = cs & 3;
        SetCpl(cpl); // the new task's privilege level: the data segment checks below are made at it
        var code = ReadCodeSegmentForRpl(cs, Vector.TS, lowestRpl: 0, out uint codeAddress);
        LoadCodeSegment(cs, code, codeAddress, cpl);
        ushort ss = sel[Seg.SS];
        var stack = ReadStackSegment(ss, cpl, Vector.TS, out uint stackAddress);
        LoadStackSegment(ss, stack, stackAddress, cpl);
        ReadOnlySpan<int> data = [Seg.ES, Seg.DS, Seg.FS, Seg.GS];
        foreach (int s in data) LoadDataSegment(s, sel[s], Vector.TS);
    }

    /// <summary>The new task's LDT: a null selector is allowed (using it faults later); anything else must name a present LDT, else #TS(selector).</summary>
    private void LoadTaskLdt(ushort ldt)
    {
        if ((ldt & 0xFFFC) == 0) return;
        var d = ReadLdtDescriptor(ldt, Vector.TS);
        if (!d.Present) FaultSelector(Vector.TS, ldt);
        Ldtr = d.ToCache(ldt);
    }

    /// <summary>Raises the page fault an access to <paramref name="length"/> bytes of a system structure would raise.</summary>
    private void ProbeSystem(uint linear, uint length, bool write)
    {
        uint last = linear + length - 1;
        for (uint page = linear & ~0xFFFu; ; page += 0x1000)
        {
            Translate(page < linear ? linear : page, write, user: false);
            if ((page ^ last) >> 12 == 0 || page + 0x1000 == 0) break;
        }
    }
}
