using HexEmu.Domain.State;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Saving and loading the processor: every architectural register and every hidden one that
/// decides what the next instruction does (segment descriptor caches with their precomputed
/// rights, descriptor table registers, HLT and interrupt-shadow state, the instruction count).
/// Caches derived from that state (TLB, decoded blocks) are not saved; loading rebuilds them.
/// </summary>
public sealed partial class Cpu
{
    public const string StateSection = "cpu";
    /// <summary>Bump when the payload layout changes; <see cref="LoadState"/> reads versions up to this.</summary>
    public const ushort StateVersion = 2; // 2 added the pending task-switch debug trap
    private const int SegmentCacheBytes = 22;
    private const int StatePayloadBytes = 10 * 4 + 8 * SegmentCacheBytes + 4 * 4 + 4 * 4 + 8 * 4 + 2 * 8 + 5;

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        foreach (uint r in Gpr) w.WriteU32(r);
        w.WriteU32(Eip);
        w.WriteU32(Eflags);
        foreach (var s in Segs) WriteSegment(w, s);
        w.WriteU32(GdtBase);
        w.WriteU32(GdtLimit);
        w.WriteU32(IdtBase);
        w.WriteU32(IdtLimit);
        WriteSegment(w, Ldtr);
        WriteSegment(w, Tr);
        w.WriteU32(Cr0);
        w.WriteU32(Cr2);
        w.WriteU32(Cr3);
        w.WriteU32(Cr4);
        foreach (uint d in Dr) w.WriteU32(d);
        w.WriteI64(Icount);
        w.WriteI64(TscOffset);
        w.WriteBool(Halted);
        w.WriteBool(InterruptShadow);
        w.WriteBool(ShutdownRequested);
        w.WriteU8((byte)Cpl);
        w.WriteBool(TaskSwitchTrapPending);
        w.EndSection();
    }

    /// <summary>
    /// Loads the processor from <paramref name="r"/>'s "cpu" section, then rebuilds what was
    /// derived from the old state. A malformed section leaves the CPU exactly as it was.
    /// </summary>
    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, section =>
        {
            if (section.Version != StateVersion)
                throw new StateFormatException($"section '{StateSection}' has version {section.Version}; this build reads only version {StateVersion}");
            section.ExpectLength(StatePayloadBytes);
            Read(section);
        });
        AfterStateLoaded();
    }

    private void Read(SectionReader s)
    {
        for (int i = 0; i < Gpr.Length; i++) Gpr[i] = s.ReadU32();
        Eip = NextEip = s.ReadU32();
        Eflags = s.ReadU32();
        for (int i = 0; i < Segs.Length; i++) Segs[i] = ReadSegment(s);
        GdtBase = s.ReadU32();
        GdtLimit = s.ReadU32();
        IdtBase = s.ReadU32();
        IdtLimit = s.ReadU32();
        Ldtr = ReadSegment(s);
        Tr = ReadSegment(s);
        Cr0 = s.ReadU32();
        Cr2 = s.ReadU32();
        Cr3 = s.ReadU32();
        Cr4 = s.ReadU32();
        for (int i = 0; i < Dr.Length; i++) Dr[i] = s.ReadU32();
        Icount = s.ReadI64();
        TscOffset = s.ReadI64();
        Halted = s.ReadBool();
        InterruptShadow = s.ReadBool();
        ShutdownRequested = s.ReadBool();
        int cpl = s.ReadU8();
        if (cpl > 3) throw new StateFormatException($"section '{StateSection}': CPL {cpl}");
        Cpl = cpl;
        TaskSwitchTrapPending = s.ReadBool();
        s.End();
    }

    /// <summary>The post-load hook: TLB tags for the loaded CPL and paging state, no stale decoded code.</summary>
    private void AfterStateLoaded()
    {
        SetCpl(Cpl);
        FlushTlb();
        FlushCodeCache();
        _exitBlock = false;
        _stopRequested = false;
        Debug.ForgetPending(); // a watch hit of the state left behind
    }

    /// <summary>A segment register's selector and hidden cache, including the rights and bounds precomputed at load time.</summary>
    private static void WriteSegment(StateWriter w, in SegmentCache s)
    {
        w.WriteU16(s.Selector);
        w.WriteU32(s.Base);
        w.WriteU32(s.Limit);
        w.WriteU16(s.Attributes);
        w.WriteU32(s.MinOffset);
        w.WriteU32(s.MaxOffset);
        w.WriteBool(s.CanRead);
        w.WriteBool(s.CanWrite);
    }

    private static SegmentCache ReadSegment(SectionReader r) => new()
    {
        Selector = r.ReadU16(),
        Base = r.ReadU32(),
        Limit = r.ReadU32(),
        Attributes = r.ReadU16(),
        MinOffset = r.ReadU32(),
        MaxOffset = r.ReadU32(),
        CanRead = r.ReadBool(),
        CanWrite = r.ReadBool(),
    };
}
