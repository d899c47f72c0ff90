using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Memory;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The local APIC of our single (bootstrap) processor, as an xAPIC of version 14h (SDM vol. 3,
/// chapter 10): memory-mapped registers at the APIC base, interrupt acceptance and priority,
/// EOI, the LVT, the error status register, self-directed IPIs through the ICR and the APIC
/// timer on virtual time. It is the CPU's interrupt source; the 8259 pair's INTR reaches it on
/// LINT0 (ExtINT), and while the APIC is globally disabled the 8259 goes straight to the CPU, as
/// on a processor without one. Split by concern: registers here and in .Registers, acceptance
/// and priority in .Interrupts, the ICR in .Ipi, the timer in .Timer, the base MSR in .BaseMsr,
/// the state section in .State.
/// </summary>
public sealed partial class LocalApic : IInterruptSource, IMmioDevice, ITimedDevice, IApicBaseMsr, IApicMessageSink
{
    public const uint DefaultBase = 0xFEE0_0000;
    public const uint RegionBytes = 0x1000;

    /// <summary>Version 14h with 6 LVT entries (max LVT 5), the value QEMU's APIC reports.</summary>
    public const uint VersionValue = 0x0005_0014;

    private readonly IVirtualClock _clock;
    private readonly IInterruptSource _pic;
    private readonly IGuestLog _log;

    /// <summary>The bootstrap processor's APIC ID (the only one here).</summary>
    private const uint BootstrapId = 0;

    private uint _id;
    private byte _tpr;
    private uint _ldr;
    private uint _dfr;
    private uint _svr;
    private readonly uint[] _irr = new uint[VectorBits.Words];
    private readonly uint[] _isr = new uint[VectorBits.Words];
    private readonly uint[] _tmr = new uint[VectorBits.Words];
    /// <summary>What ESR reads: the errors latched by the last write to it.</summary>
    private uint _esr;
    /// <summary>Errors detected since the last write to ESR.</summary>
    private uint _errors;
    private uint _icrLow;
    private uint _icrHigh;
    private readonly uint[] _lvt = new uint[LvtCount];

    /// <param name="clock">Virtual time, which the timer counts.</param>
    /// <param name="pic">The 8259 pair, whose INTR is wired to LINT0.</param>
    /// <param name="log">Where guest mistakes are reported.</param>
    public LocalApic(IVirtualClock clock, IInterruptSource pic, IGuestLog log)
    {
        _clock = clock;
        _pic = pic;
        _log = log;
        _apicBase = DefaultBase | BaseBsp | BaseGlobalEnable;
        ResetRegisters();
    }

    /// <summary>Told of every EOI for a level-triggered vector (the I/O APIC).</summary>
    public IApicEoiListener? EoiListener { get; set; }

    /// <summary>
    /// Called when the guest moved the APIC's registers (a new base) or hid them (global
    /// disable): the machine maps <see cref="MappedBase"/> again.
    /// </summary>
    public Action? MappingChanged { get; set; }

    /// <summary>
    /// Power-up state (SDM vol. 3, 10.4.7.1): everything zero but DFR (all ones), SVR (FFh,
    /// software-disabled) and the LVT (masked); like QEMU's bootstrap processor, LINT0 starts as
    /// an unmasked ExtINT input so that the 8259 reaches the CPU ("virtual wire").
    /// </summary>
    private void ResetRegisters()
    {
        _id = BootstrapId << 24;
        _tpr = 0;
        _ldr = 0;
        _dfr = 0xFFFF_FFFF;
        _svr = 0xFF;
        Array.Clear(_irr);
        Array.Clear(_isr);
        Array.Clear(_tmr);
        _esr = _errors = 0;
        _icrLow = _icrHigh = 0;
        for (int i = 0; i < LvtCount; i++) _lvt[i] = LvtMasked;
        _lvt[Lint0] = (uint)ApicDeliveryMode.ExtInt << 8;
        ResetTimer();
    }

    private void GuestError(string message)
    {
        if (_log.LogsGuestErrors) _log.GuestError("lapic: " + message);
    }
}
