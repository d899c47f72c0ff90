using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Tests.Devices.Apic;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `info pic` against QEMU 7.2's own output: the I/O APIC lines below are what qemu-system-i386
/// printed for xv6 at its shell prompt, with the I/O APIC programmed here as xv6 programs it.
/// </summary>
public sealed class InterruptControllerDumpTests
{
    [Fact]
    public void The_io_apic_xv6_leaves_reads_as_qemu_prints_it()
    {
        var k = new ApicTestKit();
        for (int pin = 0; pin < 24; pin++) k.Route(pin, 0x1_0000 | (uint)(32 + pin)); // xv6's ioapicinit: all masked
        foreach (int pin in new[] { 1, 4, 14 }) k.Route(pin, (uint)(32 + pin));           // ioapicenable: keyboard, COM1, IDE

        string dump = InterruptControllerDump.Format(k.IoApic, new DualPic());

        string qemu = "ioapic0: ver=0x20 id=0x00 sel=0x2c (redir[14])\n";
        for (int pin = 0; pin < 24; pin++)
        {
            bool enabled = pin is 1 or 4 or 14;
            qemu += $"  pin {pin,-2} 0x{(enabled ? 0 : 0x10000) | (32 + pin):x16} dest=0 vec={32 + pin,-3} active-hi edge  "
                  + (enabled ? "      " : "masked") + " fixed  physical\n";
        }
        qemu += "  IRR      (none)\n  Remote IRR (none)\n";
        Assert.StartsWith(qemu, dump);
    }

    [Fact]
    public void Level_requests_and_remote_irr_are_listed_by_pin_and_the_8259s_follow_slave_first()
    {
        var k = ApicTestKit.Enabled();
        k.Route(9, 0x41 | ApicTestKit.Level);
        k.Route(11, 0x42 | ApicTestKit.Level | ApicTestKit.Masked);
        k.IoApic.Pin(9).Set(true);   // delivered: remote IRR until the EOI
        k.IoApic.Pin(11).Set(true);  // masked: waits at the input
        var pic = new DualPic();

        string dump = InterruptControllerDump.Format(k.IoApic, pic);

        Assert.Contains("  IRR      9  11 \n  Remote IRR 9  \n", dump);
        Assert.EndsWith("pic1: irr=00 imr=00 isr=00 hprio=0 irq_base=00 rr_sel=0 elcr=00 fnm=0\n" +
                        "pic0: irr=00 imr=00 isr=00 hprio=0 irq_base=00 rr_sel=0 elcr=00 fnm=0\n", dump);
        Assert.DoesNotContain("ioapic0", InterruptControllerDump.Format(null, pic));
    }
}
