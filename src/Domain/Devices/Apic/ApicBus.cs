namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// How an interrupt message is to be delivered (the 3-bit delivery mode field of an I/O APIC
/// redirection entry, an LVT entry or the ICR; SDM vol. 3, 10.5.1 and 10.6.1).
/// </summary>
public enum ApicDeliveryMode : byte
{
    Fixed = 0,
    LowestPriority = 1,
    Smi = 2,
    Nmi = 4,
    Init = 5,
    StartUp = 6,
    ExtInt = 7,
}

/// <summary>The APIC bus as the I/O APIC sees it: where its interrupt messages go (our one local APIC).</summary>
public interface IApicMessageSink
{
    /// <summary>
    /// A fixed or lowest-priority message for <paramref name="vector"/>; true when a local APIC
    /// took it into its IRR (the destination matched and the vector is legal).
    /// </summary>
    bool Deliver(int vector, bool logicalDestination, byte destination, bool levelTriggered);
}

/// <summary>The EOI message a local APIC broadcasts for a level-triggered vector (the I/O APIC clears its remote IRR).</summary>
public interface IApicEoiListener
{
    void EndOfInterrupt(int vector);
}

/// <summary>One interrupt request line driving several controllers (an ISA IRQ wired to the 8259 pair and the I/O APIC).</summary>
public sealed class IrqSplitter(params IIrqLine[] outputs) : IIrqLine
{
    public void Set(bool high)
    {
        foreach (var line in outputs) line.Set(high);
    }
}

/// <summary>A 256-bit register bank (IRR, ISR, TMR) kept as eight 32-bit words, as the APIC shows it.</summary>
internal static class VectorBits
{
    public const int Words = 8;

    public static bool Get(uint[] bank, int vector) => (bank[vector >> 5] & (1u << (vector & 31))) != 0;

    public static void Set(uint[] bank, int vector) => bank[vector >> 5] |= 1u << (vector & 31);

    public static void Clear(uint[] bank, int vector) => bank[vector >> 5] &= ~(1u << (vector & 31));

    /// <summary>The highest vector set, or -1 (the highest vector has the highest priority).</summary>
    public static int Highest(uint[] bank)
    {
        for (int w = Words - 1; w >= 0; w--)
            if (bank[w] != 0) return (w << 5) | System.Numerics.BitOperations.Log2(bank[w]);
        return -1;
    }
}
