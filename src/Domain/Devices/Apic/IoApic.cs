using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The I/O APIC (Intel 82093AA datasheet), as QEMU's version 20h with 24 inputs: an index
/// register IOREGSEL at +00h and a data window IOWIN at +10h, both taking 32-bit accesses, and
/// behind them the ID (register 0), version (1), arbitration ID (2) and the redirection table
/// (10h + 2n: low dword, +1: high dword). Version 20h also has the EOI register at +40h. Each
/// input's entry turns an edge or a level into a message to the local APIC. Split by concern:
/// registers here, inputs and delivery in .Redirection, the state section in .State.
/// </summary>
public sealed partial class IoApic : IMmioDevice, IApicEoiListener
{
    public const uint DefaultBase = 0xFEC0_0000;
    public const uint RegionBytes = 0x1000;
    public const int PinCount = 24;

    /// <summary>Version 20h, maximum redirection entry 17h (24 entries): QEMU's value.</summary>
    public const uint VersionValue = 0x0017_0020;

    private const uint RegisterSelect = 0x00, Window = 0x10, EoiRegister = 0x40;
    private const int RegId = 0, RegVersion = 1, RegArbitration = 2, RegRedirection = 0x10;

    private readonly IApicMessageSink _bus;
    private readonly IGuestLog _log;
    private readonly IIrqLine[] _pins = new IIrqLine[PinCount];

    private byte _select;
    /// <summary>Register 0: the APIC ID in bits 24–27.</summary>
    private uint _id;

    public IoApic(IApicMessageSink bus, IGuestLog log)
    {
        _bus = bus;
        _log = log;
        for (int i = 0; i < PinCount; i++)
        {
            _pins[i] = new PinInput(this, i);
            _redirection[i] = EntryMasked;
        }
    }

    /// <summary>
    /// The input an ISA IRQ drives: IRQ n goes to INTIN n, except that the PIT's IRQ 0 goes to
    /// INTIN2 (QEMU wires it so, and PC firmware's MP tables and ACPI say so with an override).
    /// Nothing drives INTIN0; ISA IRQ 2 is the 8259 cascade and has no input of its own.
    /// </summary>
    public static int PinForIsaIrq(int irq) => irq == 0 ? 2 : irq;

    /// <summary>IOREGSEL: the register the window at +10h reads and writes.</summary>
    public byte SelectedRegister => _select;

    /// <summary>Register 0: the APIC ID in bits 24–27.</summary>
    public uint IdRegister => _id;

    /// <summary>The line a device drives for input <paramref name="pin"/> (0–23).</summary>
    public IIrqLine Pin(int pin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pin, PinCount);
        return _pins[pin];
    }

    public uint Read(uint offset, int size)
    {
        if (size != 4)
        {
            GuestError($"read of {size} bytes at +0x{offset:x2} (32-bit accesses only)");
            return 0;
        }
        switch (offset)
        {
            case RegisterSelect: return _select;
            case Window: return ReadRegister(_select);
            default:
                GuestError($"read at +0x{offset:x2}: no register there");
                return 0;
        }
    }

    public void Write(uint offset, int size, uint value)
    {
        if (size != 4)
        {
            GuestError($"write of {size} bytes at +0x{offset:x2} ignored (32-bit accesses only)");
            return;
        }
        switch (offset)
        {
            case RegisterSelect: _select = (byte)value; break;
            case Window: WriteRegister(_select, value); break;
            case EoiRegister: EndOfInterrupt((int)(value & 0xFF)); break;
            default: GuestError($"write 0x{value:x8} at +0x{offset:x2} ignored: no register there"); break;
        }
    }

    private uint ReadRegister(int reg)
    {
        switch (reg)
        {
            case RegId: return _id;
            case RegVersion: return VersionValue;
            case RegArbitration: return _id; // the arbitration ID is loaded from the APIC ID
            case >= RegRedirection and < RegRedirection + 2 * PinCount:
                ulong entry = _redirection[(reg - RegRedirection) >> 1];
                return (reg & 1) == 0 ? (uint)entry : (uint)(entry >> 32);
            default:
                GuestError($"read of register 0x{reg:x2}: there is none");
                return 0;
        }
    }

    private void WriteRegister(int reg, uint value)
    {
        switch (reg)
        {
            case RegId: _id = value & 0x0F00_0000; break;
            case >= RegRedirection and < RegRedirection + 2 * PinCount:
                WriteRedirection((reg - RegRedirection) >> 1, high: (reg & 1) != 0, value);
                break;
            default:
                GuestError($"write 0x{value:x8} to register 0x{reg:x2} ignored (read-only or absent)");
                break;
        }
    }

    private void GuestError(string message)
    {
        if (_log.LogsGuestErrors) _log.GuestError("ioapic: " + message);
    }

    private sealed class PinInput(IoApic ioApic, int pin) : IIrqLine
    {
        public void Set(bool high) => ioApic.SetPin(pin, high);
    }
}
