using System.Text;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Time;
using Iced.Intel;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>Whole machines running our guests (tests/guests) for the checkpoint tests, the way hexemu configures them under -icount.</summary>
internal static class CheckpointGuests
{
    public const uint Ram128 = 128u << 20;

    public static string GuestPath(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("HexEmu.sln not found"), "tests", "guests", file);
    }

    /// <summary>COM1's output.</summary>
    public sealed class Collect : IByteSink
    {
        public readonly List<byte> Bytes = [];
        public void Write(byte value) => Bytes.Add(value);
        public string Text => Encoding.Latin1.GetString(Bytes.ToArray());
    }

    /// <summary>
    /// A Multiboot kernel of ours (-kernel NAME -device isa-debug-exit -icount shift=0,sleep=off),
    /// COM1 into <paramref name="serial"/>.
    /// </summary>
    public static PcMachine Kernel(string name, IByteSink? serial = null, IBlockDevice?[]? disks = null, uint ram = Ram128, string? append = null)
    {
        var kernel = KernelImage.Parse(File.ReadAllBytes(GuestPath(name)));
        return new PcMachine(new MachineConfig
        {
            RamBytes = ram,
            BootLoader = new MultibootBoot(kernel, ram, MultibootBoot.QemuCommandLine(name, append), []),
            SerialPorts = [serial ?? NullByteSink.Instance],
            DebugExit = (0x501, 2),
            Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
            Disks = disks ?? [],
        });
    }

    /// <summary>ata.img behind a copy-on-write overlay, as record and replay attach it.</summary>
    public static CopyOnWriteBlockDevice AtaDisk() =>
        new(new MemoryBlockDevice(File.ReadAllBytes(GuestPath("ata.img")), readOnly: true), isReadOnly: false);

    /// <summary>A machine running a 32-bit program of ours in flat protected mode from <see cref="FlatProgramBoot.CodeAddress"/>.</summary>
    public static PcMachine Flat(Action<Assembler> program, uint ram, Action<PcMachine>? setup = null) => new(new MachineConfig
    {
        RamBytes = ram,
        BootLoader = new FlatProgramBoot(program, setup),
        Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
    });

    /// <summary>
    /// Writes a new value into the first dword of each of <paramref name="pages"/> pages from
    /// <paramref name="start"/> on, over and over: every page of the range is dirty again after
    /// about 4 × <paramref name="pages"/> instructions.
    /// </summary>
    public static Action<Assembler> Dirtier(uint start, uint pages) => a =>
    {
        var outer = a.CreateLabel();
        var inner = a.CreateLabel();
        a.xor(AssemblerRegisters.ebx, AssemblerRegisters.ebx);
        a.Label(ref outer);
        a.inc(AssemblerRegisters.ebx);
        a.mov(AssemblerRegisters.edi, start);
        a.Label(ref inner);
        a.mov(AssemblerRegisters.__dword_ptr[AssemblerRegisters.edi], AssemblerRegisters.ebx);
        a.add(AssemblerRegisters.edi, 4096);
        a.cmp(AssemblerRegisters.edi, start + pages * 4096);
        a.jb(inner);
        a.jmp(outer);
    };
}

/// <summary>
/// Puts a 32-bit program at <see cref="CodeAddress"/> and enters it in flat protected mode with
/// interrupts off; <c>setup</c> may put more in RAM first (through <see cref="Poke32"/>).
/// </summary>
internal sealed class FlatProgramBoot(Action<Assembler> program, Action<PcMachine>? setup = null) : IBootLoader
{
    public const uint CodeAddress = 0x1_0000;

    public void Boot(PcMachine machine)
    {
        var asm = new Assembler(32);
        program(asm);
        var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), CodeAddress);
        byte[] code = stream.ToArray();
        code.CopyTo(machine.Memory.Ram[(int)CodeAddress..]);
        for (uint page = CodeAddress >> 12; page <= (CodeAddress + (uint)code.Length - 1) >> 12; page++)
            machine.Memory.NoteWrite(page);
        setup?.Invoke(machine);
        machine.Cpu.EnterFlatProtectedMode(CodeAddress, 0x08, 0x10);
        machine.Cpu.Gpr[Cpu.Cpu.ESP] = 0x9_0000;
    }

    /// <summary>Writes a dword straight into RAM and notes it, as a boot loader must.</summary>
    public static void Poke32(PcMachine machine, uint address, uint value)
    {
        BitConverter.TryWriteBytes(machine.Memory.Ram[(int)address..], value);
        machine.Memory.NoteWrite(address >> 12);
    }
}
