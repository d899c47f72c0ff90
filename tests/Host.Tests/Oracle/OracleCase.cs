namespace HexEmu.Host.Tests.Oracle;

/// <summary>
/// One instruction under test and the machine state it starts from. <see cref="Registers"/> is in
/// register-number order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI); ESP is loaded after EFLAGS, so
/// stack instructions can work inside the scratch area. <see cref="DefinedFlags"/> are the arithmetic
/// flags the Intel SDM defines after this instruction with these inputs (unchanged flags count as
/// defined); the others are not compared. <see cref="Memory"/> holds the scratch dwords from
/// SCRATCH - 4 × (Memory.Length / 2) upward (see <see cref="OracleRom.ScratchStart"/>); dwords other
/// than the three around SCRATCH start as the xorshift32 sequence of <see cref="FillSeed"/>. With
/// <see cref="ShiftedDs"/> DS has base <see cref="OracleRom.ShiftedDsBase"/> during the instruction,
/// so a DS access and an SS access to the same offset reach different bytes.
/// </summary>
public sealed record OracleCase(int Index, string Instruction, uint[] Registers, uint FlagsIn, uint[] Memory, uint DefinedFlags,
    uint FillSeed = 0, bool ShiftedDs = false)
{
    public override string ToString() =>
        $"#{Index} `{Instruction.Replace("\n", "; ")}` with {OracleState.FormatRegisters(Registers)} EFLAGS={FlagsIn:X8}"
        + (ShiftedDs ? $" DS.base={OracleRom.ShiftedDsBase:X}" : "") + $" {OracleState.FormatMemory(Memory)}";
}

/// <summary>What the ROM dumps after each case: the scratch dwords, the registers (ESP as the instruction left it) and EFLAGS.</summary>
public sealed record OracleState(uint[] Registers, uint Eflags, uint[] Memory)
{
    /// <summary>Bytes per dump: the scratch dwords, PUSHAD's eight registers, then PUSHFD's EFLAGS.</summary>
    public static int DumpBytes(int memoryDwords) => 4 * (memoryDwords + 9);

    public static readonly string[] RegisterNames = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];

    /// <summary>Reads one dump: the scratch area, then the stack as the ROM's dump routine left it, lowest address first.</summary>
    public static OracleState Parse(ReadOnlySpan<byte> dump, int memoryDwords)
    {
        var dwords = new uint[memoryDwords + 9];
        for (int k = 0; k < dwords.Length; k++) dwords[k] = BitConverter.ToUInt32(dump.Slice(4 * k, 4));
        var registers = new uint[8];
        for (int k = 0; k < 8; k++) registers[7 - k] = dwords[memoryDwords + k]; // PUSHAD stores EDI lowest, EAX highest
        return new OracleState(registers, dwords[memoryDwords + 8], dwords[..memoryDwords]);
    }

    public static string FormatRegisters(uint[] registers) =>
        string.Join(' ', Enumerable.Range(0, 8).Select(k => $"{RegisterNames[k]}={registers[k]:X8}"));

    /// <summary>The scratch dwords by offset from SCRATCH; long areas list only what <paramref name="other"/> (if given) does not match.</summary>
    public static string FormatMemory(uint[] memory, uint[]? other = null)
    {
        int below = memory.Length / 2;
        var parts = new List<string>();
        for (int k = 0; k < memory.Length; k++)
        {
            bool show = memory.Length <= 3 || (other is not null ? other[k] != memory[k] : k >= below - 1 && k <= below + 1);
            if (show) parts.Add($"[SCRATCH{4 * (k - below):+0;-0;+0}]={memory[k]:X8}");
        }
        if (memory.Length > 3) parts.Add(other is null ? "(the rest filled)" : "(other dwords equal)");
        return string.Join(' ', parts);
    }

    public override string ToString() => $"{FormatRegisters(Registers)} EFLAGS={Eflags:X8} {FormatMemory(Memory)}";

    /// <summary>Like <see cref="ToString"/>, but a long scratch area shows only the dwords that differ from <paramref name="other"/>.</summary>
    public string Describe(OracleState other) =>
        $"{FormatRegisters(Registers)} EFLAGS={Eflags:X8} {FormatMemory(Memory, Memory.Length > 3 ? other.Memory : null)}";
}
