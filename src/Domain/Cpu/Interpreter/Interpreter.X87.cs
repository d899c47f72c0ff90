namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// x87 escape opcodes (D8–DF) and WAIT on a CPU without an FPU: CR0.ET = 0 and CPUID.1:EDX.FPU
/// = 0 (SDM vol. 3, 9.2.2 "Setting the processor for x87 FPU software emulation", table 9-2).
///
/// - ESC with CR0.EM or CR0.TS set: #NM, so a kernel can emulate the instruction or switch
///   FPU state.
/// - ESC with EM = TS = 0: the instruction goes to a coprocessor that is not there. Nothing
///   answers: no register, flag or memory byte changes and no fault is raised. This is what
///   the classic FPU probe relies on (FNINIT; FNSTSW to a word preset to non-zero; "no FPU"
///   when the word is unchanged; Linux's early FPU check does it with EM and TS cleared), and
///   what Bochs does when built without FPU (FPU_ESC: #NM on EM or TS, else nothing). test386
///   executes no x87 instruction.
/// - WAIT/FWAIT: #NM when both CR0.TS and CR0.MP are set, otherwise nothing (no FPU means no
///   pending x87 exception to report).
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterX87(DispatchTable.Registrar r)
    {
        r.Add(Code.Wait, &FpuWait);
        foreach (var code in CodesWhere(IsX87Escape))
            r.Add(code, &FpuEscape);
    }

    /// <summary>
    /// Every legacy encoding with a D8–DF primary opcode usable in 16/32-bit code, which also
    /// covers the assembler-only forms with an FWAIT in front (Iced's Fwait flag; their WAIT
    /// part can only raise the #NM the ESC part raises anyway).
    /// </summary>
    internal static bool IsX87Escape(Code code)
    {
        if (code == Code.INVALID) return false;
        var op = code.ToOpCode();
        // Register forms carry their ModRM byte in the opcode (e.g. FNINIT = DBE3h, length 2).
        uint primary = op.OpCodeLength == 2 ? op.OpCode >> 8 : op.OpCode;
        return op.Encoding == EncodingKind.Legacy
            && op.Table == OpCodeTableKind.Normal
            && op.OpCodeLength is 1 or 2
            && primary is >= 0xD8 and <= 0xDF
            && (op.Mode16 || op.Mode32);
    }

    private static void FpuEscape(Cpu c, ref Insn i)
    {
        if ((c.Cr0 & (CR0.EM | CR0.TS)) != 0) c.Fault(Vector.NM);
    }

    private static void FpuWait(Cpu c, ref Insn i)
    {
        if ((c.Cr0 & (CR0.TS | CR0.MP)) == (CR0.TS | CR0.MP)) c.Fault(Vector.NM);
    }
}
