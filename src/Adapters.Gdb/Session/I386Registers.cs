using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>One register of the target description, in gdb's numbering (its index in <see cref="I386Registers.All"/>).</summary>
internal sealed record RegisterInfo(string Name, int Bits, string Type, string? Group = null)
{
    public int Bytes => Bits / 8;
}

/// <summary>
/// The registers gdb's i386 architecture requires of the <c>org.gnu.gdb.i386.core</c> feature, in
/// the order gdb numbers them: the 16 general registers the CPU has, then the x87 stack and
/// control registers. HexEmu has no FPU state to show, so the x87 registers read as zero and
/// writes to them are accepted and dropped. The target description and the 'g' packet are both
/// built from this one table, so they cannot disagree.
/// </summary>
internal static class I386Registers
{
    public static readonly IReadOnlyList<RegisterInfo> All = Build();

    /// <summary>Size of the 'g' packet's data: every register of <see cref="All"/>, in order.</summary>
    public static readonly int TotalBytes = All.Sum(r => r.Bytes);

    public static int GeneralCount => GuestRegisters.Count;

    private static List<RegisterInfo> Build()
    {
        var list = new List<RegisterInfo>
        {
            new("eax", 32, "int32"), new("ecx", 32, "int32"), new("edx", 32, "int32"), new("ebx", 32, "int32"),
            new("esp", 32, "data_ptr"), new("ebp", 32, "data_ptr"), new("esi", 32, "int32"), new("edi", 32, "int32"),
            new("eip", 32, "code_ptr"), new("eflags", 32, "i386_eflags"),
            new("cs", 32, "int32"), new("ss", 32, "int32"), new("ds", 32, "int32"),
            new("es", 32, "int32"), new("fs", 32, "int32"), new("gs", 32, "int32"),
        };
        for (var i = 0; i < 8; i++) list.Add(new($"st{i}", 80, "i387_ext"));
        foreach (var name in new[] { "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop" })
        {
            list.Add(new(name, 32, "int", "float"));
        }
        return list;
    }

    /// <summary>The 'g' packet's bytes: the general registers little-endian, the x87 ones zero.</summary>
    public static byte[] Encode(GuestRegisters registers)
    {
        var bytes = new byte[TotalBytes];
        for (var i = 0; i < GeneralCount; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(4 * i, 4), registers[i]);
        }
        return bytes;
    }

    /// <summary>One register's bytes as 'p' returns them.</summary>
    public static byte[] Encode(GuestRegisters registers, int number)
    {
        var bytes = new byte[All[number].Bytes];
        if (number < GeneralCount) BitConverter.TryWriteBytes(bytes, registers[number]);
        return bytes;
    }

    /// <summary>Offset of register <paramref name="number"/> in the 'g' data.</summary>
    public static int OffsetOf(int number) => All.Take(number).Sum(r => r.Bytes);

    /// <summary>
    /// The general registers from a 'G' packet's data; the x87 part that may follow is ignored.
    /// Null if the data is shorter than the general registers or longer than the whole file.
    /// </summary>
    public static GuestRegisters? DecodeGeneral(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 * GeneralCount || data.Length > TotalBytes) return null;
        var registers = default(GuestRegisters);
        for (var i = 0; i < GeneralCount; i++)
        {
            registers = registers.With(i, BitConverter.ToUInt32(data.Slice(4 * i, 4)));
        }
        return registers;
    }
}
