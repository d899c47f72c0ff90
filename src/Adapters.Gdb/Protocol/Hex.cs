using System.Text;

namespace HexEmu.Adapters.Gdb.Protocol;

/// <summary>The protocol's hex: two digits per byte (either case accepted, lower case sent) and hex numbers.</summary>
internal static class Hex
{
    private const string Digits = "0123456789abcdef";

    public static int DigitValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public static char Digit(int value) => Digits[value & 15];

    /// <summary>Appends two hex digits per byte.</summary>
    public static StringBuilder AppendBytes(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            text.Append(Digits[b >> 4]).Append(Digits[b & 15]);
        }
        return text;
    }

    public static string FromBytes(ReadOnlySpan<byte> bytes) => AppendBytes(new StringBuilder(bytes.Length * 2), bytes).ToString();

    /// <summary>Decodes pairs of hex digits; null if the length is odd or a digit is not hex.</summary>
    public static byte[]? ToBytes(ReadOnlySpan<char> digits)
    {
        if (digits.Length % 2 != 0) return null;
        var bytes = new byte[digits.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            var high = DigitValue(digits[2 * i]);
            var low = DigitValue(digits[2 * i + 1]);
            if (high < 0 || low < 0) return null;
            bytes[i] = (byte)(high << 4 | low);
        }
        return bytes;
    }

    /// <summary>
    /// A hex number (gdb sends addresses and lengths without leading zeros, but may pad them);
    /// false for an empty field, a non-hex digit or a value over 64 bits.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty || digits.TrimStart('0').Length > 16) return false;
        foreach (var c in digits)
        {
            var d = DigitValue(c);
            if (d < 0) return false;
            value = value << 4 | (uint)d;
        }
        return true;
    }

    /// <summary>A hex number that fits 32 bits (an i386 address or length).</summary>
    public static bool TryParseUInt32(ReadOnlySpan<char> digits, out uint value)
    {
        value = 0;
        if (!TryParseNumber(digits, out var wide) || wide > uint.MaxValue) return false;
        value = (uint)wide;
        return true;
    }
}
