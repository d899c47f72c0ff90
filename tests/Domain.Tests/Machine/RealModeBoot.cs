using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;
using Iced.Intel;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>
/// A boot loader for machine tests: puts real-mode code (assembled with Iced) at 0000:7C00 as a
/// PC BIOS would leave a boot sector, with SS:SP = 0000:6000, and counts boots in RAM at
/// <see cref="BootCountAddress"/> so tests can see resets.
/// </summary>
public sealed class RealModeBoot(Action<Assembler> program, Action<Assembler>? handler = null) : IBootLoader
{
    public const uint LoadAddress = 0x7C00;
    /// <summary>Where the optional interrupt handler is assembled (Iced cannot store a label's address as data).</summary>
    public const ushort HandlerAddress = 0x7000;
    public const uint BootCountAddress = 0x500;
    /// <summary>Free RAM for a test program's results.</summary>
    public const uint DataAddress = 0x600;

    private readonly byte[] _code = Assemble(program, LoadAddress);
    private readonly byte[] _handler = handler is null ? [] : Assemble(handler, HandlerAddress);

    public void Boot(PcMachine machine)
    {
        var ram = machine.Memory.Ram;
        _code.CopyTo(ram[(int)LoadAddress..]);
        _handler.CopyTo(ram[HandlerAddress..]);
        BitConverter.TryWriteBytes(ram[(int)BootCountAddress..], BitConverter.ToUInt32(ram[(int)BootCountAddress..]) + 1);
        // Written past the CPU: say so, as a boot loader must, or incremental snapshots miss it.
        NoteWrites(machine, LoadAddress, _code.Length);
        NoteWrites(machine, HandlerAddress, _handler.Length);
        NoteWrites(machine, BootCountAddress, 4);
        var cpu = machine.Cpu;
        cpu.LoadSegmentReal(Seg.CS, 0);
        foreach (int s in new[] { Seg.DS, Seg.ES, Seg.SS, Seg.FS, Seg.GS }) cpu.LoadSegmentReal(s, 0);
        cpu.Eip = LoadAddress;
        cpu.Gpr[X86Cpu.ESP] = 0x6000;
    }

    private static void NoteWrites(PcMachine machine, uint address, int length)
    {
        for (uint page = address >> 12; length > 0 && page <= (address + (uint)length - 1) >> 12; page++)
            machine.Memory.NoteWrite(page);
    }

    private static byte[] Assemble(Action<Assembler> program, ulong address)
    {
        var asm = new Assembler(16);
        program(asm);
        var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }

    /// <summary>A machine booting <paramref name="program"/> with the given time mode and serial sinks.</summary>
    public static PcMachine Machine(Action<Assembler> program, Time.TimeMode? time = null, Io.IByteSink?[]? serial = null,
                                    bool noReboot = false, long rtcBase = 0, Action<Assembler>? handler = null)
        => new(new MachineConfig
        {
            RamBytes = 2 << 20,
            BootLoader = new RealModeBoot(program, handler),
            Time = time ?? new Time.TimeMode.InstructionCounted(0, SleepWhenIdle: false),
            SerialPorts = serial ?? [],
            NoReboot = noReboot,
            RtcBaseUnixSeconds = rtcBase,
        });

    public static uint Peek32(PcMachine m, uint address) => BitConverter.ToUInt32(m.Memory.Ram[(int)address..]);

    public static byte Peek8(PcMachine m, uint address) => m.Memory.Ram[(int)address];
}
