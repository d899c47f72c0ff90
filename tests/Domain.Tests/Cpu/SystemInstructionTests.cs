using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using static HexEmu.Domain.Tests.CpuTests.ProtectedModeFixture;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// System instructions (SDM vol. 2 pages of LGDT … CLTS, MOV CR/DR, INVLPG; vol. 3, 2.5 and
/// 2.8), one instruction at a time through its handler.
/// </summary>
public class SystemInstructionTests
{
    private static readonly Raised GP0 = new(Vector.GP, 0);
    private static readonly Raised UD = new(Vector.UD, 0);
    private static Raised GP(uint e) => new(Vector.GP, e);
    private static Raised NP(uint e) => new(Vector.NP, e);

    private const uint Data = CpuHarness.DataAddress;

    /// <summary>A fixture switched to real mode (PE clear, CS base 0x10000).</summary>
    private static ProtectedModeFixture RealMode()
    {
        var f = new ProtectedModeFixture();
        var c = f.Cpu;
        c.Cr0 &= ~CR0.PE;
        for (int s = 0; s < Seg.Count; s++) c.LoadSegmentReal(s, 0);
        c.LoadSegmentReal(Seg.CS, (ushort)(CpuHarness.CodeAddress >> 4));
        return f;
    }

    /// <summary>A fixture in virtual-8086 mode (VM set, CPL 3).</summary>
    private static ProtectedModeFixture V86()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Eflags |= Flags.VM;
        for (int s = 0; s < Seg.Count; s++) f.Cpu.LoadSegmentReal(s, 0);
        f.Cpu.LoadSegmentReal(Seg.CS, (ushort)(CpuHarness.CodeAddress >> 4));
        return f;
    }

    private static bool ZF(ProtectedModeFixture f) => f.Cpu.GetFlag(Flags.ZF);

    // ---- GDTR and IDTR ----

    [Fact]
    public void LGDT_and_LIDT_load_limit_and_base_with_24_bit_base_for_16_bit_operands()
    {
        var f = new ProtectedModeFixture();
        f.Poke16(Data, 0x1234);
        f.Harness.Poke32(Data + 2, 0x89AB_CDEF);
        Assert.Null(f.Step(a => a.lgdt(__[Data])));
        Assert.Equal(0x1234u, f.Cpu.GdtLimit);
        Assert.Equal(0x89AB_CDEFu, f.Cpu.GdtBase);
        Assert.Null(f.Step(0x66, 0x0F, 0x01, 0x1D, 0x00, 0x00, 0x02, 0x00)); // o16 lidt [0x20000]
        Assert.Equal(0x1234u, f.Cpu.IdtLimit);
        Assert.Equal(0x00AB_CDEFu, f.Cpu.IdtBase);
    }

    [Fact]
    public void LGDT_needs_CPL_0_but_works_in_real_mode()
    {
        var f = new ProtectedModeFixture();
        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.lgdt(__[Data])));
        Assert.Equal(GP0, f.Step(a => a.lidt(__[Data])));
        var r = RealMode();
        r.Harness.Poke32(0x100, 0x5678_0017);
        Assert.Null(r.Step(0x66, 0x0F, 0x01, 0x16, 0x00, 0x01)); // o32 lgdt [0x100] (16-bit addressing)
        Assert.Equal(0x17u, r.Cpu.GdtLimit);
        Assert.Equal(0x5678u, r.Cpu.GdtBase & 0xFFFF);
        Assert.Equal(GP0, V86().Step(0x0F, 0x01, 0x16, 0x00, 0x01));
    }

    [Fact]
    public void SGDT_and_SIDT_store_the_full_base_or_24_bits_and_a_zero_byte()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.GdtBase = 0x89AB_CDEF;
        f.Cpu.GdtLimit = 0x0FFF;
        f.Cpu.IdtBase = 0x1234_5678;
        f.Cpu.IdtLimit = 0x07FF;
        f.Poke64(Data, ulong.MaxValue);
        f.Poke64(Data + 8, ulong.MaxValue);
        Assert.Null(f.Step(a => a.sgdt(__[Data])));
        Assert.Null(f.Step(0x66, 0x0F, 0x01, 0x0D, 0x08, 0x00, 0x02, 0x00)); // o16 sidt [0x20008]
        Assert.Equal(0x0FFF, f.Peek16(Data));
        Assert.Equal(0x89AB_CDEFu, f.Peek32(Data + 2));
        Assert.Equal(0x07FF, f.Peek16(Data + 8));
        Assert.Equal(0x0034_5678u, f.Peek32(Data + 10));
        f.EnterRing(3); // not privileged
        Assert.Null(f.Step(a => a.sgdt(__[Data])));
    }

    // ---- LDTR and TR ----

    [Fact]
    public void LLDT_loads_an_LDT_descriptor_and_a_null_selector_disables_the_LDT()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(12, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0));
        f.SetLdt(1, SegmentDescriptor(0x7000, 0xFFFF, DataRW, 0));
        f.Cpu.Gpr[X86Cpu.EAX] = 0x60;
        Assert.Null(f.Step(a => a.lldt(ax)));
        Assert.Equal(0x60, f.Cpu.Ldtr.Selector);
        Assert.Equal(LdtBase, f.Cpu.Ldtr.Base);
        Assert.Equal(0x1Fu, f.Cpu.Ldtr.Limit);
        f.Cpu.LoadSegment(Seg.DS, 0x0C);
        Assert.Equal(0x7000u, f.Cpu.Segs[Seg.DS].Base);

        f.Cpu.Gpr[X86Cpu.EAX] = 0x0003;
        Assert.Null(f.Step(a => a.lldt(ax)));
        Assert.Equal(GP(0x0C), f.Catch(c => c.LoadSegment(Seg.DS, 0x0C)));
    }

    [Fact]
    public void LLDT_faults()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(12, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0, present: false));
        f.SetGdt(13, SystemDescriptor(TssBase, 0x67, SystemType.Tss32Available, 0));
        Raised? Lldt(ushort sel)
        {
            f.Cpu.Gpr[X86Cpu.EAX] = sel;
            return f.Step(a => a.lldt(ax));
        }
        Assert.Equal(NP(0x60), Lldt(0x60));
        Assert.Equal(GP(0x68), Lldt(0x68));       // a TSS, not an LDT
        Assert.Equal(GP(0x10), Lldt(FlatData0));
        Assert.Equal(GP(0x64), Lldt(0x64));       // TI = 1
        Assert.Equal(GP(0x400), Lldt(0x400));     // beyond the GDT
        f.EnterRing(3);
        Assert.Equal(GP0, Lldt(0));
        Assert.Equal(UD, RealMode().Step(0x0F, 0x00, 0xD0)); // lldt ax
        Assert.Equal(UD, V86().Step(0x0F, 0x00, 0xD0));
    }

    [Fact]
    public void LTR_loads_an_available_TSS_and_marks_it_busy()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(12, SystemDescriptor(TssBase, 0x67, SystemType.Tss32Available, 0));
        f.Cpu.Gpr[X86Cpu.EAX] = 0x60;
        Assert.Null(f.Step(a => a.ltr(ax)));
        Assert.Equal(0x60, f.Cpu.Tr.Selector);
        Assert.Equal(TssBase, f.Cpu.Tr.Base);
        Assert.Equal(SystemType.Tss32Busy, f.Cpu.Tr.Type);
        Assert.Equal((ulong)SystemType.Tss32Busy, (f.Gdt(12) >> 40) & 0xF);
        Assert.Equal(GP(0x60), f.Step(a => a.ltr(ax))); // now busy
    }

    [Fact]
    public void LTR_faults()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(12, SystemDescriptor(TssBase, 0x2B, SystemType.Tss16Available, 0, present: false));
        f.SetGdt(13, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0));
        Raised? Ltr(ushort sel)
        {
            f.Cpu.Gpr[X86Cpu.EAX] = sel;
            return f.Step(a => a.ltr(ax));
        }
        Assert.Equal(GP0, Ltr(0));
        Assert.Equal(GP0, Ltr(3));
        Assert.Equal(NP(0x60), Ltr(0x60));
        Assert.Equal(GP(0x68), Ltr(0x68));
        Assert.Equal(GP(0x6C), Ltr(0x6C));  // TI = 1
        f.EnterRing(3);
        Assert.Equal(GP0, Ltr(0x60));
        Assert.Equal(UD, RealMode().Step(0x0F, 0x00, 0xD8)); // ltr ax
    }

    [Fact]
    public void SLDT_and_STR_store_the_selectors()
    {
        var f = new ProtectedModeFixture();
        f.InstallLdt(12);
        f.InstallTss32(13, FlatData0, 0x7000);
        f.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF;
        Assert.Null(f.Step(a => a.sldt(ax)));
        Assert.Equal(0xFFFF_0060u, f.Cpu.Gpr[X86Cpu.EAX]);
        Assert.Null(f.Step(a => a.str(eax)));
        Assert.Equal(0x68u, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Harness.Poke32(Data, 0xFFFF_FFFF);
        Assert.Null(f.Step(a => a.sldt(__word_ptr[Data])));
        Assert.Equal(0xFFFF_0060u, f.Peek32(Data));
        Assert.Equal(UD, RealMode().Step(0x0F, 0x00, 0xC0)); // sldt ax
        Assert.Equal(UD, V86().Step(0x0F, 0x00, 0xC8));      // str ax
    }

    // ---- LAR, LSL, VERR, VERW ----

    [Fact]
    public void LAR_loads_the_access_rights_of_visible_segments_and_accepted_system_types()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(12, 0x1234_5678, 0xABCDE, DataRW | 0x60, Gran4K | Big);
        f.SetGdt(13, GateDescriptor(FlatCode0, 0, SystemType.CallGate32, 3));
        f.SetGdt(14, GateDescriptor(FlatCode0, 0, SystemType.InterruptGate32, 3));
        f.SetGdt(15, SystemDescriptor(TssBase, 0x67, SystemType.Tss32Busy, 3));
        f.Cpu.Gpr[X86Cpu.EBX] = 0x63;
        Assert.Null(f.Step(a => a.lar(eax, ebx)));
        Assert.True(ZF(f));
        // Type, S, DPL, P, AVL, D/B, G; bits 16–19 are undefined in the manual.
        Assert.Equal(0x00C0_F200u, f.Cpu.Gpr[X86Cpu.EAX] & 0xFFF0_FFFF);
        f.Cpu.Gpr[X86Cpu.EAX] = 0xAAAA_AAAA;
        Assert.Null(f.Step(a => a.lar(ax, bx)));
        Assert.Equal(0xAAAA_F200u, f.Cpu.Gpr[X86Cpu.EAX]);

        f.Cpu.Gpr[X86Cpu.EBX] = 0x6B;
        Assert.Null(f.Step(a => a.lar(eax, ebx)));
        Assert.True(ZF(f));
        Assert.Equal(0x0000_EC00u, f.Cpu.Gpr[X86Cpu.EAX] & 0xFFF0_FFFF);
        f.Cpu.Gpr[X86Cpu.EBX] = 0x7B;
        Assert.Null(f.Step(a => a.lar(eax, ebx)));
        Assert.True(ZF(f));
        Assert.Equal(0x0000_EB00u, f.Cpu.Gpr[X86Cpu.EAX] & 0xFFF0_FFFF);

        // Interrupt gates, null and out-of-table selectors: ZF = 0, destination unchanged.
        foreach (uint sel in new uint[] { 0x73, 0x0003, 0x0400 })
        {
            f.Cpu.Gpr[X86Cpu.EAX] = 0x5555_5555;
            f.Cpu.Gpr[X86Cpu.EBX] = sel;
            f.Cpu.SetFlag(Flags.ZF, true);
            Assert.Null(f.Step(a => a.lar(eax, ebx)));
            Assert.False(ZF(f));
            Assert.Equal(0x5555_5555u, f.Cpu.Gpr[X86Cpu.EAX]);
        }
    }

    [Fact]
    public void LAR_visibility_at_CPL_3()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(12, 0, 0xFFFF, CodeConformingXR); // DPL 0
        f.EnterRing(3);
        f.Cpu.Gpr[X86Cpu.EBX] = FlatData0;
        Assert.Null(f.Step(a => a.lar(eax, ebx)));
        Assert.False(ZF(f));
        f.Cpu.Gpr[X86Cpu.EBX] = 0x63;
        Assert.Null(f.Step(a => a.lar(eax, ebx)));
        Assert.True(ZF(f));
        Assert.Equal(UD, RealMode().Step(0x0F, 0x02, 0xC3)); // lar ax, bx
    }

    [Fact]
    public void LSL_loads_the_byte_granular_limit_of_segments_TSSs_and_LDTs_only()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(12, 0, 0x9F, DataRW | 0x60, Gran4K);
        f.SetGdt(13, GateDescriptor(FlatCode0, 0, SystemType.CallGate32, 3));
        f.SetGdt(14, SystemDescriptor(TssBase, 0x67, SystemType.Tss32Available, 0));
        f.SetGdt(15, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0));
        f.Cpu.Gpr[X86Cpu.EBX] = 0x63;
        Assert.Null(f.Step(a => a.lsl(eax, ebx)));
        Assert.True(ZF(f));
        Assert.Equal(0x9_FFFFu, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EAX] = 0x1234_0000;
        Assert.Null(f.Step(a => a.lsl(ax, bx)));
        Assert.Equal(0x1234_FFFFu, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EBX] = 0x70;
        Assert.Null(f.Step(a => a.lsl(eax, ebx)));
        Assert.Equal(0x67u, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EBX] = 0x78;
        Assert.Null(f.Step(a => a.lsl(eax, ebx)));
        Assert.Equal(0x1Fu, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EBX] = 0x6B;   // call gate: no limit
        Assert.Null(f.Step(a => a.lsl(eax, ebx)));
        Assert.False(ZF(f));
        f.Cpu.Gpr[X86Cpu.EBX] = 0x73;   // TSS DPL 0 with RPL 3
        Assert.Null(f.Step(a => a.lsl(eax, ebx)));
        Assert.False(ZF(f));
        Assert.Equal(0x1Fu, f.Cpu.Gpr[X86Cpu.EAX]);
    }

    [Fact]
    public void VERR_and_VERW_follow_the_test386_table()
    {
        // The cases of test386 POST 0x1C, with the results the manual's rules give.
        var f = new ProtectedModeFixture();
        f.SetGdt(11, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0));
        f.SetSegment(12, 0, 0xFFFF, CodeConformingXR);
        f.SetSegment(13, 0, 0xFFFF, DataRO | 0x60);
        f.SetSegment(14, 0, 0xFFFF, CodeX | 0x60);
        (bool r, bool w) Probe(ushort sel)
        {
            f.Cpu.Gpr[X86Cpu.EDX] = sel;
            f.Cpu.SetFlag(Flags.ZF, false);
            Assert.Null(f.Step(a => a.verr(dx)));
            bool r = ZF(f);
            f.Cpu.SetFlag(Flags.ZF, true);
            Assert.Null(f.Step(a => a.verw(dx)));
            return (r, ZF(f));
        }
        Assert.Equal((false, false), Probe(0));
        Assert.Equal((false, false), Probe(32 * 8));    // beyond the GDT limit
        Assert.Equal((false, false), Probe(0x58));      // LDT descriptor
        Assert.Equal((true, false), Probe(FlatCode0));
        Assert.Equal((true, true), Probe(FlatData0));
        f.EnterRing(3);
        Assert.Equal((false, false), Probe(FlatCode0));
        Assert.Equal((true, false), Probe(FlatCode3));
        Assert.Equal((true, false), Probe(0x60));       // conforming DPL 0
        Assert.Equal((false, false), Probe(FlatData0));
        Assert.Equal((true, true), Probe(FlatData3));
        Assert.Equal((true, false), Probe(0x6B));       // read-only DPL 3
        Assert.Equal((false, false), Probe(0x73));      // execute-only code
        Assert.Equal(UD, RealMode().Step(0x0F, 0x00, 0xE2)); // verr dx
    }

    // ---- ARPL ----

    [Fact]
    public void ARPL_raises_the_RPL_and_sets_ZF_only_when_it_changes()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 0x1234_FFF0;
        f.Cpu.Gpr[X86Cpu.EBX] = 2;
        Assert.Null(f.Step(a => a.arpl(ax, bx)));
        Assert.True(ZF(f));
        Assert.Equal(0x1234_FFF2u, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EAX] = 0xFFF3;
        Assert.Null(f.Step(a => a.arpl(ax, bx)));
        Assert.False(ZF(f));
        Assert.Equal(0xFFF3u, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Poke16(Data, 0xFFF0);
        Assert.Null(f.Step(a => a.arpl(__word_ptr[Data], bx)));
        Assert.Equal(0xFFF2, f.Peek16(Data));
        Assert.Equal(UD, RealMode().Step(0x63, 0xD8)); // arpl ax, bx
        Assert.Equal(UD, V86().Step(0x63, 0xD8));
    }

    [Fact]
    public void ARPL_does_not_write_an_unchanged_operand_so_a_read_only_segment_is_fine()
    {
        // test386 POST 0x17 (the 386 behaviour, which Bochs does not follow).
        var f = new ProtectedModeFixture();
        f.SetSegment(12, 0, 0xFFFFF, DataRO, Gran4K | Big);
        f.Cpu.LoadSegment(Seg.DS, 0x60);
        f.Poke16(Data, 0xFFF2);
        f.Cpu.Gpr[X86Cpu.EBX] = 2;
        Assert.Null(f.Step(a => a.arpl(__word_ptr[Data], bx)));
        Assert.False(ZF(f));
        f.Poke16(Data, 0xFFF0);
        Assert.Equal(GP0, f.Step(a => a.arpl(__word_ptr[Data], bx))); // a change needs a write
    }

    // ---- machine status word ----

    [Fact]
    public void LMSW_sets_PE_MP_EM_TS_but_cannot_clear_PE()
    {
        var r = RealMode();
        r.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_000B; // PE, MP, TS
        Assert.Null(r.Step(0x0F, 0x01, 0xF0)); // lmsw ax
        Assert.True(r.Cpu.ProtectedMode);
        Assert.Equal(CR0.PE | CR0.MP | CR0.TS, r.Cpu.Cr0 & 0xF);
        Assert.Equal(0u, r.Cpu.Cr0 & 0xFFF0 & ~CR0.ET);

        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = CR0.EM;
        Assert.Null(f.Step(a => a.lmsw(ax)));
        Assert.True(f.Cpu.ProtectedMode);
        Assert.Equal(CR0.PE | CR0.EM, f.Cpu.Cr0 & 0xF);
        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.lmsw(ax)));
        Assert.Equal(GP0, V86().Step(0x0F, 0x01, 0xF0));
    }

    [Fact]
    public void SMSW_stores_CR0_whole_in_a_32_bit_register_and_its_low_word_elsewhere()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Cr0 = CR0.PE | CR0.TS | CR0.CD | CR0.NW | CR0.AM; // no PG: memory stays unpaged
        f.EnterRing(3); // not privileged
        Assert.Null(f.Step(a => a.smsw(eax)));
        Assert.Equal(f.Cpu.Cr0, f.Cpu.Gpr[X86Cpu.EAX]);
        f.Cpu.Gpr[X86Cpu.EBX] = 0xFFFF_FFFF;
        Assert.Null(f.Step(a => a.smsw(bx)));
        Assert.Equal(0xFFFF_0009u, f.Cpu.Gpr[X86Cpu.EBX]);
        f.Harness.Poke32(Data, 0xFFFF_FFFF);
        Assert.Null(f.Step(a => a.smsw(__word_ptr[Data])));
        Assert.Equal(0xFFFF_0009u, f.Peek32(Data));
    }

    [Fact]
    public void CLTS_clears_TS_at_CPL_0_only()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Cr0 |= CR0.TS;
        Assert.Null(f.Step(a => a.clts()));
        Assert.Equal(0u, f.Cpu.Cr0 & CR0.TS);
        f.Cpu.Cr0 |= CR0.TS;
        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.clts()));
        Assert.NotEqual(0u, f.Cpu.Cr0 & CR0.TS);
    }

    // ---- control registers ----

    [Fact]
    public void MOV_CR0_rejects_PG_without_PE_and_NW_without_CD()
    {
        var f = new ProtectedModeFixture();
        foreach (uint value in new[] { CR0.PG, CR0.PE | CR0.NW })
        {
            f.Cpu.Gpr[X86Cpu.EAX] = value;
            string before = f.Snapshot();
            Assert.Equal(GP0, f.Step(a => a.mov(cr0, eax)));
            Assert.Equal(before, f.Snapshot());
        }
    }

    [Fact]
    public void MOV_CR0_keeps_ET_clear_and_reserved_bits_zero()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF;
        Assert.Null(f.Step(a => a.mov(cr0, eax)));
        Assert.Equal(CR0.PE | CR0.MP | CR0.EM | CR0.TS | CR0.NE | CR0.WP | CR0.AM | CR0.NW | CR0.CD | CR0.PG, f.Cpu.Cr0);
        Assert.Null(f.Step(a => a.mov(ebx, cr0)));
        Assert.Equal(f.Cpu.Cr0, f.Cpu.Gpr[X86Cpu.EBX]);
    }

    [Fact]
    public void Clearing_PE_returns_to_real_mode()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 0x6000_0000;
        Assert.Null(f.Step(a => a.mov(cr0, eax)));
        Assert.False(f.Cpu.ProtectedMode);
        Assert.Equal(0, f.Cpu.Cpl);
        // Real mode ignores the cached rights: a read-only segment cache becomes writable.
        f.Cpu.Segs[Seg.ES].Attributes = 0x90;
        f.Cpu.Segs[Seg.ES].Refresh(protectedMode: false);
        Assert.Null(f.Catch(c => c.Write8(Seg.ES, 0x100, 1)));
    }

    [Fact]
    public void MOV_CR_faults_for_missing_registers_and_outside_CPL_0()
    {
        var f = new ProtectedModeFixture();
        Assert.Equal(UD, f.Step(0x0F, 0x22, 0xC8)); // mov cr1, eax
        Assert.Equal(UD, f.Step(0x0F, 0x20, 0xE8)); // mov eax, cr5
        Assert.Equal(UD, f.Step(0x0F, 0x22, 0xF8)); // mov cr7, eax
        f.Cpu.Gpr[X86Cpu.EAX] = 1u << 5;            // CR4.PAE: not implemented
        Assert.Equal(GP0, f.Step(a => a.mov(cr4, eax)));
        f.Cpu.Gpr[X86Cpu.EAX] = CR4.PSE | CR4.TSD | CR4.DE;
        Assert.Null(f.Step(a => a.mov(cr4, eax)));
        Assert.Equal(CR4.PSE | CR4.TSD | CR4.DE, f.Cpu.Cr4);
        f.Cpu.Gpr[X86Cpu.EAX] = 0x1234_5678;
        Assert.Null(f.Step(a => a.mov(cr2, eax)));
        Assert.Null(f.Step(a => a.mov(ecx, cr2)));
        Assert.Equal(0x1234_5678u, f.Cpu.Gpr[X86Cpu.ECX]);
        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.mov(eax, cr0)));
        Assert.Equal(GP0, f.Step(a => a.mov(cr3, eax)));
        Assert.Equal(GP0, V86().Step(0x0F, 0x20, 0xC0)); // mov eax, cr0
        var r = RealMode();
        Assert.Null(r.Step(0x0F, 0x20, 0xC0));
        Assert.Equal(r.Cpu.Cr0, r.Cpu.Gpr[X86Cpu.EAX]);
    }

    [Fact]
    public void MOV_CR3_and_INVLPG_drop_stale_translations()
    {
        var f = new ProtectedModeFixture();
        const uint dir = 0x10_0000, table = 0x10_1000, linear = 0x0040_0000;
        // Identity-map the first 4 MiB with one large page, and linear 4 MiB through a table.
        f.Harness.Poke32(dir, 0x83);
        f.Harness.Poke32(dir + 4, table | 3);
        f.Harness.Poke32(table, 0x20_0000 | 3);
        f.Harness.Poke32(0x20_0000, 0x1111_1111);
        f.Harness.Poke32(0x30_0000, 0x3333_3333);
        f.Cpu.Gpr[X86Cpu.EAX] = CR4.PSE;
        Assert.Null(f.Step(a => a.mov(cr4, eax)));
        f.Cpu.Gpr[X86Cpu.EAX] = dir;
        Assert.Null(f.Step(a => a.mov(cr3, eax)));
        f.Cpu.Gpr[X86Cpu.EAX] = f.Cpu.Cr0 | CR0.PG;
        Assert.Null(f.Step(a => a.mov(cr0, eax)));

        Assert.Equal(0x1111_1111u, f.Cpu.Read32(Seg.DS, linear));
        f.Harness.Poke32(table, 0x30_0000 | 3);
        Assert.Equal(0x1111_1111u, f.Cpu.Read32(Seg.DS, linear)); // still the cached translation
        f.Cpu.Gpr[X86Cpu.EAX] = dir;
        Assert.Null(f.Step(a => a.mov(cr3, eax)));
        Assert.Equal(0x3333_3333u, f.Cpu.Read32(Seg.DS, linear));

        f.Harness.Poke32(table, 0x20_0000 | 3);
        Assert.Equal(0x3333_3333u, f.Cpu.Read32(Seg.DS, linear));
        Assert.Null(f.Step(a => a.invlpg(__[linear + 0x123])));
        Assert.Equal(0x1111_1111u, f.Cpu.Read32(Seg.DS, linear));

        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.invlpg(__[linear])));
    }

    // ---- debug registers ----

    [Fact]
    public void Debug_registers_keep_their_fixed_bits_and_DR4_DR5_alias_DR6_DR7()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 0;
        Assert.Null(f.Step(a => a.mov(dr6, eax)));
        Assert.Null(f.Step(a => a.mov(dr7, eax)));
        Assert.Equal(0xFFFF_0FF0u, f.Cpu.Dr[6]);
        Assert.Equal(0x0000_0400u, f.Cpu.Dr[7]);
        f.Cpu.Gpr[X86Cpu.EAX] = 0xDEAD_BEEF;
        Assert.Null(f.Step(a => a.mov(dr2, eax)));
        Assert.Null(f.Step(a => a.mov(ebx, dr2)));
        Assert.Equal(0xDEAD_BEEFu, f.Cpu.Gpr[X86Cpu.EBX]);
        f.Cpu.Gpr[X86Cpu.EAX] = 0x0000_0001;
        Assert.Null(f.Step(0x0F, 0x23, 0xE8)); // mov dr5, eax → DR7
        Assert.Equal(0x0000_0401u, f.Cpu.Dr[7]);
        Assert.Null(f.Step(0x0F, 0x21, 0xE3)); // mov ebx, dr4 → DR6
        Assert.Equal(0xFFFF_0FF0u, f.Cpu.Gpr[X86Cpu.EBX]);
        f.Cpu.Cr4 = CR4.DE;
        Assert.Equal(UD, f.Step(0x0F, 0x21, 0xE3));
        f.EnterRing(3);
        Assert.Equal(GP0, f.Step(a => a.mov(ebx, dr2)));
    }

    [Fact]
    public void General_detect_turns_the_next_debug_register_access_into_a_debug_fault()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 1u << 13; // GD
        Assert.Null(f.Step(a => a.mov(dr7, eax)));
        Assert.Equal(new Raised(Vector.DB, 0), f.Step(a => a.mov(ebx, dr0)));
        Assert.NotEqual(0u, f.Cpu.Dr[6] & (1u << 13)); // BD
        Assert.Equal(0u, f.Cpu.Dr[7] & (1u << 13));    // GD cleared for the handler
        Assert.Null(f.Step(a => a.mov(ebx, dr0)));
    }

    // ---- through the run loop ----

    [Fact]
    public void Handlers_are_dispatched_by_the_run_loop()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(12, SystemDescriptor(LdtBase, 0x1F, SystemType.Ldt, 0));
        f.SetGdt(13, SystemDescriptor(TssBase, 0x67, SystemType.Tss32Available, 0));
        f.Harness.Load(a =>
        {
            a.mov(ax, 0x60);
            a.lldt(ax);
            a.mov(ax, 0x68);
            a.ltr(ax);
            a.str(ebx);
            a.lsl(ecx, eax);
            a.hlt();
        });
        Assert.Equal(RunExit.Halted, f.Harness.Run(100));
        Assert.Equal(7, f.Cpu.Icount);
        Assert.Equal(0x60, f.Cpu.Ldtr.Selector);
        Assert.Equal(0x68u, f.Cpu.Gpr[X86Cpu.EBX]);
        Assert.Equal(0x67u, f.Cpu.Gpr[X86Cpu.ECX]);
    }

    [Fact]
    public void Leaving_protected_mode_ends_the_block_so_the_next_instruction_decodes_as_16_bit()
    {
        var f = new ProtectedModeFixture();
        f.Cpu.Gpr[X86Cpu.EAX] = 0x6000_0000;
        f.Cpu.Gpr[X86Cpu.EBX] = 0xAAAA_AAAA;
        // mov cr0, eax; then BB 34 12 78 56: "mov ebx, 0x56781234" in 32-bit code but
        // "mov bx, 0x1234; js +0x56" in 16-bit code.
        f.Harness.LoadBytes([0x0F, 0x22, 0xC0, 0xBB, 0x34, 0x12, 0x78, 0x56]);
        f.Harness.Run(2);
        Assert.False(f.Cpu.ProtectedMode);
        Assert.Equal(0xAAAA_1234u, f.Cpu.Gpr[X86Cpu.EBX]);
    }
}
