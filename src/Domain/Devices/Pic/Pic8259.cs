namespace HexEmu.Domain.Devices.Pic;

/// <summary>
/// One Intel 8259A programmable interrupt controller: eight request inputs (IR0–IR7), the
/// interrupt request, in-service and mask registers (IRR, ISR, IMR), the priority resolver with
/// rotation, and the INT output. This file holds the request/priority/acknowledge logic; the
/// command words are in Pic8259.Commands.cs and the saved state in Pic8259.State.cs.
/// <para>
/// Triggering. Each input is edge- or level-triggered: level when ICW1.LTIM is set (all eight)
/// or when its ELCR bit is set (PIIX-class chipsets, per input). A level-triggered request is the
/// input level itself, so it disappears when the device lowers the line. An edge-triggered
/// request is latched on the low-to-high transition and stays latched until it is acknowledged
/// (or the chip is re-initialised), even if the line falls again first. That is QEMU's model,
/// and it is what <see cref="IIrqLine"/> promises devices that pulse their line; a real 8259A
/// would drop such a short pulse (datasheet, "Edge Triggered Mode" note) and deliver IR7.
/// </para>
/// </summary>
public sealed partial class Pic8259
{
    /// <summary>The IR level reported when no request survives until the acknowledge (datasheet, "Interrupt Sequence" step 4).</summary>
    public const int SpuriousLevel = 7;

    private readonly bool _isMaster;
    private readonly byte _elcrWritable;
    private readonly IIrqLine _interruptOutput;

    // Architectural state; everything here is saved by SaveState.
    private byte _lines;          // current level of each IR input
    private byte _edgeLatches;    // rising edges seen on edge-triggered inputs, not yet acknowledged
    private byte _isr;
    private byte _imr;
    private byte _elcr;
    private int _highestPriorityLevel; // the IR with priority 0 (rotation moves it); IR7 lowest after init

    /// <param name="isMaster">The chip's SP/EN strap: a master treats its ICW3 bits as slave inputs (special fully nested mode).</param>
    /// <param name="elcrWritable">Which ELCR bits the chipset lets software set (PIIX: 0xF8 on the master, 0xDE on the slave).</param>
    /// <param name="interruptOutput">The INT pin: the CPU's INTR, or the master's cascade input.</param>
    public Pic8259(bool isMaster, byte elcrWritable, IIrqLine? interruptOutput = null)
    {
        _isMaster = isMaster;
        _elcrWritable = elcrWritable;
        _interruptOutput = interruptOutput ?? UnconnectedIrqLine.Instance;
    }

    /// <summary>The interrupt request register: every request present, masked or not.</summary>
    public byte Irr => (byte)((_edgeLatches & ~LevelTriggered) | (_lines & LevelTriggered));

    /// <summary>The in-service register: acknowledged interrupts still waiting for their EOI.</summary>
    public byte Isr => _isr;

    /// <summary>The interrupt mask register (OCW1).</summary>
    public byte Imr => _imr;

    /// <summary>The IR level that has priority 0 now (0 after initialization; rotation moves it).</summary>
    public int PriorityZeroLevel => _highestPriorityLevel;

    /// <summary>The edge/level control register (1 = level-triggered).</summary>
    public byte Elcr
    {
        get => _elcr;
        set
        {
            _elcr = (byte)(value & _elcrWritable);
            _edgeLatches &= (byte)~LevelTriggered; // latches belong to edge inputs only
            UpdateOutput();
        }
    }

    /// <summary>Inputs whose request is their level: all with ICW1.LTIM, otherwise those set in the ELCR.</summary>
    private byte LevelTriggered => LevelTriggeredMode ? (byte)0xFF : _elcr;

    /// <summary>The INT output: a request would win priority resolution now.</summary>
    public bool InterruptRequested => ResolveRequest() >= 0;

    /// <summary>Drives input IR<paramref name="level"/> (0–7) high or low.</summary>
    public void SetInput(int level, bool high)
    {
        byte bit = (byte)(1 << level);
        bool wasHigh = (_lines & bit) != 0;
        if (high)
        {
            _lines |= bit;
            if (!wasHigh && (LevelTriggered & bit) == 0) _edgeLatches |= bit;
        }
        else
        {
            _lines &= (byte)~bit;
        }
        UpdateOutput();
    }

    /// <summary>
    /// The priority resolver: the IR level that would be delivered now, or -1. A request wins when
    /// it is unmasked and has higher priority than every interrupt in service (fully nested
    /// mode). In special mask mode, masked levels in service do not block (datasheet, "Special
    /// Mask Mode"). In special fully nested mode a master lets a slave's input through even while
    /// that same input is in service, so a higher-priority request on the slave is not locked out
    /// (datasheet, "Special Fully Nested Mode").
    /// </summary>
    public int ResolveRequest()
    {
        int request = HighestPriority((byte)(Irr & ~_imr));
        if (request < 0) return -1;
        byte blocking = _specialMask ? (byte)(_isr & ~_imr) : _isr;
        int inService = HighestPriority(blocking);
        if (inService < 0) return request;
        int requestRank = Rank(request), serviceRank = Rank(inService);
        if (requestRank < serviceRank) return request;
        if (requestRank == serviceRank && SpecialFullyNested && IsCascadeInput(request)) return request;
        return -1;
    }

    /// <summary>
    /// The acknowledge (the INTA pulses, or a poll read): the IR level that wins now moves from
    /// IRR to ISR (not into ISR in auto-EOI mode) and its edge latch is reset. Returns that level,
    /// or -1 when no request survived — the caller then reports the spurious level 7, whose ISR
    /// bit is left clear (datasheet, "Interrupt Sequence", and the "Edge Triggered Mode" note).
    /// </summary>
    public int Acknowledge()
    {
        int level = ResolveRequest();
        if (level < 0) return -1;
        byte bit = (byte)(1 << level);
        _edgeLatches &= (byte)~bit;
        if (AutoEoi)
        {
            // Auto-EOI: the ISR bit is reset at the end of the last INTA pulse; with rotation on,
            // the level just served becomes the lowest priority (OCW2 "rotate in AEOI mode").
            if (_rotateOnAutoEoi) _highestPriorityLevel = (level + 1) & 7;
        }
        else
        {
            _isr |= bit;
        }
        UpdateOutput();
        return level;
    }

    /// <summary>The vector byte sent on the second INTA pulse in 8086 mode: T7–T3 from ICW2, the level in bits 2–0.</summary>
    public byte VectorFor(int level) => (byte)(_vectorBase | level);

    /// <summary>True when IR<paramref name="level"/> of this master has a slave attached (ICW3, cascade mode).</summary>
    public bool IsCascadeInput(int level) => _isMaster && !SingleMode && (_icw3 & (1 << level)) != 0;

    /// <summary>Priority of IR <paramref name="level"/>: 0 is highest, counting round from the rotating highest-priority level.</summary>
    private int Rank(int level) => (level - _highestPriorityLevel) & 7;

    /// <summary>The set bit with the highest priority under the current rotation, or -1.</summary>
    private int HighestPriority(byte bits)
    {
        if (bits == 0) return -1;
        for (int rank = 0; rank < 8; rank++)
        {
            int level = (_highestPriorityLevel + rank) & 7;
            if ((bits & (1 << level)) != 0) return level;
        }
        return -1;
    }

    /// <summary>Drives INT: the CPU samples it, a master sees a slave's INT on its cascade input.</summary>
    private void UpdateOutput() => _interruptOutput.Set(InterruptRequested);
}
