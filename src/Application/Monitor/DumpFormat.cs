namespace HexEmu.Application.Monitor;

/// <summary>
/// The `/fmt` of `x` and `xp`: /[count][format][size]. Formats: x hex, d signed, u unsigned, o octal,
/// c character, i instruction. Sizes: b 1, h 2, w 4, g (or L) 8 bytes. Count defaults to 1; format and size
/// default to the last ones used (initially x and w), and 'i' neither uses nor changes the remembered size.
/// </summary>
internal readonly record struct DumpFormat(int Count, char Format, int Size)
{
    /// <summary>
    /// The largest count accepted. QEMU has no limit, but a typo like /99999999x must not stall the
    /// machine thread for minutes while it prints megabytes.
    /// </summary>
    public const int MaxCount = 65536;
}

/// <summary>Parses a /fmt and keeps the remembered defaults between commands (one per monitor, shared by x and xp).</summary>
internal sealed class DumpFormatState
{
    public char DefaultFormat { get; private set; } = 'x';
    public int DefaultSize { get; private set; } = 4;

    /// <summary>
    /// Reads an optional "/fmt" at <paramref name="pos"/> (after spaces) and advances past it.
    /// </summary>
    /// <exception cref="MonitorCommandException">"invalid char in format: 'q'".</exception>
    public DumpFormat Parse(string line, ref int pos)
    {
        int p = pos;
        while (p < line.Length && char.IsWhiteSpace(line[p]))
            p++;
        if (p >= line.Length || line[p] != '/')
            return new DumpFormat(1, DefaultFormat, DefaultFormat == 'i' ? 0 : DefaultSize);

        p++;
        long count = 1;
        if (p < line.Length && char.IsAsciiDigit(line[p]))
        {
            count = 0;
            while (p < line.Length && char.IsAsciiDigit(line[p]))
            {
                count = Math.Min(count * 10 + (line[p] - '0'), int.MaxValue);
                p++;
            }
        }

        char format = '\0';
        int size = 0;
        for (; p < line.Length; p++)
        {
            char c = line[p];
            if (c is 'o' or 'd' or 'u' or 'x' or 'i' or 'c')
                format = c;
            else if (c is 'b' or 'h' or 'w' or 'g' or 'L')
                size = c switch { 'b' => 1, 'h' => 2, 'w' => 4, _ => 8 };
            else
                break;
        }

        if (p < line.Length && !char.IsWhiteSpace(line[p]))
            throw new MonitorCommandException($"invalid char in format: '{line[p]}'");
        if (count > DumpFormat.MaxCount)
            throw new MonitorCommandException($"count too large (at most {DumpFormat.MaxCount})");

        if (format == '\0')
            format = DefaultFormat;
        if (format != 'i')
        {
            if (size == 0)
                size = DefaultSize;
            DefaultSize = size;
        }
        DefaultFormat = format;
        pos = p;
        return new DumpFormat((int)count, format, size);
    }
}
