using System.Globalization;
using System.Text;
using HexEmu.Domain.Devices.Apic;

namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The monitor's `info lapic` text, laid out as QEMU 7.2 lays it out (tab after each register
/// name, fixed-width LVT columns, ISR/IRR as vector lists), so a QEMU user reads it the same way.
/// Everything comes from register reads, which have no side effects for the registers read here.
/// </summary>
public static class LocalApicDump
{
    private static readonly string[] DeliveryModes = ["Fixed", "...", "SMI", "...", "NMI", "INIT", "...", "ExtINT"];
    private static readonly string[] Shorthands = ["no-shorthand", "self", "all-self", "all"];

    public static string Format(LocalApic apic)
    {
        uint Reg(uint offset) => apic.Read(offset, 4);
        var text = new StringBuilder();
        text.Append("dumping local APIC state for CPU 0 \n\n");
        Lvt(text, "LVT0", Reg(0x350), timer: false);
        Lvt(text, "LVT1", Reg(0x360), timer: false);
        Lvt(text, "LVTPC", Reg(0x340), timer: false);
        Lvt(text, "LVTERR", Reg(0x370), timer: false);
        Lvt(text, "LVTTHMR", Reg(0x330), timer: false);
        Lvt(text, "LVTT", Reg(0x320), timer: true);

        uint dcr = Reg(0x3E0) & 0xB;
        uint code = ((dcr & 8) >> 1) | (dcr & 3);
        uint divider = code == 7 ? 1 : 2u << (int)code;
        text.Append(Invariant($"Timer\t DCR=0x{dcr:x} (divide by {divider}) initial_count = {Reg(0x380)} current_count = {Reg(0x390)}\n"));

        uint svr = Reg(0x0F0);
        text.Append(Invariant($"SPIV\t 0x{svr:x8} APIC {((svr & 0x100) != 0 ? "enabled" : "disabled")}, focus={((svr & 0x200) != 0 ? "on" : "off")}, spurious vec {svr & 0xFF}\n"));

        uint dfrModel = Reg(0x0E0) >> 28, logicalId = Reg(0x0D0) >> 24;
        Icr(text, Reg(0x300), Reg(0x310), dfrModel);
        text.Append(Invariant($"ESR\t 0x{Reg(0x280):x8}\n"));
        Vectors(text, "ISR", offset => Reg(0x100 + offset), offset => Reg(0x180 + offset));
        Vectors(text, "IRR", offset => Reg(0x200 + offset), offset => Reg(0x180 + offset));

        // QEMU's "APR" is the arbitration ID, which for one CPU is its APIC ID.
        text.Append(Invariant($"\nAPR 0x{Reg(0x020) >> 24:x2} TPR 0x{Reg(0x080) & 0xFF:x2} DFR 0x{dfrModel:x2} LDR 0x{logicalId:x2}"));
        if (dfrModel == 0) text.Append(Invariant($"(cluster {logicalId >> 4}: id {logicalId & 0xF})"));
        text.Append(Invariant($" PPR 0x{Reg(0x0A0) & 0xFF:x2}\n"));
        return text.ToString();
    }

    private static void Lvt(StringBuilder text, string name, uint lvt, bool timer)
    {
        uint mode = (lvt >> 8) & 7;
        string timerMode = !timer ? "" : (lvt & (1u << 17)) != 0 ? "periodic" : (lvt & (1u << 18)) != 0 ? "tsc-deadline" : "one-shot";
        text.Append(Invariant($"{name}\t 0x{lvt:x8} {((lvt & (1u << 13)) != 0 ? "active-lo" : "active-hi")} "))
            .Append(((lvt & (1u << 15)) != 0 ? "level" : "edge").PadRight(5)).Append(' ')
            .Append(((lvt & (1u << 16)) != 0 ? "masked" : "").PadRight(6)).Append(' ')
            .Append(((lvt & (1u << 12)) != 0 ? "pending" : "").PadRight(7)).Append(' ')
            .Append(timerMode.PadRight(12)).Append(' ')
            .Append(DeliveryModes[mode].PadRight(6));
        text.Append(mode == 4 ? "\n" : Invariant($" (vec {lvt & 0xFF})\n"));
    }

    private static void Icr(StringBuilder text, uint icr, uint icr2, uint dfrModel)
    {
        uint shorthand = (icr >> 18) & 3;
        bool logical = (icr & (1u << 11)) != 0;
        text.Append(Invariant($"ICR\t 0x{icr:x8} {(logical ? "logical" : "physical")} {((icr & (1u << 15)) != 0 ? "level" : "edge")} "))
            .Append((icr & (1u << 14)) != 0 ? "assert" : "de-assert").Append(' ').Append(Shorthands[shorthand]).Append('\n');
        text.Append(Invariant($"ICR2\t 0x{icr2:x8}"));
        uint destination = icr2 >> 24;
        if (shorthand != 0) text.Append('\n');
        else if (!logical) text.Append(Invariant($" cpu {destination & 0xF} (APIC ID)\n"));
        else if (dfrModel == 0xF) text.Append(" mask ").Append(Bits(destination, 8)).Append(" (APIC ID)\n");
        else if (dfrModel == 0) text.Append(Invariant($" cluster {destination >> 4} mask ")).Append(Bits(destination & 0xF, 4)).Append(" (APIC ID)\n");
        // Any other destination model prints no line end after ICR2, as QEMU does.
    }

    private static string Bits(uint value, int width)
    {
        var bits = new char[width];
        for (int k = 0; k < width; k++) bits[k] = ((value >> (width - 1 - k)) & 1) != 0 ? '1' : '0';
        return new string(bits);
    }

    /// <summary>The vectors set in a 256-bit register bank, each marked "(level)" when the TMR has it.</summary>
    private static void Vectors(StringBuilder text, string name, Func<uint, uint> bank, Func<uint, uint> tmr)
    {
        text.Append(name).Append("\t ");
        bool any = false;
        for (uint vector = 0; vector < 256; vector++)
        {
            uint offset = (vector >> 5) << 4, bit = 1u << (int)(vector & 31);
            if ((bank(offset) & bit) == 0) continue;
            text.Append(vector.ToString(CultureInfo.InvariantCulture)).Append((tmr(offset) & bit) != 0 ? "(level)" : "").Append(' ');
            any = true;
        }
        text.Append(any ? "" : "(none)").Append('\n');
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
