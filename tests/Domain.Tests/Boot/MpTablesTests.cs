using System.Buffers.Binary;
using System.Text;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Memory;
using static HexEmu.Domain.Tests.Boot.KernelFiles;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>
/// The MP floating pointer and configuration table (Intel MultiProcessor Specification 1.4,
/// chapter 4) and where a -kernel boot leaves them: found by the spec's search from the BIOS data
/// area, as an OS (xv6's mp.c) searches, with the entries SeaBIOS gives a one-CPU QEMU machine.
/// </summary>
public class MpTablesTests
{
    private static readonly CpuModel ApicCpu = CpuModel.Default with
    {
        CpuidFeaturesEdx = CpuModel.Default.CpuidFeaturesEdx | CpuModel.Feature.APIC,
    };

    [Fact]
    public void The_floating_pointer_has_the_spec_layout_and_sums_to_zero()
    {
        var p = MpTables.FloatingPointer(0xF0010);
        Assert.Equal(16, p.Length);
        Assert.Equal("_MP_", Encoding.ASCII.GetString(p, 0, 4));
        Assert.Equal(0xF0010u, BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(4)));
        Assert.Equal(1, p[8]);  // one paragraph
        Assert.Equal(4, p[9]);  // spec 1.4
        Assert.Equal(0, Sum(p));
        Assert.Equal(0, p[11]); // a configuration table is present: no default configuration
        Assert.Equal(0, p[12]); // no IMCR, as SeaBIOS under QEMU
        Assert.All(p[13..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_configuration_table_header_sums_to_zero_and_names_the_local_APIC()
    {
        var t = MpTables.ConfigurationTable(ApicCpu);
        Assert.Equal("PCMP", Encoding.ASCII.GetString(t, 0, 4));
        Assert.Equal(t.Length, BinaryPrimitives.ReadUInt16LittleEndian(t.AsSpan(4)));
        Assert.Equal(4, t[6]);
        Assert.Equal(0, Sum(t));
        Assert.Equal("HEXEMU  ", Encoding.ASCII.GetString(t, 8, 8));
        Assert.Equal(12, Encoding.ASCII.GetString(t, 16, 12).Length);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(t.AsSpan(28))); // no OEM table
        Assert.Equal(0xFEE0_0000u, BinaryPrimitives.ReadUInt32LittleEndian(t.AsSpan(36)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(t.AsSpan(40))); // no extended table
        Assert.Equal(Entries(t).Count, BinaryPrimitives.ReadUInt16LittleEndian(t.AsSpan(34)));
    }

    [Fact]
    public void The_entries_are_one_processor_the_ISA_bus_one_IO_APIC_and_the_interrupt_assignments()
    {
        var t = MpTables.ConfigurationTable(ApicCpu);
        var entries = Entries(t);
        // Entries come in ascending type order (spec 4.3).
        Assert.Equal(entries.Select(e => e[0]).Order(), entries.Select(e => e[0]));

        var cpu = Assert.Single(entries, e => e[0] == 0);
        Assert.Equal(20, cpu.Length);
        Assert.Equal(0, cpu[1]);      // local APIC id
        Assert.Equal(0x14, cpu[2]);   // local APIC version
        Assert.Equal(0b11, cpu[3]);   // enabled, bootstrap processor
        Assert.Equal(ApicCpu.CpuidSignature, BinaryPrimitives.ReadUInt32LittleEndian(cpu.AsSpan(4)));
        Assert.Equal(ApicCpu.CpuidFeaturesEdx, BinaryPrimitives.ReadUInt32LittleEndian(cpu.AsSpan(8)));

        var bus = Assert.Single(entries, e => e[0] == 1);
        Assert.Equal("ISA   ", Encoding.ASCII.GetString(bus, 2, 6));
        byte isa = bus[1];

        var ioApic = Assert.Single(entries, e => e[0] == 2);
        Assert.Equal(0, ioApic[1]);   // id 0: what the I/O APIC's ID register reads
        Assert.Equal(0x11, ioApic[2]);
        Assert.Equal(1, ioApic[3]);   // enabled
        Assert.Equal(0xFEC0_0000u, BinaryPrimitives.ReadUInt32LittleEndian(ioApic.AsSpan(4)));

        var routes = entries.Where(e => e[0] == 3).ToList();
        Assert.All(routes, r =>
        {
            Assert.Equal(0, r[1]);                                            // INT
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(r.AsSpan(2))); // conforms to the bus
            Assert.Equal(isa, r[4]);
            Assert.Equal(ioApic[1], r[6]);
        });
        var pinOf = routes.ToDictionary(r => (int)r[5], r => (int)r[7]);
        Assert.Equal(Enumerable.Range(0, 16).Where(i => i != 2), pinOf.Keys.Order());
        Assert.Equal(2, pinOf[0]);
        foreach (var (irq, pin) in pinOf.Where(p => p.Key != 0)) Assert.Equal(irq, pin);

        var local = entries.Where(e => e[0] == 4).ToList();
        Assert.Equal(2, local.Count);
        Assert.Equal([3, 0], new[] { local[0][1], local[0][7] }); // ExtINT → LINT0
        Assert.Equal([1, 1], new[] { local[1][1], local[1][7] }); // NMI → LINT1
        Assert.Equal(0xFF, local[1][6]);                          // on every local APIC
    }

    [Fact]
    public void A_kernel_boot_sets_the_BIOS_data_area_as_SeaBIOS_does()
    {
        var m = Booted(CpuModel.Default, withRom: false);
        Assert.Equal(0x9FC0, BinaryPrimitives.ReadUInt16LittleEndian(m.Ram[0x40E..]));
        Assert.Equal(639, BinaryPrimitives.ReadUInt16LittleEndian(m.Ram[0x413..]));
    }

    [Fact]
    public void Without_a_local_APIC_there_are_no_MP_tables()
    {
        var m = Booted(CpuModel.ByName("486")!, withRom: false); // the 486 has no local APIC
        Assert.Null(Search(m));
    }

    [Fact]
    public void With_a_local_APIC_the_spec_search_finds_the_tables_in_the_BIOS_area()
    {
        var m = Booted(ApicCpu, withRom: false);
        uint? found = Search(m);
        Assert.NotNull(found);
        Assert.InRange(found.Value, 0xF0000u, 0xFFFF0u);
        uint table = Peek32(m, found.Value + 4);
        var expected = MpTables.ConfigurationTable(ApicCpu);
        Assert.Equal(expected, m.Ram.Slice((int)table, expected.Length).ToArray());
        Assert.Equal(0, Sum(m.Ram.Slice((int)table, BinaryPrimitives.ReadUInt16LittleEndian(m.Ram[((int)table + 4)..])).ToArray()));
        Assert.True(m.IsDirty(table >> PhysicalMemory.PageShift)); // noted as written, so snapshots carry it
    }

    [Fact]
    public void A_machine_booting_a_kernel_gets_the_tables_of_its_own_CPU_model_and_again_after_a_reset()
    {
        var kernel = KernelImage.Parse(Elf32(0x20000C, [new Segment(0x200000, WithHeader(Bytes(20)), 0x100)]));
        var boot = new MultibootBoot(kernel, 16 << 20, MultibootBoot.QemuCommandLine("/k", null), []);
        var machine = new PcMachine(new MachineConfig { RamBytes = 16 << 20, CpuModel = ApicCpu, BootLoader = boot });
        uint found = Assert.NotNull(Search(machine.Memory));
        var expected = MpTables.ConfigurationTable(ApicCpu);
        Assert.Equal(expected, machine.Memory.Ram.Slice((int)Peek32(machine.Memory, found + 4), expected.Length).ToArray());

        machine.Memory.Ram.Slice(0xF0000, 0x10000).Clear(); // a kernel that ignored the memory map
        machine.Reset();
        Assert.Equal(found, Search(machine.Memory));
    }

    [Fact]
    public void With_a_firmware_ROM_over_the_BIOS_area_the_tables_go_in_the_EBDA_which_is_searched_first()
    {
        var m = Booted(ApicCpu, withRom: true);
        uint? found = Search(m);
        Assert.Equal(0x9FC00u, found);
        uint table = Peek32(m, found!.Value + 4);
        Assert.InRange(table, 0x9FC00u, 0x9FFFFu);
        Assert.Equal("PCMP", Encoding.ASCII.GetString(m.Ram.Slice((int)table, 4)));
    }

    [Fact]
    public void The_search_falls_back_to_the_last_KiB_of_base_memory_when_there_is_no_EBDA()
    {
        // Not what the boot produces, but the search must follow the spec: EBDA segment 0 means none.
        var m = new PhysicalMemory(2 << 20);
        BinaryPrimitives.WriteUInt16LittleEndian(m.Ram[0x413..], 512);
        MpTables.FloatingPointer(0x12340).CopyTo(m.Ram[(512 * 1024 - 1024 + 0x30)..]);
        Assert.Equal(512u * 1024 - 1024 + 0x30, Search(m));
    }

    /// <summary>
    /// The MP spec 1.4 search (section 4), as an OS does it: the first KiB of the EBDA, whose
    /// segment is the BDA word at 0x40E; if that is 0, the last KiB of base memory (the BDA word at
    /// 0x413, in KiB); then the BIOS area 0xF0000–0xFFFFF; on 16-byte boundaries, "_MP_" with a
    /// zero sum over its length in paragraphs.
    /// </summary>
    private static uint? Search(PhysicalMemory m)
    {
        uint ebda = (uint)BinaryPrimitives.ReadUInt16LittleEndian(m.Ram[0x40E..]) << 4;
        uint? found = ebda != 0
            ? SearchRange(m, ebda, 1024)
            : SearchRange(m, BinaryPrimitives.ReadUInt16LittleEndian(m.Ram[0x413..]) * 1024u - 1024, 1024);
        return found ?? SearchRange(m, 0xF0000, 0x10000);
    }

    private static uint? SearchRange(PhysicalMemory m, uint start, uint length)
    {
        for (uint at = start; at + 16 <= start + length; at += 16)
        {
            if (!m.Ram.Slice((int)at, 4).SequenceEqual("_MP_"u8)) continue;
            int size = m.Ram[(int)at + 8] * 16;
            if (size >= 16 && Sum(m.Ram.Slice((int)at, size).ToArray()) == 0) return at;
        }
        return null;
    }

    private static PhysicalMemory Booted(CpuModel cpu, bool withRom)
    {
        var kernel = KernelImage.Parse(Elf32(0x20000C, [new Segment(0x200000, WithHeader(Bytes(20)), 0x100)]));
        var boot = new MultibootBoot(kernel, 16 << 20, MultibootBoot.QemuCommandLine("/k", null), []);
        var m = new PhysicalMemory(boot.RamBytes);
        if (withRom) m.LoadRom(new byte[64 * 1024]);
        boot.Load(m, cpu);
        return m;
    }

    /// <summary>The entries after the header: 20 bytes for a processor, 8 for the others.</summary>
    private static List<byte[]> Entries(byte[] table)
    {
        var entries = new List<byte[]>();
        for (int at = 44; at < table.Length;)
        {
            int size = table[at] == 0 ? 20 : 8;
            entries.Add(table[at..(at + size)]);
            at += size;
        }
        return entries;
    }

    private static int Sum(byte[] bytes) => bytes.Aggregate(0, (s, b) => (s + b) & 0xFF);
    private static uint Peek32(PhysicalMemory m, uint at) => BinaryPrimitives.ReadUInt32LittleEndian(m.Ram[(int)at..]);
}
