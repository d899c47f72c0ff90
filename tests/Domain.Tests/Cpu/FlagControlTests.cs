using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;
using T = HexEmu.Domain.Tests.CpuTests.ProtectedModeTables;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// CLC, STC, CMC, CLD, STD, CLI, STI, LAHF, SAHF, PUSHF and POPF (SDM vol. 2 pages of each;
/// vol. 1, 3.4.3). Encodings are written as bytes from the opcode map.
/// </summary>
public class FlagControlTests
{
    private const byte Clc = 0xF8, Stc = 0xF9, Cmc = 0xF5, Cld = 0xFC, Std = 0xFD, Cli = 0xFA, Sti = 0xFB,
        Lahf = 0x9F, Sahf = 0x9E, Pushf = 0x9C, Popf = 0x9D, OperandSize = 0x66;
    private const uint Code = CpuHarness.CodeAddress;

    [Fact]
    public void Carry_and_direction_flag_instructions()
    {
        var h = CpuHarness.Flat32().LoadBytes([Stc, Cmc, Cmc, Std, Clc, Cld]);
        var c = h.Cpu;
        h.Run(1);
        Assert.Equal(Flags.CF, c.Eflags & Flags.CF);
        h.Run(1);
        Assert.Equal(0u, c.Eflags & Flags.CF);
        h.Run(1);
        Assert.Equal(Flags.CF, c.Eflags & Flags.CF);
        h.Run(1);
        Assert.Equal(Flags.DF | Flags.CF | 2, c.Eflags);
        h.Run(2);
        Assert.Equal(2u, c.Eflags);
    }

    [Fact]
    public void LAHF_copies_the_low_flags_byte_into_AH()
    {
        var h = CpuHarness.Flat32().LoadBytes([Lahf]);
        h.Cpu.Eflags = 0x8D7; // OF SF ZF AF PF CF and bit 1
        h.Cpu.Gpr[X86Cpu.EAX] = 0x1234_5678;
        h.Run(1);
        Assert.Equal(0x1234_D778u, h.Reg(X86Cpu.EAX));
    }

    [Fact]
    public void SAHF_loads_SF_ZF_AF_PF_CF_from_AH()
    {
        var h = CpuHarness.Flat32().LoadBytes([Sahf, Sahf]);
        var c = h.Cpu;
        c.Eflags = 0x802;
        c.Gpr[X86Cpu.EAX] = 0xFF00;
        h.Run(1);
        Assert.Equal(0x8D7u, c.Eflags); // bits 3 and 5 stay clear, OF untouched
        c.Gpr[X86Cpu.EAX] = 0;
        h.Run(1);
        Assert.Equal(0x802u, c.Eflags);
    }

    [Fact]
    public void STI_delays_a_pending_interrupt_by_one_instruction()
    {
        var h = CpuHarness.RealMode();
        var c = h.Cpu;
        h.Poke32(0x20 * 4, 0x2000_0000);
        h.Memory.Ram[0x20000] = T.Hlt;
        // STI; MOV AX, 1; MOV BX, 2
        h.LoadBytes([Sti, 0xB8, 0x01, 0x00, 0xBB, 0x02, 0x00]);
        c.InterruptSource = new InterruptTests.OneInterrupt(0x20);
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(1u, h.Reg(X86Cpu.EAX));
        Assert.Equal(0u, h.Reg(X86Cpu.EBX));
        Assert.Equal(0xFFEAu, h.Reg(X86Cpu.ESP));
        Assert.Equal(4, BitConverter.ToUInt16(h.Memory.Ram[0xFFEA..])); // returns to MOV BX
        Assert.Equal(0x202, BitConverter.ToUInt16(h.Memory.Ram[0xFFEE..]));
    }

    [Fact]
    public void CLI_at_CPL_3_needs_IOPL_3()
    {
        var t = T.Create();
        t.Gate(13, T.Code0, 0x1_1000, T.InterruptGate32);
        t.Code(0x1_1000, T.Hlt);
        t.EnterRing3(Code);
        t.Code(Code, Cli);
        t.Cpu.Eflags = 0x202;
        Assert.Equal(RunExit.Halted, t.H.Run(10));
        Assert.Equal(0u, t.Peek32(T.Ring0Stack - 24)); // #GP(0)
        Assert.Equal(Code, t.Peek32(T.Ring0Stack - 20));
        Assert.Equal(0x202u, t.Peek32(T.Ring0Stack - 12));

        var u = T.Create();
        u.EnterRing3(Code);
        u.Code(Code, Cli);
        u.Cpu.Eflags = 0x3202;
        u.H.Run(1);
        Assert.Equal(0x3002u, u.Cpu.Eflags);
        Assert.Equal(3, u.Cpu.Cpl);
    }

    [Fact]
    public void POPFD_at_CPL_3_leaves_IF_and_IOPL_alone()
    {
        var t = T.Create();
        t.EnterRing3(Code, T.UserStack - 4);
        t.Poke32(T.UserStack - 4, 0x3401); // IOPL 3, DF, CF, IF clear
        t.Code(Code, Popf);
        t.Cpu.Eflags = 0x202;
        t.H.Run(1);
        Assert.Equal(0x603u, t.Cpu.Eflags);
        Assert.Equal(T.UserStack, t.Cpu.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void POPFD_at_CPL_0_changes_IOPL_and_IF_but_never_VM_and_clears_RF()
    {
        var h = CpuHarness.Flat32().LoadBytes([Popf]);
        var c = h.Cpu;
        c.Eflags = Flags.RF | 2;
        c.Gpr[X86Cpu.ESP] -= 4;
        h.Poke32(c.Gpr[X86Cpu.ESP], Flags.VM | Flags.RF | 0x3203);
        h.Run(1);
        Assert.Equal(0x3203u, c.Eflags);
        Assert.Equal(CpuHarness.StackTop, c.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void POPF_with_16_bit_operand_keeps_the_upper_flags()
    {
        var h = CpuHarness.Flat32().LoadBytes([OperandSize, Popf]);
        var c = h.Cpu;
        c.Eflags = Flags.AC | 0x202;
        c.Gpr[X86Cpu.ESP] -= 2;
        BitConverter.TryWriteBytes(h.Memory.Ram[(int)c.Gpr[X86Cpu.ESP]..], (ushort)0x0003);
        h.Run(1);
        Assert.Equal(Flags.AC | 0x3, c.Eflags); // IF cleared (CPL 0 ≤ IOPL), AC kept
        Assert.Equal(CpuHarness.StackTop, c.Gpr[X86Cpu.ESP]);
    }

    [Fact]
    public void PUSHFD_pushes_RF_as_0_and_PUSHF_pushes_the_low_word()
    {
        var h = CpuHarness.Flat32().LoadBytes([Pushf, OperandSize, Pushf]);
        var c = h.Cpu;
        c.Eflags = Flags.RF | Flags.AC | 0x246;
        h.Run(2);
        Assert.Equal(CpuHarness.StackTop - 6, c.Gpr[X86Cpu.ESP]);
        Assert.Equal(Flags.AC | 0x246, h.Peek32(CpuHarness.StackTop - 4));
        Assert.Equal(0x246, BitConverter.ToUInt16(h.Memory.Ram[(int)(CpuHarness.StackTop - 6)..]));
    }

    [Fact]
    public void POPF_in_real_mode_changes_IOPL_and_NT()
    {
        var h = CpuHarness.RealMode().LoadBytes([Popf]);
        var c = h.Cpu;
        c.Gpr[X86Cpu.ESP] = 0xFFEE;
        BitConverter.TryWriteBytes(h.Memory.Ram[0xFFEE..], (ushort)0x7202);
        h.Run(1);
        Assert.Equal(0x7202u, c.Eflags);
    }
}
