namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The redirection table and the inputs (82093AA datasheet, "I/O Redirection Table Registers").
/// An edge-triggered entry sends its vector on a rising edge while unmasked (an edge on a
/// masked input is lost, as the datasheet says). A level-triggered entry sends while its input
/// is asserted and its remote IRR is clear, and sets remote IRR; the local APIC's EOI for that
/// vector clears remote IRR, and the entry sends again if the input is still asserted. The
/// polarity bit is kept but, as in QEMU, the inputs are taken as they come: ISA lines are
/// active high, and the boards that invert PCI lines do it before the I/O APIC.
/// </summary>
public sealed partial class IoApic
{
    private const ulong EntryMasked = 1UL << 16;
    private const ulong EntryLevel = 1UL << 15;
    private const ulong EntryRemoteIrr = 1UL << 14;
    private const ulong EntryLogical = 1UL << 11;
    /// <summary>Low-dword bits software writes: vector, delivery mode, destination mode, polarity, trigger mode, mask.</summary>
    private const uint LowWritable = 0x0001_AFFF;

    private readonly ulong[] _redirection = new ulong[PinCount];
    /// <summary>The level of every input, a bit per pin.</summary>
    private uint _lines;

    /// <summary>Redirection entry <paramref name="pin"/> as a 64-bit value (tests, monitor).</summary>
    public ulong Entry(int pin) => _redirection[pin];

    /// <summary>
    /// Requests waiting at the inputs (one bit per pin): level-triggered inputs held asserted. An
    /// edge is delivered at once or, on a masked entry, lost, so it never waits here.
    /// </summary>
    public uint PendingRequests
    {
        get
        {
            uint level = 0;
            for (int pin = 0; pin < PinCount; pin++)
                if ((_redirection[pin] & EntryLevel) != 0) level |= 1u << pin;
            return _lines & level;
        }
    }

    private void WriteRedirection(int pin, bool high, uint value)
    {
        ulong entry = _redirection[pin];
        if (high)
        {
            entry = (entry & 0x0000_0000_FFFF_FFFF) | ((ulong)(value & 0xFF00_0000) << 32);
        }
        else
        {
            entry = (entry & ~(ulong)LowWritable & ~0xFFFF_FFFFUL) | (entry & EntryRemoteIrr) | (value & LowWritable);
            if ((entry & EntryLevel) == 0) entry &= ~EntryRemoteIrr; // an edge entry has no remote IRR
        }
        _redirection[pin] = entry;
        ServiceLevel(pin); // an asserted level unmasked now is sent now
    }

    internal void SetPin(int pin, bool high)
    {
        uint bit = 1u << pin;
        bool was = (_lines & bit) != 0;
        if (high) _lines |= bit; else _lines &= ~bit;
        ulong entry = _redirection[pin];
        if ((entry & EntryLevel) != 0) ServiceLevel(pin);
        else if (high && !was && (entry & EntryMasked) == 0) Send(pin, entry);
    }

    /// <summary>A level-triggered entry with its input asserted, unmasked and no remote IRR sends and sets remote IRR.</summary>
    private void ServiceLevel(int pin)
    {
        ulong entry = _redirection[pin];
        if ((entry & (EntryLevel | EntryMasked | EntryRemoteIrr)) != EntryLevel || (_lines & (1u << pin)) == 0) return;
        _redirection[pin] = entry | EntryRemoteIrr;
        Send(pin, entry);
    }

    /// <summary>
    /// The EOI the local APIC broadcasts for a level-triggered vector (or the guest writes to the
    /// EOI register): every level entry with that vector drops remote IRR and looks at its input again.
    /// </summary>
    public void EndOfInterrupt(int vector)
    {
        for (int pin = 0; pin < PinCount; pin++)
        {
            ulong entry = _redirection[pin];
            if ((entry & 0xFF) != (ulong)vector || (entry & EntryRemoteIrr) == 0) continue;
            _redirection[pin] = entry & ~EntryRemoteIrr;
            ServiceLevel(pin);
        }
    }

    private void Send(int pin, ulong entry)
    {
        var mode = (ApicDeliveryMode)((entry >> 8) & 7);
        if (mode is not (ApicDeliveryMode.Fixed or ApicDeliveryMode.LowestPriority))
        {
            if (_log.LogsUnimplemented) _log.Unimplemented($"ioapic: pin {pin}: delivery mode {mode} is not implemented");
            return;
        }
        _bus.Deliver((int)(entry & 0xFF), (entry & EntryLogical) != 0, (byte)(entry >> 56), (entry & EntryLevel) != 0);
    }
}
