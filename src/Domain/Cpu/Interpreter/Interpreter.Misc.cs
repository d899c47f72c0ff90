namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>CPUID, RDTSC, RDMSR, WRMSR, WBINVD, INVD, NOP, UD2, SALC, BOUND (SDM vol. 2).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterMisc(DispatchTable.Registrar r)
    {
        // 90 and F3 90 (PAUSE, a plain NOP before the Pentium 4). The multi-byte NOP 0F 1F /0 and
        // the other 0F 0D / 0F 18..1F hint encodings came with the P6 family: a family 5 CPU
        // raises #UD for them, so they stay unregistered.
        r.Add([Code.Nopw, Code.Nopd, Code.Pause], &Nop);
        r.Add([Code.Ud2, Code.Ud0, Code.Ud0_r16_rm16, Code.Ud0_r32_rm32, Code.Ud1_r16_rm16, Code.Ud1_r32_rm32], &InvalidOpcode);
        r.Add(Code.Cpuid, &Cpuid);
        r.Add(Code.Rdtsc, &Rdtsc);
        r.Add(Code.Rdmsr, &Rdmsr);
        r.Add(Code.Wrmsr, &Wrmsr);
        r.Add([Code.Wbinvd, Code.Invd], &InvalidateCaches);
        r.Add(Code.Salc, &Salc);
        r.Add(Code.Bound_r16_m1616, &Bound16);
        r.Add(Code.Bound_r32_m3232, &Bound32);
    }

    private static void Nop(Cpu c, ref Insn i) { }

    /// <summary>Highest basic CPUID leaf we report.</summary>
    private const uint MaxCpuidLeaf = 1;

    /// <summary>
    /// CPUID. Leaf 0: the highest leaf and the vendor string in EBX, EDX, ECX; leaf 1: the
    /// signature in EAX and the features in EDX. A leaf above the highest returns the highest
    /// leaf's data, as Intel processors do (SDM vol. 2, CPUID, "INPUT EAX = 0").
    /// </summary>
    private static void Cpuid(Cpu c, ref Insn i)
    {
        uint leaf = c.Gpr[Cpu.EAX];
        if (leaf > MaxCpuidLeaf) leaf = MaxCpuidLeaf;
        uint[] g = c.Gpr;
        if (leaf == 0)
        {
            string vendor = c.Model.Vendor;
            g[Cpu.EAX] = MaxCpuidLeaf;
            g[Cpu.EBX] = VendorDword(vendor, 0);
            g[Cpu.EDX] = VendorDword(vendor, 4);
            g[Cpu.ECX] = VendorDword(vendor, 8);
        }
        else
        {
            g[Cpu.EAX] = c.Model.CpuidSignature;
            g[Cpu.EBX] = 0;
            g[Cpu.ECX] = 0;
            g[Cpu.EDX] = c.Model.CpuidFeaturesEdx & ~ApicFeatureHidden(c);
        }
    }

    /// <summary>
    /// CPUID.1:EDX.APIC is reported only when a local APIC is there (a bare CPU has none) and
    /// IA32_APIC_BASE's global enable is set: once cleared, the processor behaves as one without
    /// an on-chip APIC (SDM vol. 3, 10.4.3).
    /// </summary>
    private static uint ApicFeatureHidden(Cpu c) =>
        c.ApicBaseMsr is { } msr && (msr.ApicBase & ApicBaseGlobalEnable) != 0 ? 0 : CpuModel.Feature.APIC;

    /// <summary>IA32_APIC_BASE bit 11, the APIC global enable.</summary>
    private const ulong ApicBaseGlobalEnable = 1UL << 11;

    /// <summary>Four characters of the 12-character vendor string, little-endian.</summary>
    private static uint VendorDword(string vendor, int start)
    {
        uint v = 0;
        for (int k = 0; k < 4; k++)
        {
            int at = start + k;
            uint ch = at < vendor.Length ? (byte)vendor[at] : (byte)' ';
            v |= ch << (8 * k);
        }
        return v;
    }

    /// <summary>RDTSC: EDX:EAX ← TSC; #GP(0) when CR4.TSD is set and CPL > 0.</summary>
    private static void Rdtsc(Cpu c, ref Insn i)
    {
        if ((c.Cr4 & CR4.TSD) != 0 && c.Cpl > 0) c.Fault(Vector.GP, 0);
        ulong tsc = (ulong)(c.TimeStampBase + c.TscOffset);
        c.Gpr[Cpu.EAX] = (uint)tsc;
        c.Gpr[Cpu.EDX] = (uint)(tsc >> 32);
    }

    /// <summary>The time-stamp counter MSR (IA32_TIME_STAMP_COUNTER).</summary>
    private const uint MsrTsc = 0x10;

    /// <summary>IA32_APIC_BASE, present when the machine has a local APIC.</summary>
    private const uint MsrApicBase = 0x1B;

    /// <summary>
    /// RDMSR: CPL 0 only (#GP(0) otherwise, including virtual-8086 mode). The TSC and, with a
    /// local APIC, IA32_APIC_BASE are modelled; any other MSR is #GP(0).
    /// </summary>
    private static void Rdmsr(Cpu c, ref Insn i)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
        ulong value;
        switch (c.Gpr[Cpu.ECX])
        {
            case MsrTsc: value = (ulong)(c.TimeStampBase + c.TscOffset); break;
            case MsrApicBase when c.ApicBaseMsr is { } apic: value = apic.ApicBase; break;
            default: c.Fault(Vector.GP, 0); return;
        }
        c.Gpr[Cpu.EAX] = (uint)value;
        c.Gpr[Cpu.EDX] = (uint)(value >> 32);
    }

    /// <summary>
    /// WRMSR: writing the TSC moves the offset so that RDTSC continues from the written value; the
    /// APIC base goes to the local APIC, which refuses reserved bits with #GP(0).
    /// </summary>
    private static void Wrmsr(Cpu c, ref Insn i)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
        ulong value = ((ulong)c.Gpr[Cpu.EDX] << 32) | c.Gpr[Cpu.EAX];
        switch (c.Gpr[Cpu.ECX])
        {
            case MsrTsc: c.TscOffset = (long)value - c.TimeStampBase; break;
            case MsrApicBase when c.ApicBaseMsr is { } apic:
                if (!apic.TryWriteApicBase(value)) c.Fault(Vector.GP, 0);
                c.EndBlock(); // the APIC may have moved or gone: interrupts are looked at again
                break;
            default: c.Fault(Vector.GP, 0); break;
        }
    }

    /// <summary>WBINVD / INVD: privileged; there are no caches to flush.</summary>
    private static void InvalidateCaches(Cpu c, ref Insn i)
    {
        if (c.Cpl != 0) c.Fault(Vector.GP, 0);
    }

    /// <summary>SALC (D6, undocumented, present since the 8086): AL ← CF ? FFh : 00h, flags unchanged.</summary>
    private static void Salc(Cpu c, ref Insn i) => c.SetReg8(Cpu.EAX, (c.Eflags & Flags.CF) != 0 ? (byte)0xFF : (byte)0);

    /// <summary>BOUND r, m: #BR (a fault) unless lower ≤ index ≤ upper, both bounds signed (SDM vol. 2, BOUND).</summary>
    private static void Bound16(Cpu c, ref Insn i)
    {
        uint ea = c.EffectiveAddress(ref i);
        short lower = (short)c.Read16(i.Seg, ea);
        short upper = (short)c.Read16(i.Seg, ea + 2);
        short index = (short)c.Gpr[i.Reg0];
        if (index < lower || index > upper) c.Fault(Vector.BR);
    }

    private static void Bound32(Cpu c, ref Insn i)
    {
        uint ea = c.EffectiveAddress(ref i);
        int lower = (int)c.Read32(i.Seg, ea);
        int upper = (int)c.Read32(i.Seg, ea + 4);
        int index = (int)c.Gpr[i.Reg0];
        if (index < lower || index > upper) c.Fault(Vector.BR);
    }
}
