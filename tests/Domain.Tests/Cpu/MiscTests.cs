using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>CPUID, RDTSC, RDMSR/WRMSR, WBINVD/INVD, NOP forms, UD2, SALC, BOUND.</summary>
public class MiscTests
{
    [Fact]
    public void Cpuid_leaf_0_reports_max_leaf_1_and_genuine_intel()
    {
        var h = CpuHarness.Flat32().Load(a => a.cpuid());
        h.Run(1);
        Assert.Equal(1u, h.Reg(X86Cpu.EAX));
        // "GenuineIntel" as every Intel CPU reports it: EBX = "Genu", EDX = "ineI", ECX = "ntel".
        Assert.Equal(0x756E_6547u, h.Reg(X86Cpu.EBX));
        Assert.Equal(0x4965_6E69u, h.Reg(X86Cpu.EDX));
        Assert.Equal(0x6C65_746Eu, h.Reg(X86Cpu.ECX));
    }

    [Fact]
    public void Cpuid_leaf_1_and_leaves_above_the_maximum_report_signature_and_features()
    {
        foreach (uint leaf in new uint[] { 1, 2, 0x8000_0000 })
        {
            var h = CpuHarness.Flat32().Load(a => a.cpuid());
            h.Cpu.Gpr[X86Cpu.EAX] = leaf;
            h.Cpu.Gpr[X86Cpu.EBX] = h.Cpu.Gpr[X86Cpu.ECX] = 0xFFFF_FFFF;
            h.Run(1);
            Assert.Equal(h.Cpu.Model.CpuidSignature, h.Reg(X86Cpu.EAX));
            Assert.Equal(5u, (h.Reg(X86Cpu.EAX) >> 8) & 0xF); // family 5
            // A bare CPU has no local APIC wired to it, so CPUID leaves out the model's APIC bit.
            Assert.Equal(h.Cpu.Model.CpuidFeaturesEdx & ~CpuModel.Feature.APIC, h.Reg(X86Cpu.EDX));
            Assert.Equal(0u, h.Reg(X86Cpu.EDX) & CpuModel.Feature.FPU); // no x87
            Assert.Equal(0u, h.Reg(X86Cpu.EBX));
            Assert.Equal(0u, h.Reg(X86Cpu.ECX));
        }
    }

    [Fact]
    public void Rdtsc_counts_retired_instructions_plus_the_offset_and_wrmsr_moves_it()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.nop();
            a.nop();
            a.rdtsc();    // 2 instructions retired before it
            a.wrmsr();    // ECX = 10h: TSC ← EDX:EAX (set below)
            a.rdtsc();    // one instruction after the write
        });
        h.Run(3);
        Assert.Equal(2u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Reg(X86Cpu.EDX));
        h.Cpu.Gpr[X86Cpu.ECX] = 0x10;
        h.Cpu.Gpr[X86Cpu.EAX] = 0xFFFF_FFFF;
        h.Cpu.Gpr[X86Cpu.EDX] = 0x0000_0007;
        h.Run(2);
        // Written 7_FFFFFFFFh at icount 3; read at icount 4: one more.
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(8u, h.Reg(X86Cpu.EDX));
    }

    [Fact]
    public void Rdmsr_reads_the_tsc_and_rejects_other_msrs()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a =>
        {
            a.rdmsr();
            a.rdmsr();
        });
        h.Cpu.TscOffset = 0x1_0000_0000;
        h.Cpu.Gpr[X86Cpu.ECX] = 0x10;
        h.Run(1);
        Assert.Equal(0u, h.Reg(X86Cpu.EAX));
        Assert.Equal(1u, h.Reg(X86Cpu.EDX));
        h.Cpu.Gpr[X86Cpu.ECX] = 0x1B; // the APIC base: a bare CPU has no local APIC
        h.Run(2);
        Assert.Equal(Vector.GP, h.TrappedVector());
    }

    private sealed class FakeApicBase : IApicBaseMsr
    {
        public ulong ApicBase { get; set; } = 0xFEE0_0900;
        public bool TryWriteApicBase(ulong value)
        {
            if ((value & 0x6FF) != 0) return false;
            ApicBase = value;
            return true;
        }
    }

    [Fact]
    public void The_apic_base_msr_goes_to_the_local_apic_which_may_refuse_a_value()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a =>
        {
            a.rdmsr();
            a.wrmsr();
            a.wrmsr();
        });
        var apic = new FakeApicBase();
        h.Cpu.ApicBaseMsr = apic;
        h.Cpu.Gpr[X86Cpu.ECX] = 0x1B;
        h.Run(1);
        Assert.Equal(0xFEE0_0900u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Reg(X86Cpu.EDX));
        h.Cpu.Gpr[X86Cpu.EAX] = 0x0008_0800;
        h.Run(1);
        Assert.Equal(0x0008_0800UL, apic.ApicBase);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x0008_0801; // a reserved bit
        h.Run(1);
        Assert.Equal(Vector.GP, h.TrappedVector());
        Assert.Equal(0x0008_0800UL, apic.ApicBase);
    }

    [Fact]
    public void Cpuid_reports_the_apic_only_while_the_wired_apic_is_globally_enabled()
    {
        foreach (var (msr, expected) in new (ulong?, uint)[] { (null, 0), (0xFEE0_0900, CpuModel.Feature.APIC), (0xFEE0_0100, 0) })
        {
            var h = CpuHarness.Flat32().Load(a => a.cpuid());
            if (msr is { } value) h.Cpu.ApicBaseMsr = new FakeApicBase { ApicBase = value };
            h.Cpu.Gpr[X86Cpu.EAX] = 1;
            h.Run(1);
            Assert.Equal(expected, h.Reg(X86Cpu.EDX) & CpuModel.Feature.APIC);
        }
    }

    [Fact]
    public void Nop_pause_and_salc()
    {
        var h = CpuHarness.RealMode();
        h.LoadBytes([0x90, 0xF3, 0x90, 0xD6, 0xF9 /* stc */, 0xD6]);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234_5678;
        h.Cpu.Eflags &= ~Flags.CF;
        h.Run(3);
        Assert.Equal(0x1234_5600u, h.Reg(X86Cpu.EAX));
        h.Cpu.Eflags |= Flags.CF; // STC belongs to another group: set CF directly
        h.Cpu.Eip = 5;
        h.Run(1);
        Assert.Equal(0x1234_56FFu, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void Ud2_and_the_p6_multi_byte_nop_are_invalid_on_a_family_5_cpu()
    {
        var h = CpuHarness.RealMode().TrapAll();
        h.LoadBytes([0x0F, 0x0B]);
        h.Run(2);
        Assert.Equal(Vector.UD, h.TrappedVector());
        var h2 = CpuHarness.RealMode().TrapAll();
        h2.LoadBytes([0x0F, 0x1F, 0x00]); // nop word [bx+si]
        h2.Run(2);
        Assert.Equal(Vector.UD, h2.TrappedVector());
    }

    [Fact]
    public void Wbinvd_is_a_no_op_at_cpl_0()
    {
        var h = CpuHarness.Flat32().Load(a =>
        {
            a.wbinvd();
            a.invd();
        });
        h.Run(2);
        Assert.Equal(CpuHarness.CodeAddress + 4, h.Cpu.Eip);
    }

    [Fact]
    public void Bound_passes_within_signed_bounds_and_raises_br_as_a_fault_outside()
    {
        var h = CpuHarness.RealMode().TrapAll().Load(a =>
        {
            a.bound(ax, __dword_ptr[0x400]);
            a.bound(ax, __dword_ptr[0x400]);
        });
        h.Poke16(0x400, 0xFFF0); // lower −16
        h.Poke16(0x402, 0x0010); // upper 16
        h.Cpu.Gpr[X86Cpu.EAX] = 0xFFF0; // −16: in range
        h.Run(1);
        Assert.Equal(4u, h.Cpu.Eip);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x0011; // 17: out of range
        h.Run(2);
        Assert.Equal(Vector.BR, h.TrappedVector());
        Assert.Equal(4, h.Peek16(0xFFF0 - 6)); // a fault: returns to the BOUND
    }

    [Fact]
    public void Every_cmov_encoding_is_registered()
    {
        foreach (var code in new[] { Code.Cmovo_r16_rm16, Code.Cmovg_r32_rm32, Code.Cmovnp_r32_rm32 })
            Assert.True(DispatchTable.IsImplemented(code), code.ToString());
    }
}
