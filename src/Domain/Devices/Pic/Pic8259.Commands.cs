namespace HexEmu.Domain.Devices.Pic;

/// <summary>
/// The 8259A's programming interface (datasheet, "Programming the 8259A"): the initialisation
/// command words ICW1–ICW4 and the operation command words OCW1–OCW3 on its two ports (A0 = 0
/// is the even port, 0x20/0xA0 on a PC; A0 = 1 the odd one, 0x21/0xA1), and the status reads.
/// </summary>
public sealed partial class Pic8259
{
    private const byte Icw1Marker = 0x10;     // D4 = 1 on the even port: ICW1
    private const byte Ocw3Marker = 0x08;     // D4 = 0, D3 = 1 on the even port: OCW3 (else OCW2)

    private const byte Icw1NeedsIcw4 = 0x01;  // IC4
    private const byte Icw1Single = 0x02;     // SNGL: no slaves, no ICW3
    private const byte Icw1LevelTriggered = 0x08; // LTIM

    private const byte Icw4AutoEoi = 0x02;    // AEOI
    private const byte Icw4SpecialFullyNested = 0x10; // SFNM

    /// <summary>Which ICW the odd port expects next; <see cref="InitStep.Ready"/> means it takes OCW1.</summary>
    private enum InitStep : byte { Ready = 0, Icw2 = 2, Icw3 = 3, Icw4 = 4 }

    private InitStep _initStep;
    private byte _icw1;
    private byte _vectorBase;     // ICW2 T7–T3
    private byte _icw3;           // master: a bit per input with a slave; slave: its ID
    private byte _icw4;
    private bool _readIsr;        // OCW3 RR/RIS: the even port reads ISR instead of IRR
    private bool _pollPending;    // OCW3 P: the next read is a poll
    private bool _specialMask;    // OCW3 ESMM/SMM
    private bool _rotateOnAutoEoi; // OCW2 R with SL = EOI = 0

    private bool SingleMode => (_icw1 & Icw1Single) != 0;
    private bool LevelTriggeredMode => (_icw1 & Icw1LevelTriggered) != 0;
    private bool AutoEoi => (_icw4 & Icw4AutoEoi) != 0;
    private bool SpecialFullyNested => (_icw4 & Icw4SpecialFullyNested) != 0;

    /// <summary>
    /// The ICW2 vector base (bits 2–0 zero). The chip's MCS-80/85 mode (ICW4 µPM = 0) would answer
    /// INTA with CALL bytes; no PC uses it, so the 8086 vector is always returned, as QEMU does.
    /// </summary>
    public byte VectorBase => _vectorBase;

    /// <summary>OCW3's read register select: the even port reads the ISR (true) or the IRR.</summary>
    public bool ReadsIsr => _readIsr;

    /// <summary>ICW4's special fully nested mode.</summary>
    public bool SpecialFullyNestedMode => SpecialFullyNested;

    /// <summary>True while the chip is between ICW1 and its last ICW.</summary>
    public bool Initialising => _initStep != InitStep.Ready;

    /// <summary>A read from the even (<paramref name="a0"/> = false) or odd port.</summary>
    public byte Read(bool a0)
    {
        if (_pollPending)
        {
            // Poll command: the next read is an interrupt acknowledge whose answer is the poll
            // word, I (D7) set when a request was pending and W2–W0 its level. QEMU takes it from
            // either port, since the datasheet speaks only of "the next RD pulse".
            _pollPending = false;
            int level = Acknowledge();
            return level < 0 ? (byte)0 : (byte)(0x80 | level);
        }
        if (a0) return _imr;
        return _readIsr ? _isr : Irr;
    }

    /// <summary>A write to the even (<paramref name="a0"/> = false) or odd port.</summary>
    public void Write(bool a0, byte value)
    {
        if (!a0)
        {
            if ((value & Icw1Marker) != 0) WriteIcw1(value);
            else if ((value & Ocw3Marker) != 0) WriteOcw3(value);
            else WriteOcw2(value);
        }
        else
        {
            switch (_initStep)
            {
                case InitStep.Icw2:
                    _vectorBase = (byte)(value & 0xF8);
                    _initStep = !SingleMode ? InitStep.Icw3 : AfterIcw3();
                    break;
                case InitStep.Icw3:
                    _icw3 = value;
                    _initStep = AfterIcw3();
                    break;
                case InitStep.Icw4:
                    _icw4 = value;
                    _initStep = InitStep.Ready;
                    break;
                default:
                    _imr = value; // OCW1
                    break;
            }
        }
        UpdateOutput();
    }

    private InitStep AfterIcw3() => (_icw1 & Icw1NeedsIcw4) != 0 ? InitStep.Icw4 : InitStep.Ready;

    /// <summary>
    /// ICW1 starts initialisation (datasheet, "Initialization Command Words"): the edge-sense
    /// circuit is reset (an edge input needs a new low-to-high transition), the IMR is cleared,
    /// IR7 becomes the lowest priority, special mask mode is cleared and status reads select the
    /// IRR; ICW4's functions are zero until an ICW4 sets them. Like QEMU, the ISR is cleared too
    /// and AEOI rotation and a pending poll are dropped.
    /// </summary>
    private void WriteIcw1(byte value)
    {
        _icw1 = value;
        _initStep = InitStep.Icw2;
        _edgeLatches = 0;
        _imr = 0;
        _isr = 0;
        _highestPriorityLevel = 0;
        _specialMask = false;
        _readIsr = false;
        _pollPending = false;
        _rotateOnAutoEoi = false;
        _icw4 = 0;
    }

    /// <summary>
    /// OCW2 (datasheet table "Operation Command Word 2"): R, SL and EOI in D7–D5, the level L2–L0
    /// for the specific forms.
    /// </summary>
    private void WriteOcw2(byte value)
    {
        int level = value & 7;
        switch (value >> 5)
        {
            case 0b001: NonSpecificEoi(rotate: false); break;
            case 0b011: _isr &= (byte)~(1 << level); break;                   // specific EOI
            case 0b101: NonSpecificEoi(rotate: true); break;
            case 0b100: _rotateOnAutoEoi = true; break;                        // rotate in AEOI mode (set)
            case 0b000: _rotateOnAutoEoi = false; break;                       // rotate in AEOI mode (clear)
            case 0b111:                                                         // rotate on specific EOI
                _isr &= (byte)~(1 << level);
                _highestPriorityLevel = (level + 1) & 7;
                break;
            case 0b110: _highestPriorityLevel = (level + 1) & 7; break;        // set priority: L is lowest
            default: break;                                                     // 010: no operation
        }
    }

    /// <summary>Clears the highest-priority ISR bit (the level being served in fully nested mode); with rotation it becomes the lowest priority.</summary>
    private void NonSpecificEoi(bool rotate)
    {
        int level = HighestPriority(_isr);
        if (level < 0) return;
        _isr &= (byte)~(1 << level);
        if (rotate) _highestPriorityLevel = (level + 1) & 7;
    }

    /// <summary>OCW3: ESMM/SMM (D6/D5) set or clear special mask mode, P (D2) polls, RR/RIS (D1/D0) pick the status read.</summary>
    private void WriteOcw3(byte value)
    {
        if ((value & 0x40) != 0) _specialMask = (value & 0x20) != 0;
        if ((value & 0x04) != 0) _pollPending = true;
        if ((value & 0x02) != 0) _readIsr = (value & 0x01) != 0;
    }
}
