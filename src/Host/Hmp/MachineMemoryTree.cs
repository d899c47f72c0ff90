using HexEmu.Application.Monitor;
using HexEmu.Domain.Machine;

namespace HexEmu.Host.Hmp;

/// <summary>
/// `info mtree` for the PC: the memory address space (RAM, the firmware at the top of 4 GiB and
/// its alias below 1 MiB, the I/O APIC and the local APIC where its base MSR puts it) and the I/O space with the devices this machine configuration has.
/// </summary>
public static class MachineMemoryTree
{
    public static IReadOnlyList<MtreeAddressSpace> Describe(PcMachine machine)
    {
        var memory = new List<MtreeRegion> { new("pc.ram", 0, machine.Memory.RamSize - 1UL, MtreeRegionKind.Ram) };
        int rom = machine.Memory.Rom.Length;
        if (rom > 0)
        {
            memory.Add(new("pc.bios", 0x1_0000_0000UL - (ulong)rom, 0xFFFF_FFFF, MtreeRegionKind.Rom, Priority: 1));
            ulong low = (ulong)Math.Min(rom, 128 * 1024);
            memory.Add(new("isa-bios", 0x10_0000 - low, 0xF_FFFF, MtreeRegionKind.Rom, Priority: 1));
        }
        if (machine.IoApic is not null)
            memory.Add(new("ioapic", Domain.Devices.Apic.IoApic.DefaultBase,
                           Domain.Devices.Apic.IoApic.DefaultBase + Domain.Devices.Apic.IoApic.RegionBytes - 1, MtreeRegionKind.Io, Priority: 1));
        if (machine.LocalApic?.MappedBase is { } apic)
            memory.Add(new("apic", apic, apic + (ulong)Domain.Devices.Apic.LocalApic.RegionBytes - 1, MtreeRegionKind.Io, Priority: 1));
        var config = machine.Config;
        var io = new List<MtreeRegion>
        {
            Port("pic", 0x20, 2), Port("pic", 0xA0, 2), Port("pit", 0x40, 4), Port("i8042-data", 0x60, 1),
            Port("port61", 0x61, 1), Port("i8042-cmd", 0x64, 1), Port("rtc", 0x70, 2), Port("ioport80", 0x80, 1),
            Port("port92", 0x92, 1),
            Port("ide", 0x1F0, 8), Port("ide", 0x3F6, 1), Port("ide", 0x170, 8), Port("ide", 0x376, 1),
        };
        if (!config.IsaOnly) io.Add(Port("elcr", 0x4D0, 2));
        if (config.Vga) io.Add(Port("vga", 0x3D4, 7));
        for (int i = 0; i < config.SerialPorts.Count; i++)
            if (config.SerialPorts[i] is not null && machine.Serial(i) is { } uart)
                io.Add(Port("serial", uart.Port.BasePort, 8));
        foreach (var (port, _) in config.DebugConsoles) io.Add(Port("isa-debugcon", port, 1));
        if (config.DebugExit is { } exit) io.Add(Port("isa-debug-exit", exit.Base, exit.Size));

        return
        [
            new("memory", new MtreeRegion("system", 0, 0xFFFF_FFFF, MtreeRegionKind.Io, Children: memory)),
            new("I/O", new MtreeRegion("io", 0, 0xFFFF, MtreeRegionKind.Io, Children: io)),
        ];
    }

    private static MtreeRegion Port(string name, ushort first, int count) =>
        new(name, first, first + (ulong)count - 1, MtreeRegionKind.Io);
}
