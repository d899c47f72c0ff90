using HexEmu.Domain.Boot;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using Iced.Intel;
using static HexEmu.Domain.Tests.Boot.KernelFiles;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>
/// A tiny Multiboot kernel, assembled with Iced, booted on the real CPU: it reads what the spec
/// promises at entry (EAX, EBX and the structure EBX points at), reloads every segment register
/// from the selectors QEMU's loader uses, uses the stack it was given, and writes what it saw to
/// memory at 0x200000.
/// </summary>
public class MultibootCpuTests
{
    private const uint LoadAddress = 0x100000;
    private const uint CodeAddress = LoadAddress + 32; // after the 32-byte header with address fields
    private const uint Results = 0x200000;

    private static byte[] Kernel()
    {
        byte[] Assemble(uint farTarget, out ulong reloadedAt)
        {
            var a = new Assembler(32);
            var reloaded = a.CreateLabel();
            a.mov(__dword_ptr[Results + 0x00], eax);
            a.mov(__dword_ptr[Results + 0x04], ebx);
            a.mov(ecx, __dword_ptr[ebx]);             // flags
            a.mov(__dword_ptr[Results + 0x08], ecx);
            a.mov(ecx, __dword_ptr[ebx + 8]);         // mem_upper
            a.mov(__dword_ptr[Results + 0x0C], ecx);
            a.mov(esi, __dword_ptr[ebx + 16]);        // cmdline
            a.mov(ecx, __dword_ptr[esi]);
            a.mov(__dword_ptr[Results + 0x10], ecx);
            a.mov(esi, __dword_ptr[ebx + 24]);        // mods_addr → module 0's mod_start
            a.mov(esi, __dword_ptr[esi]);
            a.mov(ecx, __dword_ptr[esi]);
            a.mov(__dword_ptr[Results + 0x14], ecx);
            a.mov(ax, 0x10);
            a.mov(ds, ax);
            a.mov(es, ax);
            a.mov(fs, ax);
            a.mov(gs, ax);
            a.mov(ss, ax);
            a.jmp(0x08, farTarget);
            a.Label(ref reloaded);
            a.mov(__dword_ptr[Results + 0x18], cs);
            a.push(0x1234_5678);                      // on the stack the loader left
            a.pop(ecx);
            a.mov(__dword_ptr[Results + 0x1C], ecx);
            a.pushfd();
            a.pop(ecx);
            a.mov(__dword_ptr[Results + 0x20], ecx);
            a.mov(__dword_ptr[Results + 0x24], esp);
            a.hlt();
            var stream = new MemoryStream();
            var result = a.Assemble(new StreamCodeWriter(stream), CodeAddress, BlockEncoderOptions.ReturnNewInstructionOffsets);
            reloadedAt = result.GetLabelRIP(reloaded);
            return stream.ToArray();
        }
        Assemble(0, out ulong target);                 // a far JMP is 7 bytes whatever its target
        return AddressFieldsImage(LoadAddress, Assemble((uint)target, out _));
    }

    private static (X86Cpu Cpu, PhysicalMemory Memory) Booted()
    {
        var memory = new PhysicalMemory(8u << 20);
        var cpu = new X86Cpu(memory, new IoBus());
        var boot = new MultibootBoot(KernelImage.Parse(Kernel()), memory.RamSize, "/boot/kernel quiet",
            [new MultibootModule("MOD1 rest"u8.ToArray(), "/boot/mod1 arg")]);
        boot.Boot(cpu);
        return (cpu, memory);
    }

    private static uint Result(PhysicalMemory m, uint offset) => BitConverter.ToUInt32(m.Ram[(int)(Results + offset)..]);

    [Fact]
    public void The_kernel_starts_in_the_machine_state_of_spec_section_3_2()
    {
        var (cpu, memory) = Booted();
        Assert.Equal(CodeAddress, cpu.Eip);
        Assert.Equal(0x2BADB002u, cpu.Gpr[X86Cpu.EAX]);
        Assert.Equal(0x9500u, cpu.Gpr[X86Cpu.EBX]);
        Assert.Equal(CR0.PE, cpu.Cr0 & ~CR0.ET);               // protected mode, paging off
        Assert.Equal(0u, cpu.Eflags & (Flags.IF | Flags.VM));
        Assert.Equal(0, cpu.Cpl);
        Assert.True(cpu.Code32);
        var cs = cpu.Segs[Seg.CS];
        Assert.Equal(((ushort)0x08, 0u, 0xFFFF_FFFFu, true, true), (cs.Selector, cs.Base, cs.Limit, cs.IsCode, cs.CanRead));
        foreach (int s in new[] { Seg.DS, Seg.ES, Seg.FS, Seg.GS, Seg.SS })
        {
            var d = cpu.Segs[s];
            Assert.Equal(((ushort)0x10, 0u, 0xFFFF_FFFFu, true, true), (d.Selector, d.Base, d.Limit, d.CanWrite, d.Big));
        }
        Assert.Equal(0xFFFF_FFFFu, memory.A20Mask);
    }

    [Fact]
    public void The_kernel_reads_the_information_structure_and_keeps_running_after_reloading_its_segments()
    {
        var (cpu, memory) = Booted();
        Assert.Equal(RunExit.Halted, cpu.Run(1000));
        Assert.Equal(0x2BADB002u, Result(memory, 0x00));
        Assert.Equal(0x9500u, Result(memory, 0x04));
        Assert.Equal(0x24Fu, Result(memory, 0x08));
        Assert.Equal((8u * 1024 - 1024 - 128) , Result(memory, 0x0C));  // mem_upper: 8 MiB − 1 MiB − 128 KiB, in KiB
        Assert.Equal("/boo"u8.ToArray(), BitConverter.GetBytes(Result(memory, 0x10)));
        Assert.Equal("MOD1"u8.ToArray(), BitConverter.GetBytes(Result(memory, 0x14)));
        Assert.Equal(0x08u, Result(memory, 0x18) & 0xFFFF);
        Assert.Equal(0x1234_5678u, Result(memory, 0x1C));
        Assert.Equal(0u, Result(memory, 0x20) & Flags.IF);
        Assert.Equal(0x6F08u, Result(memory, 0x24));
    }
}
