using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// What the test knows about tests/guests/rrguest.elf independently of any emulator (its source
/// comment is the contract): the lines it prints and the exit status it chooses, both as
/// functions of the input the test sent.
/// </summary>
public static partial class RrGuest
{
    public const string Kernel = "rrguest.elf";
    public const byte Terminator = (byte)'~';

    /// <summary>The line the guest prints once its RTC is read and its interrupts are about to go on: input may follow.</summary>
    public const string ReadyMarker = "\r\nrtc ";

    public const string EndMarker = "# end: ";

    /// <summary>
    /// A seeded, printable input of <paramref name="length"/> bytes with a line end now and then
    /// and the terminator last. Bytes the guest treats specially ('~') appear only at the end.
    /// </summary>
    public static byte[] Input(int seed, int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;!?-+=*/()[]{}<>@#$%^&";
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i < length - 1; i++)
            bytes[i] = random.Next(8) == 0 ? (byte)(random.Next(2) == 0 ? '\n' : '\r') : (byte)Alphabet[random.Next(Alphabet.Length)];
        bytes[^1] = Terminator;
        return bytes;
    }

    /// <summary>The bytes the guest counts: everything before the terminator.</summary>
    public static byte[] Counted(ReadOnlySpan<byte> input)
    {
        int end = input.IndexOf(Terminator);
        return (end < 0 ? input : input[..end]).ToArray();
    }

    /// <summary>The guest's isa-debug-exit value is 0x20 | (sum & 0x1F); QEMU's device turns v into status (v &lt;&lt; 1) | 1.</summary>
    public static int ExpectedExitStatus(ReadOnlySpan<byte> counted)
    {
        int sum = 0;
        foreach (byte b in counted) sum = (sum + b) & 0xFFFF;
        return ((0x20 | (sum & 0x1F)) << 1) | 1;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, as zlib), written out here so the expectation does not come from our code.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>One "rx N 0xBB 'c' tick T tsc X" line: byte number N arrived at PIT tick T.</summary>
    public sealed record Arrival(int Number, byte Byte, uint Tick);

    public static IReadOnlyList<Arrival> Arrivals(string serial) =>
        [.. ArrivalLine().Matches(serial).Select(m => new Arrival(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            byte.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))];

    /// <summary>The summary line's fields, or null when the guest did not get that far.</summary>
    public sealed record Summary(int Bytes, int Sum, uint Crc, int Lines, uint Ticks, uint Halts, string Tsc, string Ram);

    public static Summary? ParseSummary(string serial)
    {
        var m = SummaryLine().Match(serial);
        if (!m.Success) return null;
        int I(int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return new Summary(I(1), I(2), uint.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), I(4),
            (uint)I(5), (uint)I(6), m.Groups[7].Value, m.Groups[8].Value);
    }

    /// <summary>The wall-clock time the guest read from the RTC at start ("rtc YYYY-MM-DD HH:MM:SS").</summary>
    public static DateTime? StartTime(string serial)
    {
        var m = RtcLine().Match(serial);
        return m.Success ? DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : null;
    }

    public static string Text(byte[] serial) => Encoding.Latin1.GetString(serial);

    [GeneratedRegex(@"^rx (\d+) 0x([0-9a-f]{2}) '.' tick (\d+) tsc [0-9a-f]{8}\r$", RegexOptions.Multiline)]
    private static partial Regex ArrivalLine();

    [GeneratedRegex(@"^# end: (\d+) bytes, sum (\d+), crc ([0-9a-f]{8}), lines (\d+), ticks (\d+), halts (\d+), tsc ([0-9a-f]{8}:[0-9a-f]{8}), ram ([0-9a-f]{8})\r$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^rtc (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\r$", RegexOptions.Multiline)]
    private static partial Regex RtcLine();
}
