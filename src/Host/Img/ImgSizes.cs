using System.Globalization;

namespace HexEmu.Host.Img;

/// <summary>Sizes as qemu-img reads and prints them.</summary>
public static class ImgSizes
{
    private static readonly string[] Prefixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    /// <summary>Parses "64M", "1.5G", "4096", "512b": binary suffixes k/K, M, G, T, P, E, b/B for bytes; null when invalid.</summary>
    public static long? Parse(string text)
    {
        if (text.Length == 0) return null;
        var shift = char.ToUpperInvariant(text[^1]) switch
        {
            'B' => 0, 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, 'P' => 50, 'E' => 60, _ => -1,
        };
        var number = shift < 0 ? text : text[..^1];
        if (shift < 0) shift = 0;
        if (number.Length == 0 || !char.IsAsciiDigit(number[0])) return null;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        var bytes = value * (decimal)Math.Pow(2, shift);
        if (bytes > long.MaxValue) return null;
        return (long)decimal.Truncate(bytes);
    }

    /// <summary>qemu's human size: three significant digits of the largest binary unit that keeps the number at least 1000/1024.</summary>
    public static string Human(long bytes)
    {
        if (bytes <= 0) return "0 B";
        // Units switch at 1000 of the smaller unit, not 1024 (so 1000 bytes print as "0.977 KiB").
        var exponent = Math.ILogB(bytes / (1000.0 / 1024.0));
        var unit = Math.Min(exponent / 10, Prefixes.Length - 1);
        var value = bytes / (double)(1L << (unit * 10));
        return $"{FormatG3(value)} {Prefixes[unit]}B";
    }

    /// <summary>C's "%0.3g": three significant digits, trailing zeros dropped.</summary>
    public static string FormatG3(double value) => value.ToString("G3", CultureInfo.InvariantCulture).Replace("E", "e");
}
