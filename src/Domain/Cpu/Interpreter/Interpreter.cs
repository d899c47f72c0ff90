namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// Instruction semantics, one file per group as the Intel manual groups them. Each handler has
/// the signature <c>static void X(Cpu c, ref Insn i)</c>; it runs with <c>c.Eip</c> at the
/// instruction and <c>c.NextEip</c> at the one after, and changes <c>c.NextEip</c> to branch.
/// Handlers check everything before they change anything (see <see cref="CpuFault"/>).
/// </summary>
internal static partial class Interpreter
{
    /// <summary>#UD: an opcode this CPU does not implement, or an invalid encoding.</summary>
    public static void InvalidOpcode(Cpu c, ref Insn i) => c.Fault(Vector.UD);

    /// <summary>#GP(0): an instruction longer than 15 bytes (SDM vol. 2, 2.3.11).</summary>
    public static void InstructionTooLong(Cpu c, ref Insn i) => c.Fault(Vector.GP, 0);

    /// <summary>Every Iced code matching <paramref name="predicate"/>, for registering families of encodings at once.</summary>
    public static IEnumerable<Code> CodesWhere(Func<Code, bool> predicate) =>
        Enum.GetValues<Code>().Where(predicate);

    /// <summary>Condition codes in the encoding order of Jcc/SETcc/CMOVcc (SDM vol. 1, B.1).</summary>
    public static bool Condition(uint eflags, int cc)
    {
        bool result = (cc >> 1) switch
        {
            0 => (eflags & Flags.OF) != 0,                                   // O
            1 => (eflags & Flags.CF) != 0,                                   // B / C
            2 => (eflags & Flags.ZF) != 0,                                   // E / Z
            3 => (eflags & (Flags.CF | Flags.ZF)) != 0,                      // BE
            4 => (eflags & Flags.SF) != 0,                                   // S
            5 => (eflags & Flags.PF) != 0,                                   // P
            6 => ((eflags >> 7) ^ (eflags >> 11)) % 2 != 0,                  // L: SF != OF
            _ => (eflags & Flags.ZF) != 0 || ((eflags >> 7) ^ (eflags >> 11)) % 2 != 0, // LE
        };
        return result ^ ((cc & 1) != 0);
    }
}
