namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// Accepting, prioritising and acknowledging interrupts (SDM vol. 3, 10.8): a message sets its
/// vector's IRR bit (and TMR bit when level-triggered); the CPU is interrupted when the highest
/// IRR vector's priority class is above PPR's; the acknowledge moves it to the ISR; EOI clears
/// the highest ISR bit and, for a level-triggered vector, tells the I/O APIC. ExtINT from the
/// 8259 on LINT0 bypasses all this, as in QEMU (hw/intc/apic.c, apic_accept_pic_intr).
/// </summary>
public sealed partial class LocalApic
{
    // ESR bits (SDM vol. 3, figure 10-9).
    public const uint EsrSendIllegalVector = 1u << 5;
    public const uint EsrReceiveIllegalVector = 1u << 6;
    public const uint EsrIllegalRegister = 1u << 7;

    /// <summary>
    /// The 8259's INTR reaches the CPU: the APIC is globally disabled (the processor behaves as
    /// one without an APIC), or LINT0 is an unmasked ExtINT input.
    /// </summary>
    private bool PicPassesThrough =>
        !GloballyEnabled || (_lvt[Lint0] & (LvtMasked | 0x700)) == (uint)ApicDeliveryMode.ExtInt << 8;

    public bool HasPendingInterrupt =>
        (PicPassesThrough && _pic.HasPendingInterrupt) || DeliverableVector() >= 0;

    /// <summary>
    /// The INTA cycle. An ExtINT request is served first (its vector comes from the 8259's own
    /// acknowledge and touches no APIC register, since ExtINT ignores priority); then the highest
    /// IRR vector above the processor priority moves to the ISR. If nothing is left to give, the
    /// spurious vector from SVR is returned and nothing is put in service.
    /// </summary>
    public byte AcknowledgeInterrupt()
    {
        if (!GloballyEnabled) return _pic.AcknowledgeInterrupt();
        if (PicPassesThrough && _pic.HasPendingInterrupt) return _pic.AcknowledgeInterrupt();
        int vector = DeliverableVector();
        if (vector < 0) return (byte)_svr;
        VectorBits.Clear(_irr, vector);
        VectorBits.Set(_isr, vector);
        return (byte)vector;
    }

    /// <summary>The IRR vector the CPU should take now, or -1 (none pending, or none above PPR's class).</summary>
    private int DeliverableVector()
    {
        if (!GloballyEnabled || !SoftwareEnabled) return -1;
        int vector = VectorBits.Highest(_irr);
        if (vector < 0 || (vector & 0xF0) <= (ProcessorPriority & 0xF0)) return -1;
        return vector;
    }

    /// <summary>PPR (SDM vol. 3, 10.8.3.1): TPR if its class is at least the highest in-service class, else that class.</summary>
    private uint ProcessorPriority
    {
        get
        {
            int isrv = Math.Max(VectorBits.Highest(_isr), 0);
            return (_tpr >> 4) >= (isrv >> 4) ? _tpr : (uint)(isrv & 0xF0);
        }
    }

    /// <summary>
    /// APR (SDM vol. 3, 10.8.3.1, P6 family): TPR if its class is at least the highest request's
    /// and above the highest in-service class, else the highest of the three classes.
    /// </summary>
    private uint ArbitrationPriority
    {
        get
        {
            int tprClass = _tpr >> 4;
            int isrClass = Math.Max(VectorBits.Highest(_isr), 0) >> 4;
            int irrClass = Math.Max(VectorBits.Highest(_irr), 0) >> 4;
            if (tprClass >= irrClass && tprClass > isrClass) return _tpr;
            return (uint)(Math.Max(tprClass, Math.Max(isrClass, irrClass)) << 4);
        }
    }

    /// <summary>
    /// A message from the I/O APIC (fixed or lowest priority; with one processor both mean "this
    /// one, if the destination names it"). A globally disabled APIC hears nothing.
    /// </summary>
    public bool Deliver(int vector, bool logicalDestination, byte destination, bool levelTriggered)
    {
        if (!GloballyEnabled || !DestinationMatches(logicalDestination, destination)) return false;
        return Accept(vector, levelTriggered);
    }

    /// <summary>
    /// Destination matching (SDM vol. 3, 10.6.2): physical mode compares the APIC ID; logical mode
    /// compares LDR under the flat (DFR model Fh) or cluster (0h) model; FFh is everyone's.
    /// </summary>
    private bool DestinationMatches(bool logical, byte destination)
    {
        if (destination == 0xFF) return true;
        if (!logical) return destination == (byte)(_id >> 24);
        byte ldr = (byte)(_ldr >> 24);
        return (_dfr >> 28) switch
        {
            0xF => (destination & ldr) != 0,
            0x0 => (destination >> 4) == (ldr >> 4) && (destination & ldr & 0x0F) != 0,
            _ => false, // a reserved model matches nothing
        };
    }

    /// <summary>
    /// Takes a vector into the IRR (an interrupt already requested merges with it); vectors 0–15
    /// are illegal and only set ESR's receive-illegal-vector bit (SDM vol. 3, 10.5.3).
    /// </summary>
    private bool Accept(int vector, bool levelTriggered)
    {
        if (vector < 16)
        {
            RaiseError(EsrReceiveIllegalVector);
            return false;
        }
        VectorBits.Set(_irr, vector);
        if (levelTriggered) VectorBits.Set(_tmr, vector);
        else VectorBits.Clear(_tmr, vector);
        return true;
    }

    /// <summary>
    /// EOI: the highest in-service vector is done. For a level-triggered one (its TMR bit) the
    /// EOI is broadcast so the I/O APIC clears that entry's remote IRR.
    /// </summary>
    private void EndOfInterrupt()
    {
        int vector = VectorBits.Highest(_isr);
        if (vector < 0) return;
        VectorBits.Clear(_isr, vector);
        if (VectorBits.Get(_tmr, vector)) EoiListener?.EndOfInterrupt(vector);
    }

    /// <summary>
    /// Records an error in the accumulator behind ESR and, when the error LVT entry is unmasked,
    /// requests its interrupt (an illegal error vector is only noted, so it cannot recurse).
    /// </summary>
    private void RaiseError(uint bits)
    {
        _errors |= bits;
        uint lvt = _lvt[LvtError];
        int vector = (int)(lvt & 0xFF);
        if ((lvt & LvtMasked) == 0 && GloballyEnabled && vector >= 16) Accept(vector, levelTriggered: false);
    }

    /// <summary>A write to ESR makes the errors accumulated since the previous write readable and starts afresh (SDM vol. 3, 10.5.3).</summary>
    private void LatchErrors()
    {
        _esr = _errors;
        _errors = 0;
    }
}
