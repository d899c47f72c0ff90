namespace HexEmu.Host.Tests.Oracle;

/// <summary>
/// One instruction under test and the machine state it starts from. <see cref="Registers"/> is in
/// register-number order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI); the ESP entry is not loaded.
/// <see cref="DefinedFlags"/> are the arithmetic flags the Intel SDM defines after this instruction
/// with these inputs (unchanged flags count as defined); the others are not compared.
/// <see cref="Memory"/> holds the dwords at SCRATCH-4, SCRATCH and SCRATCH+4 (bit tests reach the neighbours).
/// </summary>
public sealed record OracleCase(int Index, string Instruction, uint[] Registers, uint FlagsIn, uint[] Memory, uint DefinedFlags)
{
    public override string ToString() =>
        $"#{Index} `{Instruction}` with {OracleState.FormatRegisters(Registers)} EFLAGS={FlagsIn:X8} {OracleState.FormatMemory(Memory)}";
}

/// <summary>What the ROM dumps after each case: the registers, EFLAGS and the three scratch dwords.</summary>
public sealed record OracleState(uint[] Registers, uint Eflags, uint[] Memory)
{
    /// <summary>Bytes per dump: the three scratch dwords, PUSHAD's eight registers, then PUSHFD's EFLAGS.</summary>
    public const int DumpBytes = 48;

    public static readonly string[] RegisterNames = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];

    /// <summary>Reads one dump: the stack as the ROM's dump routine left it, lowest address first.</summary>
    public static OracleState Parse(ReadOnlySpan<byte> dump)
    {
        var dwords = new uint[DumpBytes / 4];
        for (int k = 0; k < dwords.Length; k++) dwords[k] = BitConverter.ToUInt32(dump.Slice(4 * k, 4));
        var registers = new uint[8];
        for (int k = 0; k < 8; k++) registers[7 - k] = dwords[3 + k]; // PUSHAD stores EDI lowest, EAX highest
        return new OracleState(registers, dwords[11], dwords[..3]);
    }

    public static string FormatRegisters(uint[] registers) =>
        string.Join(' ', Enumerable.Range(0, 8).Where(k => k != 4).Select(k => $"{RegisterNames[k]}={registers[k]:X8}"));

    public static string FormatMemory(uint[] memory) =>
        $"[SCRATCH-4]={memory[0]:X8} [SCRATCH]={memory[1]:X8} [SCRATCH+4]={memory[2]:X8}";

    public override string ToString() => $"{FormatRegisters(Registers)} EFLAGS={Eflags:X8} {FormatMemory(Memory)}";
}
