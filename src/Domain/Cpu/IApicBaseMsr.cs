namespace HexEmu.Domain.Cpu;

/// <summary>
/// IA32_APIC_BASE (MSR 1Bh, SDM vol. 3, 10.4.4): the local APIC owns the register, the CPU only
/// carries RDMSR/WRMSR to it and asks it whether CPUID may report the APIC.
/// </summary>
public interface IApicBaseMsr
{
    /// <summary>The MSR's value: base address, BSP flag (bit 8), global enable (bit 11).</summary>
    ulong ApicBase { get; }

    /// <summary>WRMSR; false when the value sets reserved bits (the CPU then raises #GP(0)).</summary>
    bool TryWriteApicBase(ulong value);
}
