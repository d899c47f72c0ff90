using System.Buffers.Binary;
using System.Text;
using HexEmu.Domain.Cpu;

namespace HexEmu.Domain.Boot;

/// <summary>
/// The Intel MultiProcessor Specification 1.4 structures PC firmware leaves for an OS that looks
/// for its APICs the MP way (xv6 does): the 16-byte MP floating pointer structure and the MP
/// configuration table it points to. Built as bytes here, placed by <see cref="MultibootBoot"/>.
///
/// The contents follow what SeaBIOS builds for qemu-system-i386 7.2 with one CPU (read from its
/// memory with the monitor's pmemsave): spec revision 4, no default configuration, no IMCR
/// (feature bytes all zero), the local APIC at 0xFEE00000, one processor entry (APIC id 0,
/// version 0x14, enabled, bootstrap processor, CPUID signature and features), the ISA bus, one
/// I/O APIC at 0xFEC00000 (version 0x11), ISA IRQ 0 on pin 2 and every other ISA IRQ but 2 on its
/// own pin, ExtINT on LINT0 and NMI on LINT1. Differences, on purpose: our machine has no PCI, so
/// there is no PCI bus entry (the ISA bus is bus 0) and IRQs 5, 9, 10 and 11, which SeaBIOS keeps
/// for PCI, are ISA entries too; the I/O APIC's id is 0, which is what our I/O APIC's ID
/// register reads (an OS such as xv6 compares the two); the OEM and product ids are our own.
/// </summary>
public static class MpTables
{
    public const int FloatingPointerSize = 16;
    public const int HeaderSize = 44;
    public const int ProcessorEntrySize = 20;
    public const int OtherEntrySize = 8;

    public const uint LocalApicAddress = 0xFEE0_0000;
    public const uint IoApicAddress = 0xFEC0_0000;
    public const byte LocalApicVersion = 0x14;
    public const byte IoApicVersion = 0x11;
    public const byte BootProcessorApicId = 0;
    public const byte IoApicId = 0;
    public const byte IsaBusId = 0;
    public const byte SpecRevision = 4;

    /// <summary>The ISA IRQs that have an I/O interrupt assignment entry: all but 2, the 8259 cascade.</summary>
    public static IReadOnlyList<byte> IsaIrqs { get; } = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// <summary>The I/O APIC input an ISA IRQ arrives on: the PIT's IRQ 0 is wired to pin 2 (the usual override), every other IRQ to its own pin.</summary>
    public static byte IoApicPinFor(byte isaIrq) => isaIrq == 0 ? (byte)2 : isaIrq;

    /// <summary>Entry types (spec table 4-3).</summary>
    public const byte EntryProcessor = 0, EntryBus = 1, EntryIoApic = 2, EntryIoInterrupt = 3, EntryLocalInterrupt = 4;

    /// <summary>Interrupt types of the interrupt assignment entries (spec table 4-8).</summary>
    public const byte InterruptInt = 0, InterruptNmi = 1, InterruptSmi = 2, InterruptExtInt = 3;

    /// <summary>Whether a machine with this CPU gets MP tables: only one with a local APIC (CPUID.1:EDX.APIC).</summary>
    public static bool AppliesTo(CpuModel model) => (model.CpuidFeaturesEdx & CpuModel.Feature.APIC) != 0;

    /// <summary>The MP configuration table (header and entries) for one processor of <paramref name="cpu"/>, checksummed.</summary>
    public static byte[] ConfigurationTable(CpuModel cpu)
    {
        int count = 1 + 1 + 1 + IsaIrqs.Count + 2;
        int length = HeaderSize + ProcessorEntrySize + (count - 1) * OtherEntrySize;
        var t = new byte[length];
        Encoding.ASCII.GetBytes("PCMP", t.AsSpan(0));
        Put16(t, 4, (ushort)length);
        t[6] = SpecRevision;
        Encoding.ASCII.GetBytes("HEXEMU  ", t.AsSpan(8));     // OEM id, 8 bytes, space-padded
        Encoding.ASCII.GetBytes("PC i386     ", t.AsSpan(16)); // product id, 12 bytes
        // 28: OEM table pointer 0, 32: OEM table size 0
        Put16(t, 34, (ushort)count);
        Put32(t, 36, LocalApicAddress);
        // 40: extended table length 0, 42: extended table checksum 0, 43: reserved

        int at = HeaderSize;
        t[at] = EntryProcessor;
        t[at + 1] = BootProcessorApicId;
        t[at + 2] = LocalApicVersion;
        t[at + 3] = 0b11; // enabled, bootstrap processor
        Put32(t, at + 4, cpu.CpuidSignature);
        Put32(t, at + 8, cpu.CpuidFeaturesEdx);
        at += ProcessorEntrySize;

        t[at] = EntryBus;
        t[at + 1] = IsaBusId;
        Encoding.ASCII.GetBytes("ISA   ", t.AsSpan(at + 2));
        at += OtherEntrySize;

        t[at] = EntryIoApic;
        t[at + 1] = IoApicId;
        t[at + 2] = IoApicVersion;
        t[at + 3] = 1; // enabled
        Put32(t, at + 4, IoApicAddress);
        at += OtherEntrySize;

        // Flags 0: polarity and trigger mode "conform to the bus" (ISA: active high, edge).
        foreach (byte irq in IsaIrqs)
        {
            InterruptEntry(t, at, EntryIoInterrupt, InterruptInt, irq, IoApicId, IoApicPinFor(irq));
            at += OtherEntrySize;
        }
        InterruptEntry(t, at, EntryLocalInterrupt, InterruptExtInt, 0, BootProcessorApicId, 0);
        at += OtherEntrySize;
        InterruptEntry(t, at, EntryLocalInterrupt, InterruptNmi, 0, 0xFF, 1); // 0xFF: every local APIC
        t[7] = Checksum(t);
        return t;
    }

    /// <summary>The MP floating pointer structure pointing at a configuration table at <paramref name="configurationAddress"/>, checksummed.</summary>
    public static byte[] FloatingPointer(uint configurationAddress)
    {
        var p = new byte[FloatingPointerSize];
        Encoding.ASCII.GetBytes("_MP_", p.AsSpan(0));
        Put32(p, 4, configurationAddress);
        p[8] = 1; // length in 16-byte paragraphs
        p[9] = SpecRevision;
        // 11: feature byte 1 = 0, a configuration table is present (no default configuration);
        // 12: feature byte 2 = 0, bit 7 (IMCR present) clear as SeaBIOS leaves it: virtual wire mode.
        p[10] = Checksum(p);
        return p;
    }

    /// <summary>The byte that makes the sum of all of <paramref name="bytes"/> zero, given that its own slot holds 0.</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes) sum += b;
        return (byte)(0 - sum);
    }

    private static void InterruptEntry(byte[] t, int at, byte entryType, byte interruptType, byte sourceIrq, byte destinationApic, byte destinationPin)
    {
        t[at] = entryType;
        t[at + 1] = interruptType;
        // at + 2: flags 0 (conforms to the bus)
        t[at + 4] = IsaBusId;
        t[at + 5] = sourceIrq;
        t[at + 6] = destinationApic;
        t[at + 7] = destinationPin;
    }

    private static void Put16(byte[] b, int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), value);
    private static void Put32(byte[] b, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), value);
}
