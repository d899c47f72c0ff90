using System.Text;
using Iced.Intel;
using Decoder = Iced.Intel.Decoder;

namespace HexEmu.Application.Monitor;

/// <summary>
/// `x /Ni` and `xp /Ni`: N instructions disassembled in the CPU's current code size, in the layout QEMU 7.2
/// prints: "0x%08x:  " then up to 8 instruction bytes, padded so mnemonics line up, then the mnemonic
/// padded to 8 and the operands (AT&amp;T syntax, as QEMU's i386 disassembler; Iced's GAS formatter).
/// Bytes past the eighth continue on following lines with their own address. Unreadable memory ends the
/// listing with "0x%08x: unable to read memory".
/// </summary>
internal static class InstructionDump
{
    private const int BytesPerLine = 8;
    private const int MaxInstructionLength = 15;

    public static void Write(StringBuilder output, int count, ulong address, bool physical, IMonitorTarget target)
    {
        int bitness = target.CodeBitness == 16 ? 16 : 32;
        var formatter = CreateFormatter();
        var text = new StringOutput();
        Span<byte> window = stackalloc byte[MaxInstructionLength];

        for (int n = 0; n < count; n++)
        {
            int available = ReadAvailable(target, address, physical, window);
            if (available == 0)
            {
                output.Append("0x").Append(address.ToString("x8")).Append(": unable to read memory\n");
                return;
            }

            // AMD's reading of UD0 (no ModRM byte) is the one QEMU's disassembler prints; in 16- and 32-bit
            // code that is the only difference the option makes.
            var decoder = Decoder.Create(bitness, new ByteArrayCodeReader(window[..available].ToArray()), DecoderOptions.AMD);
            decoder.IP = address;
            decoder.Decode(out var instruction);

            bool truncated = instruction.IsInvalid && decoder.LastError == DecoderError.NoMoreBytes;
            if (truncated)
            {
                output.Append("0x").Append(address.ToString("x8")).Append(": unable to read memory\n");
                return;
            }

            int length;
            string mnemonic, operands;
            if (instruction.IsInvalid)
            {
                length = 1;
                mnemonic = ".byte";
                operands = "0x" + window[0].ToString("x2");
            }
            else
            {
                length = instruction.Length;
                formatter.FormatMnemonic(instruction, text);
                mnemonic = text.ToStringAndReset();
                operands = FarPointer(instruction) ?? FormatOperands(formatter, instruction, text);
            }

            ReadOnlySpan<byte> bytes = window[..length];
            output.Append("0x").Append(address.ToString("x8")).Append(":  ");
            AppendBytes(output, bytes[..Math.Min(length, BytesPerLine)]);
            if (length < BytesPerLine)
                output.Append(' ', (BytesPerLine - length) * 3);
            output.Append("  ").Append(mnemonic.PadRight(8)).Append(' ').Append(operands).Append('\n');
            for (int i = BytesPerLine; i < length; i += BytesPerLine)
            {
                output.Append("0x").Append((address + (ulong)i).ToString("x8")).Append(":  ");
                AppendBytes(output, bytes[i..Math.Min(length, i + BytesPerLine)]);
                output.Append('\n');
            }

            address = physical ? address + (ulong)length : (uint)(address + (ulong)length);
        }
    }

    private static string FormatOperands(GasFormatter formatter, in Instruction instruction, StringOutput text)
    {
        formatter.FormatAllOperands(instruction, text);
        return text.ToStringAndReset();
    }

    /// <summary>A direct far jump or call target as QEMU prints it, "$0xf000:$0x0" (Iced would print "$0xf000, $0").</summary>
    private static string? FarPointer(in Instruction instruction) => instruction.Op0Kind switch
    {
        OpKind.FarBranch16 => $"$0x{instruction.FarBranchSelector:x}:$0x{instruction.FarBranch16:x}",
        OpKind.FarBranch32 => $"$0x{instruction.FarBranchSelector:x}:$0x{instruction.FarBranch32:x}",
        _ => null,
    };

    private static GasFormatter CreateFormatter()
    {
        var formatter = new GasFormatter();
        formatter.Options.SpaceAfterOperandSeparator = true;
        formatter.Options.GasSpaceAfterMemoryOperandComma = true;
        formatter.Options.GasShowMnemonicSizeSuffix = true;
        formatter.Options.BranchLeadingZeros = false;
        formatter.Options.UppercaseHex = false;
        return formatter;
    }

    /// <summary>Reads as many of the next 15 bytes as are readable (an instruction may end before a hole).</summary>
    private static int ReadAvailable(IMonitorTarget target, ulong address, bool physical, Span<byte> window)
    {
        if (Read(target, address, physical, window))
            return window.Length;
        int available = 0;
        while (available < window.Length && Read(target, address + (ulong)available, physical, window.Slice(available, 1)))
            available++;
        return available;
    }

    private static bool Read(IMonitorTarget target, ulong address, bool physical, Span<byte> destination) =>
        physical ? target.TryReadPhysical(address, destination) : target.TryReadVirtual((uint)address, destination);

    private static void AppendBytes(StringBuilder output, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
                output.Append(' ');
            output.Append(bytes[i].ToString("x2"));
        }
    }
}
