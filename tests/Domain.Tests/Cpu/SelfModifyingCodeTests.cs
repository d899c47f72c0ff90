using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Code the guest writes runs as written, whatever the block cache held (Intel SDM vol. 3, 11.6
/// "self-modifying code": a write to a code location takes effect for the instructions after
/// it, as on the Pentium and later). Machine code is given as bytes so every address is exact.
/// </summary>
public class SelfModifyingCodeTests
{
    private const uint Code = CpuHarness.CodeAddress;

    private static byte[] Le(uint v) => BitConverter.GetBytes(v);

    /// <summary>MOV BYTE [address], value: C6 05 disp32 imm8.</summary>
    private static byte[] MovByteToMemory(uint address, byte value) => [0xC6, 0x05, .. Le(address), value];

    [Fact]
    public void A_store_into_a_later_instruction_of_the_running_block_takes_effect()
    {
        // 0x10000: mov byte [0x10008], 0x42   (7 bytes: patches the immediate of the next instruction)
        // 0x10007: mov al, 0x00
        // 0x10009: hlt
        var h = CpuHarness.Flat32().LoadBytes([.. MovByteToMemory(Code + 8, 0x42), 0xB0, 0x00, 0xF4]);
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x42u, h.Reg(X86Cpu.EAX) & 0xFF);
        Assert.Equal(3, h.Cpu.Icount);
    }

    [Fact]
    public void A_store_into_another_block_that_already_ran_replaces_it()
    {
        // 0x10100: mov al, 0x11 ; hlt           (runs first and gets cached)
        // 0x10000: mov byte [0x10101], 0x22 ; jmp 0x10100
        var h = CpuHarness.Flat32();
        h.LoadBytes([.. MovByteToMemory(Code + 0x101, 0x22), 0xE9, .. Le(0x100 - 12)]);
        h.Memory.Ram[(int)Code + 0x100] = 0xB0;
        h.Memory.Ram[(int)Code + 0x101] = 0x11;
        h.Memory.Ram[(int)Code + 0x102] = 0xF4;

        h.Cpu.Eip = Code + 0x100;
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x11u, h.Reg(X86Cpu.EAX));

        h.Cpu.Halted = false;
        h.Cpu.Eip = Code;
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x22u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void A_loop_that_patches_its_own_immediate_sees_each_new_value()
    {
        // top: mov eax, imm32            ; B8 imm32, immediate at 0x10001
        //      mov ebx, [eax]            ; 8B 18
        //      mov [0x10001], ebx        ; 89 1D disp32
        //      jmp top                   ; EB rel8
        // A linked list at 0x20000: node k holds the address of node k+1, 16 bytes apart.
        var h = CpuHarness.Flat32().LoadBytes([0xB8, .. Le(0x2_0000), 0x8B, 0x18, 0x89, 0x1D, .. Le(Code + 1), 0xEB, 0xF1]);
        for (uint k = 0; k < 100; k++) h.Poke32(0x2_0000 + 16 * k, 0x2_0000 + 16 * (k + 1));
        const int Iterations = 50;
        Assert.Equal(RunExit.BudgetReached, h.Run(4 * Iterations));
        // Iteration k (from 0) loads node k into EAX; the last one, k = 49, stored node 50's address.
        Assert.Equal(0x2_0000u + 16 * (Iterations - 1), h.Reg(X86Cpu.EAX));
        Assert.Equal(0x2_0000u + 16 * Iterations, h.Peek32(Code + 1));
    }

    [Fact]
    public void A_store_through_a_second_linear_alias_of_the_code_page_takes_effect()
    {
        // Paging on: linear 0x40000 is a second mapping of the code page 0x10000, and its
        // writable translation is in the TLB before the code is ever cached.
        var h = CpuHarness.Flat32();
        const uint Pd = 0x3_0000, Pt = 0x3_1000, Alias = 0x4_0000;
        for (uint i = 0; i < 1024; i++) h.Poke32(Pt + i * 4, (i << 12) | 7);
        h.Poke32(Pt + (Alias >> 12) * 4, Code | 7);
        h.Poke32(Pd, Pt | 7);
        h.Cpu.Cr3 = Pd;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        h.Cpu.Write8(Seg.DS, Alias + 0x800, 0); // a writable TLB entry for the alias

        // 0x10000: mov byte [0x40008], 0x42 ; 0x10007: mov al, 0 ; 0x10009: jmp 0x10000+0x20
        // 0x10020: mov byte [0x40008], 0x43 ; 0x10027: jmp 0x10007
        var h2 = h.LoadBytes([.. MovByteToMemory(Alias + 8, 0x42), 0xB0, 0x00, 0xEB, 0x15]);
        byte[] second = [.. MovByteToMemory(Alias + 8, 0x43), 0xEB, 0xDE];
        second.CopyTo(h2.Memory.Ram[(int)(Code + 0x20)..]);

        Assert.Equal(RunExit.BudgetReached, h.Run(3));
        Assert.Equal(0x42u, h.Reg(X86Cpu.EAX) & 0xFF);
        // The block at 0x10007 is cached now; the second store rewrites it through the alias.
        Assert.Equal(RunExit.BudgetReached, h.Run(3));
        Assert.Equal(Code + 9, h.Cpu.Eip);
        Assert.Equal(0x43u, h.Reg(X86Cpu.EAX) & 0xFF);
    }

    [Fact]
    public void A_page_crossing_store_that_ends_in_the_code_page_is_noticed()
    {
        // The code page is 0x10000; a dword stored at 0xFFFE changes its first two bytes.
        // 0x10000: jmp 0x10010 (EB 0E) — cached — then patched into mov al, 0x5A (B0 5A).
        // 0x10010: mov dword [0xFFFE], 0x5AB00000 ; jmp 0x10000
        var h = CpuHarness.Flat32();
        h.LoadBytes([0xEB, 0x0E]);
        byte[] writer = [0xC7, 0x05, .. Le(0xFFFE), .. Le(0x5AB0_0000), 0xEB, 0xE4];
        writer.CopyTo(h.Memory.Ram[(int)(Code + 0x10)..]);
        h.Memory.Ram[(int)Code + 2] = 0xF4; // hlt after the patched instruction
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x5Au, h.Reg(X86Cpu.EAX) & 0xFF);
        Assert.Equal(5, h.Cpu.Icount); // jmp, mov [..], jmp, mov al, hlt
    }

    [Fact]
    public void Data_written_beside_cached_code_in_its_page_does_not_force_a_decode()
    {
        // top: mov [0x10800], eax ; mov eax, [0x10800] ; jmp top — data 2 KiB away, same page.
        var h = CpuHarness.Flat32().LoadBytes([0xA3, .. Le(Code + 0x800), 0xA1, .. Le(Code + 0x800), 0xEB, 0xF4]);
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234;
        Assert.Equal(RunExit.BudgetReached, h.Run(3 * 100));
        Assert.Equal(1, h.Cpu.DecodedBlockCount);
        Assert.Equal(0x1234u, h.Peek32(Code + 0x800));
    }

    [Fact]
    public void A_write_to_the_last_byte_of_a_cached_block_replaces_it()
    {
        // 0x10000: mov al, 0x11 ; hlt — runs and is cached; then its last byte (the HLT) becomes
        // the opcode of mov al, 0x22: the bytes B0 11 F4 22 F4 read B0 11 B0 22 F4.
        var h = CpuHarness.Flat32().LoadBytes([0xB0, 0x11, 0xF4, 0x22, 0xF4]);
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(2, h.Cpu.Icount);
        // From another page: mov byte [0x10002], 0xB0 ; jmp 0x10000.
        byte[] writer = [.. MovByteToMemory(Code + 2, 0xB0), 0xE9, .. Le(unchecked(Code - (Code + 0x1000 + 12)))];
        writer.CopyTo(h.Memory.Ram[(int)(Code + 0x1000)..]);
        h.Cpu.Halted = false;
        h.Cpu.Eip = Code + 0x1000;
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x22u, h.Reg(X86Cpu.EAX) & 0xFF);
        Assert.Equal(2 + 5, h.Cpu.Icount); // mov [..], jmp, mov al, mov al, hlt
    }
}
