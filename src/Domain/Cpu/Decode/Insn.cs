using Iced.Intel;

namespace HexEmu.Domain.Cpu.Decode;

/// <summary>How an operand of a decoded instruction is reached.</summary>
public enum OperandKind : byte
{
    None,
    /// <summary>A register: the operand's register byte holds its number (see <see cref="Insn"/>).</summary>
    Register,
    /// <summary>A ModRM memory operand: segment, base, index, scale and displacement in the instruction.</summary>
    Memory,
    /// <summary>An immediate: <see cref="Insn.Imm"/> for the first, <see cref="Insn.Imm2"/> for a second.</summary>
    Immediate,
    /// <summary>A relative branch target: <see cref="Insn.Imm"/> holds the displacement from the next instruction.</summary>
    NearBranch,
    /// <summary>A far pointer immediate: offset in <see cref="Insn.Imm"/>, selector in <see cref="Insn.Imm2"/>.</summary>
    FarBranch,
    /// <summary>An implicit string operand (DS:(E)SI or ES:(E)DI).</summary>
    StringMemory,
}

/// <summary>
/// One decoded instruction, reduced from Iced's <see cref="Instruction"/> to what execution needs,
/// with its handler bound at decode time. Register numbers are encodings: 0–7 for general
/// registers (for byte registers 0–3 = AL..BL and 4–7 = AH..BH), 0–5 for segment registers
/// (ES, CS, SS, DS, FS, GS), 0–7 for control, debug and test registers.
/// </summary>
public unsafe struct Insn
{
    public delegate*<Cpu, ref Insn, void> Handler;
    /// <summary>First immediate, sign- or zero-extended as the instruction defines; or a branch displacement.</summary>
    public uint Imm;
    /// <summary>Second immediate (ENTER's nesting level, a far pointer's selector).</summary>
    public uint Imm2;
    /// <summary>Memory displacement.</summary>
    public uint Disp;
    public Code Code;
    public byte Length;
    public OperandKind Op0Kind, Op1Kind, Op2Kind;
    public byte Reg0, Reg1, Reg2;
    /// <summary>Effective segment of the memory operand (override or default).</summary>
    public byte Seg;
    /// <summary>Base and index register numbers, or <see cref="NoRegister"/>.</summary>
    public byte Base, Index;
    /// <summary>Index scale as a shift count (0–3).</summary>
    public byte ScaleShift;
    /// <summary>Addressing is 32-bit (else 16-bit, and effective addresses wrap at 64 KiB).</summary>
    public bool Addr32;
    /// <summary>Operand size is 32-bit (else 16-bit); byte instructions have their own codes.</summary>
    public bool Op32;
    public RepPrefix Rep;
    /// <summary>Condition code of Jcc/SETcc/CMOVcc in encoding order (0 = O … 15 = G).</summary>
    public byte Condition;
    public bool Lock;

    public const byte NoRegister = 0xFF;
}

public enum RepPrefix : byte
{
    None,
    /// <summary>REP / REPE / REPZ (F3).</summary>
    Repe,
    /// <summary>REPNE / REPNZ (F2).</summary>
    Repne,
}
