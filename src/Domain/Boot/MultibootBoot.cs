using System.Buffers.Binary;
using System.Text;
using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Boot;

/// <summary>Where one module went: [Start, End) holds its bytes, its command line is at CommandLineAddress.</summary>
public readonly record struct ModulePlacement(uint Start, uint End, uint CommandLineAddress);

/// <summary>
/// A Multiboot v1 boot, laid out and checked against the RAM size when constructed, written into
/// memory by <see cref="Load"/> (at power-on and again at every reset, as QEMU's option ROM
/// copies the kernel afresh on each boot).
///
/// The layout is QEMU's (hw/i386/multiboot.c), so a kernel finds everything at the same
/// addresses as under qemu-system-i386:
/// <list type="bullet">
/// <item>the kernel at its own addresses, spanning [Start, End);</item>
/// <item>from the next page boundary: the module list (16 bytes per module), the modules'
/// command lines, the kernel's command line, the boot loader name;</item>
/// <item>from the next page boundary: each module, page-aligned;</item>
/// <item>the E820 map at 0x9000, the information structure at 0x9500, a GDT at 0xCB000.</item>
/// </list>
/// One difference: QEMU sizes the string area by the raw -initrd text, so with ",," escapes in it
/// the boot loader name lands a few bytes later there than here.
/// </summary>
public sealed class MultibootBoot : Machine.IBootLoader
{
    /// <summary>
    /// The boot loader name QEMU reports. We report it too: the goal is that a guest sees the same
    /// machine under hexemu as under qemu-system-i386 (issue 3), and kernels that print or test
    /// the name then behave the same.
    /// </summary>
    public const string DefaultBootLoaderName = "qemu";

    /// <summary>EAX at a Multiboot kernel's entry.</summary>
    public const uint BootloaderMagic = 0x2BAD_B002;

    /// <summary>The information structure's flags (spec 3.3) that QEMU sets and we set.</summary>
    public const uint InfoFlagMemory = 1u << 0, InfoFlagBootDevice = 1u << 1, InfoFlagCommandLine = 1u << 2,
        InfoFlagModules = 1u << 3, InfoFlagMemoryMap = 1u << 6, InfoFlagBootLoaderName = 1u << 9;
    public const uint InfoFlags = InfoFlagMemory | InfoFlagBootDevice | InfoFlagCommandLine | InfoFlagModules
        | InfoFlagMemoryMap | InfoFlagBootLoaderName;

    /// <summary>boot_device as QEMU passes it: BIOS drive 0x80 (the first hard disk), no partition.</summary>
    public const uint BootDevice = 0x8000_FFFF;

    /// <summary>The kernel's command line as QEMU builds it: the -kernel path, a space, the -append text (even when empty).</summary>
    public static string QemuCommandLine(string kernelPath, string? append) => $"{kernelPath} {append ?? ""}";

    private readonly KernelImage _kernel;
    private readonly IReadOnlyList<MultibootModule> _modules;
    private readonly byte[] _commandLine;
    private readonly byte[][] _moduleCommandLines;
    private readonly byte[] _bootLoaderName;

    public uint RamBytes { get; }
    public IReadOnlyList<E820Entry> MemoryMap { get; }
    public uint MemLowerKiB { get; } = PcMemoryMap.LowerMemoryKiB;
    public uint MemUpperKiB { get; }
    /// <summary>Where the module list starts (mods_addr; QEMU sets it even with no module).</summary>
    public uint ModuleListAddress { get; }
    public uint CommandLineAddress { get; }
    public uint BootLoaderNameAddress { get; }
    public IReadOnlyList<ModulePlacement> Modules { get; }
    /// <summary>One past the last byte the boot writes above the kernel (the last module's end, page-aligned).</summary>
    public ulong End { get; }
    public KernelImage Kernel => _kernel;

    /// <param name="kernel">The parsed kernel.</param>
    /// <param name="ramBytes">The machine's RAM size.</param>
    /// <param name="commandLine">The kernel's command line, whole (see <see cref="QemuCommandLine"/>).</param>
    /// <param name="modules">The modules in -initrd order.</param>
    /// <param name="bootLoaderName">The boot_loader_name string.</param>
    /// <exception cref="BootImageException">The kernel, its strings or a module do not fit in RAM, or overlap low memory the boot uses.</exception>
    public MultibootBoot(KernelImage kernel, uint ramBytes, string commandLine, IReadOnlyList<MultibootModule> modules,
        string bootLoaderName = DefaultBootLoaderName)
    {
        if (ramBytes < MultibootLayout.MinimumRam)
            throw new BootImageException($"a Multiboot boot needs at least {MultibootLayout.MinimumRam >> 20} MiB of RAM, the machine has {ramBytes >> 10} KiB");
        _kernel = kernel;
        _modules = modules;
        RamBytes = ramBytes;
        MemoryMap = PcMemoryMap.For(ramBytes);
        MemUpperKiB = PcMemoryMap.UpperMemoryKiB(MemoryMap);
        _commandLine = CString(commandLine);
        _moduleCommandLines = modules.Select(m => CString(m.CommandLine)).ToArray();
        _bootLoaderName = CString(bootLoaderName);

        CheckRange("the kernel", kernel.Start, kernel.End);
        ulong baseAddress = kernel.Start;
        ulong offset = PageAlign(kernel.End - baseAddress);
        ModuleListAddress = (uint)(baseAddress + offset);
        ulong strings = offset + 16UL * (ulong)modules.Count;
        ulong next = strings;
        var moduleCommandLines = new uint[modules.Count];
        for (int i = 0; i < modules.Count; i++)
        {
            moduleCommandLines[i] = (uint)(baseAddress + next);
            next += (ulong)_moduleCommandLines[i].Length;
        }
        CommandLineAddress = (uint)(baseAddress + next);
        next += (ulong)_commandLine.Length;
        BootLoaderNameAddress = (uint)(baseAddress + next);
        next += (ulong)_bootLoaderName.Length;
        offset = PageAlign(next);
        CheckRange("the module list and command lines", ModuleListAddress, baseAddress + offset);

        var placements = new ModulePlacement[modules.Count];
        for (int i = 0; i < modules.Count; i++)
        {
            ulong start = baseAddress + offset;
            ulong end = start + (ulong)modules[i].Image.Length;
            CheckRange($"module {i + 1} ('{modules[i].CommandLine}', {modules[i].Image.Length} bytes)", start, end);
            placements[i] = new ModulePlacement((uint)start, (uint)end, moduleCommandLines[i]);
            offset = PageAlign(offset + (ulong)modules[i].Image.Length);
        }
        Modules = placements;
        End = baseAddress + offset;
    }

    /// <summary>
    /// Writes the kernel, the strings, the modules, the memory map, the information structure and
    /// the GDT into RAM, opens the A20 gate, and returns the state to start the CPU in. Each page
    /// written is noted as written, so snapshots and cached code see it. What PC firmware leaves
    /// behind for the OS comes first (a kernel loaded over it wins, as under QEMU, whose option
    /// ROM copies the kernel after SeaBIOS ran): the BIOS data area's EBDA and base memory words
    /// and, when <paramref name="cpu"/> has a local APIC, the MP tables (<see cref="MpTables"/>).
    /// </summary>
    public MultibootEntryState Load(PhysicalMemory memory, Cpu.CpuModel? cpu = null)
    {
        if (memory.RamSize != RamBytes)
            throw new ArgumentException($"this boot was laid out for {RamBytes} bytes of RAM, the memory has {memory.RamSize}", nameof(memory));
        var ram = new RamWriter(memory);

        WriteFirmwareData(ram, memory, cpu ?? Cpu.CpuModel.Default);

        ram.Zero(_kernel.Start, (uint)(_kernel.End - _kernel.Start));
        foreach (var s in _kernel.Segments)
            ram.Write(s.Address, s.Data.Span); // the rest of the segment is among the zeros above

        ram.Zero(ModuleListAddress, (uint)(PageAlign(BootLoaderNameAddress + (ulong)_bootLoaderName.Length) - ModuleListAddress));
        for (int i = 0; i < Modules.Count; i++)
        {
            var m = Modules[i];
            ram.U32(ModuleListAddress + 16u * (uint)i, m.Start);
            ram.U32(ModuleListAddress + 16u * (uint)i + 4, m.End);
            ram.U32(ModuleListAddress + 16u * (uint)i + 8, m.CommandLineAddress);
            ram.Write(m.CommandLineAddress, _moduleCommandLines[i]);
            ram.Write(m.Start, _modules[i].Image.Span);
            ram.Zero(m.End, (uint)(PageAlign(m.End) - m.End));
        }
        ram.Write(CommandLineAddress, _commandLine);
        ram.Write(BootLoaderNameAddress, _bootLoaderName);

        uint mmapLength = WriteMemoryMap(ram);
        WriteInfo(ram, mmapLength);
        WriteGdt(ram);
        ram.Finish();
        memory.SetA20(true);

        return new MultibootEntryState(
            Eip: _kernel.Entry, Eax: BootloaderMagic, Ebx: MultibootLayout.InfoAddress, Ecx: _kernel.Entry,
            Esp: MultibootLayout.InitialStackPointer,
            GdtBase: MultibootLayout.GdtAddress, GdtLimit: MultibootLayout.GdtLimit,
            IdtBase: MultibootLayout.IdtBase, IdtLimit: MultibootLayout.IdtLimit,
            CodeSelector: MultibootLayout.CodeSelector, DataSelector: MultibootLayout.DataSelector);
    }

    /// <summary>Loads into the CPU's memory and sets the CPU to the entry state (after a reset, or at power-on).</summary>
    public void Boot(Cpu.Cpu cpu) => Load(cpu.Memory, cpu.Model).ApplyTo(cpu);

    /// <summary>The machine boots the kernel at power-on and after every reset, as QEMU's option ROM does.</summary>
    public void Boot(Machine.PcMachine machine) => Boot(machine.Cpu);

    /// <summary>
    /// The BIOS data area words and the MP tables. The tables go in the BIOS area, which is RAM in
    /// a -kernel boot, or in the EBDA when a -bios ROM is mapped over the BIOS area. They stay
    /// writable: QEMU's firmware write-protects its shadow RAM, but only a kernel that ignores the
    /// memory map (which reports both areas reserved) could overwrite them, it would only harm
    /// itself, and a reset writes them again.
    /// </summary>
    private static void WriteFirmwareData(RamWriter ram, PhysicalMemory memory, Cpu.CpuModel cpu)
    {
        ram.U16(MultibootLayout.BdaEbdaSegment, (ushort)(PcMemoryMap.ConventionalTop >> 4));
        ram.U16(MultibootLayout.BdaBaseMemoryKiB, (ushort)PcMemoryMap.LowerMemoryKiB);
        if (!MpTables.AppliesTo(cpu)) return;
        uint pointer = memory.Rom.Length == 0 ? MultibootLayout.MpFloatingPointerAddress : MultibootLayout.MpFloatingPointerInEbda;
        uint table = pointer + MpTables.FloatingPointerSize;
        ram.Write(pointer, MpTables.FloatingPointer(table));
        ram.Write(table, MpTables.ConfigurationTable(cpu));
    }

    /// <summary>Each entry: its size (20, not counting the size field itself), base, length, type (spec 3.3).</summary>
    private uint WriteMemoryMap(RamWriter ram)
    {
        uint at = MultibootLayout.MemoryMapAddress;
        foreach (var e in MemoryMap)
        {
            ram.U32(at, 20);
            ram.U32(at + 4, (uint)e.Base);
            ram.U32(at + 8, (uint)(e.Base >> 32));
            ram.U32(at + 12, (uint)e.Length);
            ram.U32(at + 16, (uint)(e.Length >> 32));
            ram.U32(at + 20, (uint)e.Type);
            at += 24;
        }
        return at - MultibootLayout.MemoryMapAddress;
    }

    private void WriteInfo(RamWriter ram, uint mmapLength)
    {
        uint mbi = MultibootLayout.InfoAddress;
        ram.Zero(mbi, MultibootLayout.InfoSize);
        ram.U32(mbi + 0, InfoFlags);
        ram.U32(mbi + 4, MemLowerKiB);
        ram.U32(mbi + 8, MemUpperKiB);
        ram.U32(mbi + 12, BootDevice);
        ram.U32(mbi + 16, CommandLineAddress);
        ram.U32(mbi + 20, (uint)Modules.Count);
        ram.U32(mbi + 24, ModuleListAddress);
        ram.U32(mbi + 44, mmapLength);
        ram.U32(mbi + 48, MultibootLayout.MemoryMapAddress);
        ram.U32(mbi + 64, BootLoaderNameAddress);
    }

    /// <summary>
    /// QEMU's option ROM GDT: null; 0x08 flat 32-bit code; 0x10 flat 32-bit data; 0x18 and 0x20 the
    /// 16-bit code and data segments it keeps for returning to real mode. The two flat ones carry
    /// their accessed bit, as if the CPU had loaded them, to match the segment caches.
    /// </summary>
    private static void WriteGdt(RamWriter ram)
    {
        uint gdt = MultibootLayout.GdtAddress;
        ram.Zero(gdt, 8);
        ram.U32(gdt + 0x08, Cpu.Cpu.FlatDescriptorLow);
        ram.U32(gdt + 0x0C, Cpu.Cpu.FlatCode32DescriptorHigh);
        ram.U32(gdt + 0x10, Cpu.Cpu.FlatDescriptorLow);
        ram.U32(gdt + 0x14, Cpu.Cpu.FlatData32DescriptorHigh);
        ram.U32(gdt + 0x18, 0x0000_FFFF);
        ram.U32(gdt + 0x1C, 0x0000_9E00); // 64 KiB conforming execute/read code, 16-bit
        ram.U32(gdt + 0x20, 0x0000_FFFF);
        ram.U32(gdt + 0x24, 0x0000_9200); // 64 KiB read/write data, 16-bit
    }

    /// <summary>Refuses a range that leaves RAM or overlaps the low memory the boot itself uses or must keep.</summary>
    private void CheckRange(string what, ulong start, ulong end)
    {
        if (end > RamBytes)
            throw new BootImageException(
                $"{what} does not fit in RAM: it would span 0x{start:X}–0x{end - 1:X} but RAM ends at 0x{RamBytes - 1:X} ({RamBytes >> 20} MiB)");
        if (start < MultibootLayout.BootInfoAreaEnd && MultibootLayout.BootInfoAreaStart < end)
            throw new BootImageException(
                $"{what} (0x{start:X}–0x{end - 1:X}) overlaps the Multiboot information area 0x{MultibootLayout.BootInfoAreaStart:X}–0x{MultibootLayout.BootInfoAreaEnd - 1:X}");
        if (start < MultibootLayout.ReservedLowEnd && MultibootLayout.ReservedLowStart < end)
            throw new BootImageException(
                $"{what} (0x{start:X}–0x{end - 1:X}) overlaps the reserved area 0x{MultibootLayout.ReservedLowStart:X}–0x{MultibootLayout.ReservedLowEnd - 1:X} (EBDA, video memory, BIOS)");
    }

    private static ulong PageAlign(ulong value) => (value + MultibootLayout.PageSize - 1) & ~(ulong)(MultibootLayout.PageSize - 1);

    /// <summary>A string as the kernel reads it: UTF-8 (what a Linux command line carries), NUL-terminated.</summary>
    private static byte[] CString(string s)
    {
        if (s.Contains('\0')) throw new BootImageException("a Multiboot command line or name cannot contain a NUL character");
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>Writes straight into RAM and notes every page it touched once at the end.</summary>
    private sealed class RamWriter(PhysicalMemory memory)
    {
        private readonly HashSet<uint> _pages = [];

        public void Write(uint address, ReadOnlySpan<byte> data)
        {
            data.CopyTo(memory.Ram.Slice((int)address, data.Length));
            Touch(address, (uint)data.Length);
        }

        public void Zero(uint address, uint length)
        {
            memory.Ram.Slice((int)address, (int)length).Clear();
            Touch(address, length);
        }

        public void U16(uint address, ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(memory.Ram[(int)address..], value);
            Touch(address, 2);
        }

        public void U32(uint address, uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(memory.Ram[(int)address..], value);
            Touch(address, 4);
        }

        private void Touch(uint address, uint length)
        {
            if (length == 0) return;
            for (uint page = address >> PhysicalMemory.PageShift; page <= (address + length - 1) >> PhysicalMemory.PageShift; page++)
                _pages.Add(page);
        }

        public void Finish()
        {
            foreach (uint page in _pages.Order()) memory.NoteWrite(page);
        }
    }
}
