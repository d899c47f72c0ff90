namespace HexEmu.Domain.Cpu;

/// <summary>EFLAGS bits (Intel SDM vol. 1, 3.4.3).</summary>
public static class Flags
{
    public const uint CF = 1u << 0;
    public const uint Reserved1 = 1u << 1; // always reads as 1
    public const uint PF = 1u << 2;
    public const uint AF = 1u << 4;
    public const uint ZF = 1u << 6;
    public const uint SF = 1u << 7;
    public const uint TF = 1u << 8;
    public const uint IF = 1u << 9;
    public const uint DF = 1u << 10;
    public const uint OF = 1u << 11;
    public const uint IOPL = 3u << 12;
    public const int IoplShift = 12;
    public const uint NT = 1u << 14;
    public const uint RF = 1u << 16;
    public const uint VM = 1u << 17;
    public const uint AC = 1u << 18;
    public const uint ID = 1u << 21;

    /// <summary>The six arithmetic status flags.</summary>
    public const uint Status = CF | PF | AF | ZF | SF | OF;

    /// <summary>
    /// Bits software can change at all on the CPU we model. AC is a 486 flag; ID tells CPUID is
    /// present and must be toggleable for software to detect it.
    /// </summary>
    public const uint Implemented = Status | TF | IF | DF | IOPL | NT | RF | VM | AC | ID;

    /// <summary>PF for every byte value: set when the number of one bits is even.</summary>
    public static ReadOnlySpan<byte> ParityTable => [
        4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4, 0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0,
        0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0, 4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4,
        0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0, 4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4,
        4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4, 0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0,
        0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0, 4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4,
        4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4, 0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0,
        4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4, 0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0,
        0,4,4,0,4,0,0,4,4,0,0,4,0,4,4,0, 4,0,0,4,0,4,4,0,0,4,4,0,4,0,0,4,
    ];
}
