namespace HexEmu.Domain.Cpu;

/// <summary>Exception vectors (Intel SDM vol. 3, table 6-1).</summary>
public static class Vector
{
    public const byte DE = 0;   // divide error
    public const byte DB = 1;   // debug
    public const byte NMI = 2;
    public const byte BP = 3;   // INT3
    public const byte OF = 4;   // INTO
    public const byte BR = 5;   // BOUND
    public const byte UD = 6;   // invalid opcode
    public const byte NM = 7;   // device not available
    public const byte DF = 8;   // double fault
    public const byte TS = 10;  // invalid TSS
    public const byte NP = 11;  // segment not present
    public const byte SS = 12;  // stack fault
    public const byte GP = 13;  // general protection
    public const byte PF = 14;  // page fault
    public const byte MF = 16;  // x87 error
    public const byte AC = 17;  // alignment check

    /// <summary>Vectors that push an error code.</summary>
    public static bool HasErrorCode(int vector) =>
        vector is DF or TS or NP or SS or GP or PF or AC;
}
