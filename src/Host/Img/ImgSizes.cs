using System.Globalization;

namespace HexEmu.Host.Img;

/// <summary>Sizes as qemu-img reads and prints them.</summary>
public static class ImgSizes
{
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
    public static string Human(long bytes) => Application.Monitor.SnapshotTable.Size((ulong)Math.Max(bytes, 0));
}
