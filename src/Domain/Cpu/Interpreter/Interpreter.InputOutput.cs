namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>IN, OUT with IOPL and the TSS I/O permission bitmap (SDM vol. 1, 19.5).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterInputOutput(DispatchTable.Registrar r)
    {
        // Port I/O can raise an interrupt or stop the machine: each one ends its block.
        r.Add([Code.In_AL_imm8, Code.In_AL_DX], &In8, endsBlock: true);
        r.Add([Code.In_AX_imm8, Code.In_AX_DX], &In16, endsBlock: true);
        r.Add([Code.In_EAX_imm8, Code.In_EAX_DX], &In32, endsBlock: true);
        r.Add([Code.Out_imm8_AL, Code.Out_DX_AL], &Out8, endsBlock: true);
        r.Add([Code.Out_imm8_AX, Code.Out_DX_AX], &Out16, endsBlock: true);
        r.Add([Code.Out_imm8_EAX, Code.Out_DX_EAX], &Out32, endsBlock: true);
    }

    /// <summary>The port: an immediate operand, or DX.</summary>
    private static ushort InPort(Cpu c, ref Insn i) => i.Op1Kind == OperandKind.Immediate ? (ushort)(byte)i.Imm : (ushort)c.Gpr[Cpu.EDX];

    private static ushort OutPort(Cpu c, ref Insn i) => i.Op0Kind == OperandKind.Immediate ? (ushort)(byte)i.Imm : (ushort)c.Gpr[Cpu.EDX];

    private static void In8(Cpu c, ref Insn i)
    {
        ushort port = InPort(c, ref i);
        c.CheckIoPermission(port, 1);
        c.SetReg8(Cpu.EAX, (byte)c.Io.Read(port, 1));
    }

    private static void In16(Cpu c, ref Insn i)
    {
        ushort port = InPort(c, ref i);
        c.CheckIoPermission(port, 2);
        c.SetReg16(Cpu.EAX, (ushort)c.Io.Read(port, 2));
    }

    private static void In32(Cpu c, ref Insn i)
    {
        ushort port = InPort(c, ref i);
        c.CheckIoPermission(port, 4);
        c.Gpr[Cpu.EAX] = c.Io.Read(port, 4);
    }

    private static void Out8(Cpu c, ref Insn i)
    {
        ushort port = OutPort(c, ref i);
        c.CheckIoPermission(port, 1);
        c.Io.Write(port, 1, c.Gpr[Cpu.EAX] & 0xFF);
    }

    private static void Out16(Cpu c, ref Insn i)
    {
        ushort port = OutPort(c, ref i);
        c.CheckIoPermission(port, 2);
        c.Io.Write(port, 2, c.Gpr[Cpu.EAX] & 0xFFFF);
    }

    private static void Out32(Cpu c, ref Insn i)
    {
        ushort port = OutPort(c, ref i);
        c.CheckIoPermission(port, 4);
        c.Io.Write(port, 4, c.Gpr[Cpu.EAX]);
    }
}
