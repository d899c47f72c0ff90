namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// IA32_APIC_BASE (MSR 1Bh, SDM vol. 3, 10.4.4): the register page's physical base (bits
/// 12–31; this machine has 32 physical address bits), the BSP flag (bit 8, read-only, set: this
/// is the bootstrap processor) and the global enable (bit 11). Clearing the enable turns the
/// APIC off: it forgets its programming (back to its power-up state), its registers leave the
/// address space and CPUID stops reporting it. On the P6 family and the Pentium, which this
/// machine models, it then stays off until a reset: setting the bit again is ignored.
/// </summary>
public sealed partial class LocalApic
{
    public const ulong BaseBsp = 1UL << 8;
    public const ulong BaseGlobalEnable = 1UL << 11;
    private const ulong BaseAddressMask = 0xFFFF_F000;
    private const ulong BaseWritable = BaseAddressMask | BaseBsp | BaseGlobalEnable;

    private ulong _apicBase;

    public ulong ApicBase => _apicBase;

    public bool GloballyEnabled => (_apicBase & BaseGlobalEnable) != 0;

    /// <summary>Where the register page is, when it is in the address space at all.</summary>
    public uint? MappedBase => GloballyEnabled ? (uint)(_apicBase & BaseAddressMask) : null;

    public bool TryWriteApicBase(ulong value)
    {
        if ((value & ~BaseWritable) != 0) return false; // reserved bits: #GP(0)
        uint? mappedBefore = MappedBase;
        bool enable = (value & BaseGlobalEnable) != 0 && GloballyEnabled;
        if (GloballyEnabled && !enable) ResetRegisters();
        _apicBase = (value & BaseAddressMask) | BaseBsp | (enable ? BaseGlobalEnable : 0);
        if (MappedBase != mappedBefore) MappingChanged?.Invoke();
        return true;
    }
}
