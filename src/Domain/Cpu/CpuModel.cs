namespace HexEmu.Domain.Cpu;

/// <summary>
/// What a CPU model reports about itself: its reset signature and CPUID answers. CPUID must
/// report exactly what is implemented, so features are listed here only once they work.
/// </summary>
public sealed record CpuModel(
    string Name,
    uint ResetEdx,
    uint ResetCr0,
    uint CpuidSignature,
    uint CpuidFeaturesEdx,
    string Vendor)
{
    /// <summary>CPUID.1:EDX bits (Intel SDM vol. 2, table 3-11).</summary>
    public static class Feature
    {
        public const uint FPU = 1u << 0, VME = 1u << 1, DE = 1u << 2, PSE = 1u << 3, TSC = 1u << 4,
            MSR = 1u << 5, CX8 = 1u << 8, APIC = 1u << 9, CMOV = 1u << 15;
    }

    /// <summary>
    /// A Pentium-class integer core without an FPU: family 5 so that kernels see CPUID, TSC,
    /// MSRs, 4 MiB pages and CMPXCHG8B; CMOV is reported since it is implemented. CR0.ET is 0
    /// (no coprocessor) and EM is left for the guest to set.
    /// </summary>
    public static readonly CpuModel Default = new(
        Name: "hexemu",
        ResetEdx: 0x0000_0543,
        ResetCr0: 0x6000_0010 & ~CR0.ET,
        CpuidSignature: 0x0000_0543,
        CpuidFeaturesEdx: Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.CMOV,
        Vendor: "GenuineIntel");
}
