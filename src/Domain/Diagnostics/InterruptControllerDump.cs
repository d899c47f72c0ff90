using System.Globalization;
using System.Text;
using HexEmu.Domain.Devices.Apic;
using HexEmu.Domain.Devices.Pic;

namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The monitor's `info pic` text as QEMU 7.2 lays it out: the I/O APIC's redirection table (when the
/// machine has one), then the slave and the master 8259, in the order QEMU lists them.
/// </summary>
public static class InterruptControllerDump
{
    private static readonly string[] DeliveryModes = ["fixed", "lowest", "SMI", "...", "NMI", "INIT", "...", "extINT"];

    public static string Format(IoApic? ioApic, DualPic pic)
    {
        var text = new StringBuilder();
        if (ioApic is not null) IoApicTable(text, ioApic);
        Pic(text, 1, pic.Slave);
        Pic(text, 0, pic.Master);
        return text.ToString();
    }

    private static void IoApicTable(StringBuilder text, IoApic ioApic)
    {
        byte select = ioApic.SelectedRegister;
        text.Append(Invariant($"ioapic0: ver=0x{IoApic.VersionValue & 0xFF:x} id=0x{ioApic.IdRegister >> 24:x2} sel=0x{select:x2}"));
        text.Append(select != 0 ? Invariant($" (redir[{(select - 0x10) >> 1}])\n") : "\n");
        uint remoteIrr = 0;
        for (int pin = 0; pin < IoApic.PinCount; pin++)
        {
            ulong entry = ioApic.Entry(pin);
            bool logical = (entry & (1UL << 11)) != 0, level = (entry & (1UL << 15)) != 0;
            ulong destination = (entry >> 56) & (logical ? 0xFFUL : 0xFUL);
            text.Append("  pin ").Append(pin.ToString(CultureInfo.InvariantCulture).PadRight(2))
                .Append(Invariant($" 0x{entry:x16} dest={destination:x} vec="))
                .Append((entry & 0xFF).ToString(CultureInfo.InvariantCulture).PadRight(3)).Append(' ')
                .Append((entry & (1UL << 13)) != 0 ? "active-lo" : "active-hi").Append(' ')
                .Append((level ? "level" : "edge").PadRight(5)).Append(' ')
                .Append(((entry & (1UL << 16)) != 0 ? "masked" : "").PadRight(6)).Append(' ')
                .Append(DeliveryModes[(entry >> 8) & 7].PadRight(6)).Append(' ')
                .Append(logical ? "logical" : "physical").Append('\n');
            if (level && (entry & (1UL << 14)) != 0) remoteIrr |= 1u << pin;
        }
        Pins(text, "  IRR", ioApic.PendingRequests);
        Pins(text, "  Remote IRR", remoteIrr);
    }

    private static void Pins(StringBuilder text, string name, uint bits)
    {
        text.Append(name.PadRight(10)).Append(' ');
        if (bits == 0)
        {
            text.Append("(none)\n");
            return;
        }
        for (int pin = 0; pin < IoApic.PinCount; pin++)
            if ((bits & (1u << pin)) != 0) text.Append(pin.ToString(CultureInfo.InvariantCulture).PadRight(2)).Append(' ');
        text.Append('\n');
    }

    private static void Pic(StringBuilder text, int index, Pic8259 chip) =>
        text.Append(Invariant($"pic{index}: irr={chip.Irr:x2} imr={chip.Imr:x2} isr={chip.Isr:x2} hprio={chip.PriorityZeroLevel} ")
            + Invariant($"irq_base={chip.VectorBase:x2} rr_sel={(chip.ReadsIsr ? 1 : 0)} elcr={chip.Elcr:x2} fnm={(chip.SpecialFullyNestedMode ? 1 : 0)}\n"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
