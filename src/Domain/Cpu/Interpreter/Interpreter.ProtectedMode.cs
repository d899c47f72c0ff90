namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// LGDT, LIDT, SGDT, SIDT, LLDT, SLDT, LTR, STR, LAR, LSL, VERR, VERW, ARPL, LMSW, SMSW, CLTS
/// (SDM vol. 3, 2.8; vol. 2 instruction pages). LLDT, SLDT, LTR, STR, LAR, LSL, VERR, VERW and
/// ARPL are not recognised in real-address or virtual-8086 mode (#UD).
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterProtectedMode(DispatchTable.Registrar r)
    {
        r.Add([Code.Lgdt_m1632_16, Code.Lgdt_m1632], &Lgdt);
        r.Add([Code.Lidt_m1632_16, Code.Lidt_m1632], &Lidt, endsBlock: true);
        r.Add([Code.Sgdt_m1632_16, Code.Sgdt_m1632], &Sgdt);
        r.Add([Code.Sidt_m1632_16, Code.Sidt_m1632], &Sidt);
        r.Add([Code.Lldt_rm16, Code.Lldt_r32m16], &Lldt);
        r.Add([Code.Sldt_rm16, Code.Sldt_r32m16], &Sldt);
        r.Add([Code.Ltr_rm16, Code.Ltr_r32m16], &Ltr);
        r.Add([Code.Str_rm16, Code.Str_r32m16], &Str);
        r.Add([Code.Lar_r16_rm16, Code.Lar_r32_r32m16], &Lar);
        r.Add([Code.Lsl_r16_rm16, Code.Lsl_r32_r32m16], &Lsl);
        r.Add([Code.Verr_rm16, Code.Verr_r32m16], &Verr);
        r.Add([Code.Verw_rm16, Code.Verw_r32m16], &Verw);
        r.Add([Code.Arpl_rm16_r16, Code.Arpl_r32m16_r32], &Arpl);
        r.Add([Code.Lmsw_rm16, Code.Lmsw_r32m16], &Lmsw, endsBlock: true);
        r.Add([Code.Smsw_rm16, Code.Smsw_r32m16], &Smsw);
        r.Add(Code.Clts, &Clts, endsBlock: true);
    }

    /// <summary>#UD in real-address and virtual-8086 mode, where the instruction is not recognised.</summary>
    private static void RequireProtectedMode(Cpu c)
    {
        if (!c.ProtectedMode || c.V86Mode) c.Fault(Vector.UD);
    }

    // ---- descriptor table registers ----

    /// <summary>
    /// Reads a 6-byte pseudo-descriptor: 16-bit limit, then the base; with a 16-bit operand size
    /// only 24 bits of base are used (SDM vol. 2, LGDT/LIDT). CPL 0 only.
    /// </summary>
    private static void ReadPseudoDescriptor(Cpu c, ref Insn i, out uint limit, out uint tableBase)
    {
        RequireCpl0(c);
        uint ea = c.EffectiveAddress(ref i);
        limit = c.Read16(i.Seg, ea);
        tableBase = c.Read32(i.Seg, i.Addr32 ? ea + 2 : (ea + 2) & 0xFFFF);
        if (!i.Op32) tableBase &= 0x00FF_FFFF;
    }

    private static void Lgdt(Cpu c, ref Insn i)
    {
        ReadPseudoDescriptor(c, ref i, out uint limit, out uint tableBase);
        c.GdtLimit = limit;
        c.GdtBase = tableBase;
    }

    private static void Lidt(Cpu c, ref Insn i)
    {
        ReadPseudoDescriptor(c, ref i, out uint limit, out uint tableBase);
        c.IdtLimit = limit;
        c.IdtBase = tableBase;
    }

    /// <summary>
    /// Stores a 6-byte pseudo-descriptor; with a 16-bit operand size the 386 and later store 24
    /// bits of base and a zero top byte (the 286 stored 0xFF there: SDM vol. 2, SGDT,
    /// compatibility). Not privileged. Both parts are checked before either is written.
    /// </summary>
    private static void StorePseudoDescriptor(Cpu c, ref Insn i, uint limit, uint tableBase)
    {
        uint ea = c.EffectiveAddress(ref i);
        uint baseAt = i.Addr32 ? ea + 2 : (ea + 2) & 0xFFFF;
        c.CheckAccess(i.Seg, ea, 2, write: true);
        c.CheckAccess(i.Seg, baseAt, 4, write: true);
        if (!i.Op32) tableBase &= 0x00FF_FFFF;
        c.Write16(i.Seg, ea, (ushort)limit);
        c.Write32(i.Seg, baseAt, tableBase);
    }

    private static void Sgdt(Cpu c, ref Insn i) => StorePseudoDescriptor(c, ref i, c.GdtLimit, c.GdtBase);

    private static void Sidt(Cpu c, ref Insn i) => StorePseudoDescriptor(c, ref i, c.IdtLimit, c.IdtBase);

    // ---- LDTR and TR ----

    /// <summary>
    /// LLDT r/m16 (SDM vol. 2, LLDT): CPL 0 only (#GP(0)). A null selector leaves the LDTR
    /// unusable (any later LDT reference faults). Otherwise the selector must name the GDT
    /// (#GP(selector) for TI = 1), lie within it and be an LDT descriptor (#GP(selector)), which
    /// must be present (#NP(selector)).
    /// </summary>
    private static void Lldt(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        RequireCpl0(c);
        ushort selector = c.GetOp16(ref i, 0);
        if ((selector & 0xFFFC) == 0)
        {
            c.Ldtr = SegmentCache.Null(selector);
            return;
        }
        var d = c.ReadLdtDescriptor(selector, Vector.GP);
        if (!d.Present) c.FaultSelector(Vector.NP, selector);
        c.Ldtr = d.ToCache(selector);
    }

    /// <summary>
    /// LTR r/m16 (SDM vol. 2, LTR): CPL 0 only (#GP(0)); a null selector is #GP(0); TI = 1, a
    /// selector outside the GDT, or anything but an available 16- or 32-bit TSS is
    /// #GP(selector); not present is #NP(selector). The TSS is marked busy, in the GDT and in TR.
    /// </summary>
    private static void Ltr(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        RequireCpl0(c);
        ushort selector = c.GetOp16(ref i, 0);
        if ((selector & 0xFFFC) == 0) c.Fault(Vector.GP, 0);
        var d = c.ReadTssDescriptor(selector, Vector.GP, busy: false, out uint address);
        var busy = new Descriptor(d.Low, d.High | Cpu.DescriptorBusy);
        c.WriteDescriptorHigh(address, busy.High);
        c.Tr = busy.ToCache(selector);
    }

    /// <summary>
    /// SLDT/STR: the selector is stored as a word in memory; a 32-bit register destination gets
    /// it zero-extended (the 386 left the upper half undefined; later processors clear it).
    /// </summary>
    private static void StoreSelector(Cpu c, ref Insn i, ushort selector)
    {
        RequireProtectedMode(c);
        if (i.Op0Kind == OperandKind.Register && i.Op32) c.Gpr[i.Reg0] = selector;
        else c.SetOp16(ref i, 0, selector);
    }

    private static void Sldt(Cpu c, ref Insn i) => StoreSelector(c, ref i, c.Ldtr.Selector);

    private static void Str(Cpu c, ref Insn i) => StoreSelector(c, ref i, c.Tr.Selector);

    // ---- LAR, LSL, VERR, VERW: probe a selector without faulting ----

    /// <summary>
    /// Reads the descriptor a selector names for LAR/LSL/VERR/VERW: false for a null selector or
    /// one outside its table (those instructions then clear ZF instead of faulting).
    /// </summary>
    private static bool TryProbe(Cpu c, ushort selector, out Descriptor d)
    {
        d = default;
        return (selector & 0xFFFC) != 0 && c.TryReadDescriptor(selector, out d, out _);
    }

    /// <summary>The selector's DPL check: DPL ≥ CPL and DPL ≥ RPL (conforming code segments skip it).</summary>
    private static bool Visible(Cpu c, ushort selector, Descriptor d) =>
        d.IsConforming || (d.Dpl >= c.Cpl && d.Dpl >= (selector & 3));

    /// <summary>
    /// LAR (SDM vol. 2, LAR): any code or data segment, and of system descriptors the TSSs
    /// (available or busy), LDTs, call gates and task gates; visible at CPL and RPL. ZF = 1 and
    /// the access rights (second dword masked with 0x00FFFF00, or 0xFF00 for 16 bits) loaded;
    /// else ZF = 0 and the destination unchanged. Bits 16–19 (limit 19:16) are "undefined" in
    /// the manual; we return them as stored, like Bochs.
    /// </summary>
    private static void Lar(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        ushort selector = c.GetOp16(ref i, 1);
        bool ok = TryProbe(c, selector, out var d) && LarAccepts(d) && Visible(c, selector, d);
        c.SetFlag(Flags.ZF, ok);
        if (!ok) return;
        if (i.Op32) c.Gpr[i.Reg0] = d.High & 0x00FF_FF00;
        else c.SetReg16(i.Reg0, (ushort)(d.High & 0xFF00));
    }

    private static bool LarAccepts(Descriptor d) => d.IsCodeOrData || d.Type is
        SystemType.Tss16Available or SystemType.Ldt or SystemType.Tss16Busy or SystemType.CallGate16 or
        SystemType.TaskGate or SystemType.Tss32Available or SystemType.Tss32Busy or SystemType.CallGate32;

    /// <summary>
    /// LSL (SDM vol. 2, LSL): any code or data segment, and of system descriptors only TSSs and
    /// LDTs (gates have no limit); visible at CPL and RPL. ZF = 1 and the byte-granular limit
    /// loaded (its low word for 16 bits); else ZF = 0 and the destination unchanged.
    /// </summary>
    private static void Lsl(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        ushort selector = c.GetOp16(ref i, 1);
        bool ok = TryProbe(c, selector, out var d) && LslAccepts(d) && Visible(c, selector, d);
        c.SetFlag(Flags.ZF, ok);
        if (!ok) return;
        if (i.Op32) c.Gpr[i.Reg0] = d.Limit;
        else c.SetReg16(i.Reg0, (ushort)d.Limit);
    }

    private static bool LslAccepts(Descriptor d) => d.IsCodeOrData || d.Type is
        SystemType.Tss16Available or SystemType.Ldt or SystemType.Tss16Busy or
        SystemType.Tss32Available or SystemType.Tss32Busy;

    /// <summary>
    /// VERR (SDM vol. 2, VERR/VERW): ZF = 1 when the segment is a data segment or readable code
    /// segment visible at CPL and RPL (a readable conforming code segment always is).
    /// </summary>
    private static void Verr(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        ushort selector = c.GetOp16(ref i, 0);
        bool ok = TryProbe(c, selector, out var d) && d.IsCodeOrData && d.IsReadable && Visible(c, selector, d);
        c.SetFlag(Flags.ZF, ok);
    }

    /// <summary>VERW: ZF = 1 when the segment is a writable data segment visible at CPL and RPL.</summary>
    private static void Verw(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        ushort selector = c.GetOp16(ref i, 0);
        bool ok = TryProbe(c, selector, out var d) && d.IsWritableData && Visible(c, selector, d);
        c.SetFlag(Flags.ZF, ok);
    }

    // ---- ARPL ----

    /// <summary>
    /// ARPL r/m16, r16 (SDM vol. 2, ARPL): when the destination's RPL is below the source's, it
    /// is raised to it and ZF = 1; else ZF = 0 and nothing is written. The destination is only
    /// written when it changes: like the 386 (and unlike Bochs), ARPL on a read-only segment
    /// that needs no change does not fault (test386 POST 0x17 checks this).
    /// </summary>
    private static void Arpl(Cpu c, ref Insn i)
    {
        RequireProtectedMode(c);
        ushort dest = c.GetOp16(ref i, 0);
        ushort src = (ushort)c.Gpr[i.Reg1];
        if ((dest & 3) < (src & 3))
        {
            c.SetOp16(ref i, 0, (ushort)((dest & 0xFFFC) | (src & 3)));
            c.SetFlag(Flags.ZF, true);
        }
        else c.SetFlag(Flags.ZF, false);
    }

    // ---- machine status word ----

    /// <summary>
    /// LMSW r/m16 (SDM vol. 2, LMSW): loads PE, MP, EM and TS from the operand's low 4 bits; PE
    /// can be set but not cleared. CPL 0 only (#GP(0), also in virtual-8086 mode).
    /// </summary>
    private static void Lmsw(Cpu c, ref Insn i)
    {
        RequireCpl0(c);
        uint msw = c.GetOp16(ref i, 0);
        uint keep = c.Cr0 & ~(CR0.MP | CR0.EM | CR0.TS);
        c.WriteCr0(keep | (msw & (CR0.PE | CR0.MP | CR0.EM | CR0.TS)));
    }

    /// <summary>
    /// SMSW (SDM vol. 2, SMSW): not privileged. Memory gets the low word of CR0; a 32-bit
    /// register gets all of CR0 (test386 compares it with MOV r32, CR0), a 16-bit one the low word.
    /// </summary>
    private static void Smsw(Cpu c, ref Insn i)
    {
        if (i.Op0Kind == OperandKind.Register && i.Op32) c.Gpr[i.Reg0] = c.Cr0;
        else c.SetOp16(ref i, 0, (ushort)c.Cr0);
    }

    /// <summary>CLTS: clears CR0.TS. CPL 0 only (#GP(0), also in virtual-8086 mode).</summary>
    private static void Clts(Cpu c, ref Insn i)
    {
        RequireCpl0(c);
        c.Cr0 &= ~CR0.TS;
        c.EndBlock();
    }
}
