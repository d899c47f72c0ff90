using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>
/// Prints `x` and `xp` output in QEMU 7.2's layout: each line starts with the address (8 hex digits for a
/// virtual address, 16 for a physical one) and a colon, then holds 16 bytes of values (8 when the unit is a
/// byte), each value after one space: x as 0x with all digits, u/d right-aligned decimal, o right-aligned C
/// octal, c quoted characters. Memory is read one line at a time; an unreadable line ends the dump with
/// " Cannot access memory".
/// </summary>
internal static class MemoryDump
{
    public static void Write(StringBuilder output, DumpFormat format, ulong address, bool physical, IMonitorTarget target)
    {
        if (format.Format == 'i')
        {
            InstructionDump.Write(output, format.Count, address, physical, target);
            return;
        }

        int unit = format.Size;
        long remaining = (long)unit * format.Count;
        int lineSize = unit == 1 ? 8 : 16;
        int width = ValueWidth(format.Format, unit);
        // 'c' prints every byte, but the amount dumped still comes from the requested unit size (as in QEMU).
        if (format.Format == 'c')
            unit = 1;

        Span<byte> line = stackalloc byte[16];
        while (remaining > 0)
        {
            output.Append(physical ? address.ToString("x16") : ((uint)address).ToString("x8")).Append(':');
            int length = (int)Math.Min(remaining, lineSize);
            Span<byte> bytes = line[..length];
            bool ok = physical ? target.TryReadPhysical(address, bytes) : target.TryReadVirtual((uint)address, bytes);
            if (!ok)
            {
                output.Append(" Cannot access memory\n");
                return;
            }

            for (int i = 0; i < length; i += unit)
            {
                ulong value = unit switch
                {
                    1 => bytes[i],
                    2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes[i..]),
                    4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]),
                };
                output.Append(' ');
                AppendValue(output, format.Format, value, unit, width);
            }
            output.Append('\n');
            address = physical ? address + (ulong)length : (uint)(address + (ulong)length);
            remaining -= length;
        }
    }

    /// <summary>The field width QEMU pads to: enough digits for the unit's largest value.</summary>
    private static int ValueWidth(char format, int unit) => format switch
    {
        'o' => (unit * 8 + 2) / 3,
        'u' or 'd' => (unit * 8 * 10 + 32) / 33,
        'c' => 0,
        _ => unit * 2,
    };

    private static void AppendValue(StringBuilder output, char format, ulong value, int unit, int width)
    {
        switch (format)
        {
            case 'x':
                output.Append("0x").Append(value.ToString("x" + width));
                break;
            case 'u':
                output.Append(value.ToString().PadLeft(width));
                break;
            case 'd':
                // QEMU loads every unit zero-extended into a 64-bit value and prints it signed, so only
                // 8-byte units ever show a minus sign.
                output.Append(((long)value).ToString().PadLeft(width));
                break;
            case 'o':
                output.Append((value == 0 ? "0" : "0" + Convert.ToString((long)value, 8)).PadLeft(width));
                break;
            case 'c':
                AppendChar(output, (byte)value);
                break;
        }
    }

    /// <summary>A byte as QEMU's monitor quotes it: 'A', '\n', '\r', '\\', '\'', or '\xNN'.</summary>
    private static void AppendChar(StringBuilder output, byte b)
    {
        output.Append('\'');
        switch (b)
        {
            case (byte)'\'': output.Append("\\'"); break;
            case (byte)'\\': output.Append("\\\\"); break;
            case (byte)'\n': output.Append("\\n"); break;
            case (byte)'\r': output.Append("\\r"); break;
            case >= 32 and <= 126: output.Append((char)b); break;
            default: output.Append("\\x").Append(b.ToString("x2")); break;
        }
        output.Append('\'');
    }
}
