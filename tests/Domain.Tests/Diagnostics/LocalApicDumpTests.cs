using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Tests.Devices.Apic;
using static HexEmu.Domain.Tests.Devices.Apic.ApicTestKit;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `info lapic` against QEMU 7.2's own output: the expected text below is what qemu-system-i386
/// printed for xv6 idling at its shell prompt, and the local APIC here is programmed the way xv6
/// programs it (only the current count, which depends on when one looks, is chosen to match).
/// </summary>
public sealed class LocalApicDumpTests
{
    [Fact]
    public void The_state_xv6_leaves_reads_as_qemu_prints_it()
    {
        var k = new ApicTestKit();
        k.Write(Svr, 0x13F);                   // enabled, spurious vector 63
        k.Write(DivideConfig, 0xB);                  // divide by 1
        k.Write(LvtTimer, Periodic | 32);
        k.Write(Lint0, Masked);
        k.Write(Lint1, Masked);
        k.Write(LvtError, 51);
        k.Write(IcrHigh, 0);
        k.Write(IcrLow, 0x0008_8500);          // INIT level de-assert to all including self (xv6's arbitration sync)
        k.At(0);
        k.Write(InitialCount, 10_000_000);
        k.At(10_000_000 - 1_189_256);          // QEMU's dump had current_count = 1189256

        const string qemu =
            "dumping local APIC state for CPU 0 \n" +
            "\n" +
            "LVT0\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n" +
            "LVT1\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n" +
            "LVTPC\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n" +
            "LVTERR\t 0x00000033 active-hi edge                              Fixed  (vec 51)\n" +
            "LVTTHMR\t 0x00010000 active-hi edge  masked                      Fixed  (vec 0)\n" +
            "LVTT\t 0x00020020 active-hi edge                 periodic     Fixed  (vec 32)\n" +
            "Timer\t DCR=0xb (divide by 1) initial_count = 10000000 current_count = 1189256\n" +
            "SPIV\t 0x0000013f APIC enabled, focus=off, spurious vec 63\n" +
            "ICR\t 0x00088500 physical level de-assert all-self\n" +
            "ICR2\t 0x00000000\n" +
            "ESR\t 0x00000000\n" +
            "ISR\t (none)\n" +
            "IRR\t (none)\n" +
            "\n" +
            "APR 0x00 TPR 0x00 DFR 0x0f LDR 0x00 PPR 0x00\n";
        Assert.Equal(qemu, LocalApicDump.Format(k.Lapic));
    }

    [Fact]
    public void Pending_and_in_service_vectors_are_listed_with_level_ones_marked_and_a_physical_icr_names_its_cpu()
    {
        var k = Enabled();
        k.Route(1, 0x41 | Level);              // I/O APIC pin 1 → vector 0x41, level
        k.IoApic.Pin(1).Set(true);
        k.Write(IcrLow, 0x0000_4031);          // fixed, physical, no shorthand, vector 0x31 to CPU 0: a self IPI
        Assert.Equal(0x41, k.Take());          // 0x41 in service, 0x31 still requested
        string dump = LocalApicDump.Format(k.Lapic);
        Assert.Contains("ICR2\t 0x00000000 cpu 0 (APIC ID)\n", dump);
        Assert.Contains("ISR\t 65(level) \n", dump);
        Assert.Contains("IRR\t 49 \n", dump);
    }
}
