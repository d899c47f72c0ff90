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
    /// MSRs, 4 MiB pages, CMPXCHG8B and the local APIC; CMOV is reported since it is implemented. CR0.ET is 0
    /// (no coprocessor) and EM is left for the guest to set.
    /// </summary>
    public static readonly CpuModel Default = new(
        Name: "hexemu",
        ResetEdx: 0x0000_0543,
        ResetCr0: 0x6000_0010 & ~CR0.ET,
        CpuidSignature: 0x0000_0543,
        CpuidFeaturesEdx: Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC | Feature.CMOV,
        Vendor: "GenuineIntel");

    /// <summary>What this CPU implements of CPUID.1:EDX: a named model reports its own bits only where they are in here.</summary>
    public const uint ImplementedFeatures = Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC | Feature.CMOV;

    /// <summary>The machine gives this CPU a local APIC (and itself an I/O APIC): CPUID.1:EDX.APIC.</summary>
    public bool HasApic => (CpuidFeaturesEdx & Feature.APIC) != 0;

    /// <summary>
    /// The models -cpu accepts, named as QEMU names them, with their family/model/stepping and
    /// their CPUID feature bits limited to what is implemented (QEMU's TCG likewise drops
    /// features it cannot emulate). QEMU gives the Pentium and later an APIC (its PENTIUM_FEATURES and
    /// PPRO_FEATURES include CPUID_APIC), not the 486 or "base". None has an FPU (HexEmu has no x87), so CR0.ET is 0 on all of them.
    /// </summary>
    public static IReadOnlyList<CpuModel> Named { get; } =
    [
        Default,
        Make("486", family: 4, model: 8, stepping: 0, Feature.PSE),
        Make("pentium", family: 5, model: 4, stepping: 3, Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC),
        Make("pentium2", family: 6, model: 5, stepping: 2, Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC | Feature.CMOV),
        Make("pentium3", family: 6, model: 7, stepping: 3, Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC | Feature.CMOV),
        Make("qemu32", family: 6, model: 6, stepping: 3, Feature.PSE | Feature.TSC | Feature.MSR | Feature.CX8 | Feature.APIC | Feature.CMOV),
        Make("base", family: 0, model: 0, stepping: 0, 0),
    ];

    /// <summary>The model called <paramref name="name"/> (case-sensitive, as QEMU), or null.</summary>
    public static CpuModel? ByName(string name)
    {
        foreach (var m in Named)
            if (m.Name == name) return m;
        return null;
    }

    private static CpuModel Make(string name, uint family, uint model, uint stepping, uint features)
    {
        uint signature = (family << 8) | (model << 4) | stepping;
        return new CpuModel(name, signature, Default.ResetCr0, signature, features & ImplementedFeatures, "GenuineIntel");
    }
}
