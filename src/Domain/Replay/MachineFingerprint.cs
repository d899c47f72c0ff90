using System.Globalization;
using System.Text;

namespace HexEmu.Domain.Replay;

/// <summary>
/// The text form of <see cref="ReplayHeader.MachineFingerprint"/>: <c>key=value</c> fields joined by
/// commas, in a fixed order, e.g. <c>machine=pc,ram=128M,cpu=qemu32,serial=1,…</c>. A value with a
/// comma, a quote, a backslash, a space or a control character (a kernel command line, say) is
/// written in double quotes with <c>\"</c>, <c>\\</c> and <c>\xNN</c> escapes, so any value survives a
/// round trip and the whole text stays one printable line.
/// </summary>
public static class MachineFingerprint
{
    public static string Format(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            if (key.Length == 0 || NeedsQuotes(key) || key.Contains('='))
                throw new ArgumentException($"bad fingerprint key '{key}'", nameof(fields));
            if (text.Length > 0) text.Append(',');
            text.Append(key).Append('=');
            AppendValue(text, value);
        }
        return text.ToString();
    }

    /// <summary>The fields of a fingerprint in order, or null when <paramref name="fingerprint"/> is not in this form.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? TryParse(string fingerprint)
    {
        var fields = new List<KeyValuePair<string, string>>();
        int at = 0;
        while (at < fingerprint.Length)
        {
            int eq = fingerprint.IndexOf('=', at);
            if (eq <= at) return null;
            string key = fingerprint[at..eq];
            if (key.Contains(',')) return null;
            at = eq + 1;
            string? value = at < fingerprint.Length && fingerprint[at] == '"' ? ReadQuoted(fingerprint, ref at) : ReadBare(fingerprint, ref at);
            if (value is null) return null;
            fields.Add(new(key, value));
            if (at == fingerprint.Length) break;
            if (fingerprint[at] != ',' || at + 1 == fingerprint.Length) return null;
            at++;
        }
        return fields;
    }

    /// <summary>One field as the fingerprint writes it: <c>key=value</c>, quoted where needed.</summary>
    public static string FormatField(string key, string value)
    {
        var text = new StringBuilder(key).Append('=');
        AppendValue(text, value);
        return text.ToString();
    }

    private static bool NeedsQuotes(string value) =>
        value.Length == 0 || value.Any(c => c is ',' or '"' or '\\' or ' ' || char.IsControl(c));

    private static void AppendValue(StringBuilder text, string value)
    {
        if (!NeedsQuotes(value))
        {
            text.Append(value);
            return;
        }
        text.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\') text.Append('\\').Append(c);
            else if (char.IsControl(c)) text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else text.Append(c); // other characters as they are: readable, and fingerprints are compared exactly anyway
        }
        text.Append('"');
    }

    private static string ReadBare(string text, ref int at)
    {
        int end = text.IndexOf(',', at);
        if (end < 0) end = text.Length;
        string value = text[at..end];
        at = end;
        return value;
    }

    private static string? ReadQuoted(string text, ref int at)
    {
        var value = new StringBuilder();
        for (at++; at < text.Length; at++)
        {
            char c = text[at];
            if (c == '"')
            {
                at++;
                return value.ToString();
            }
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (++at == text.Length) return null;
            if (text[at] is '"' or '\\')
                value.Append(text[at]);
            else if (text[at] == 'x' && at + 2 < text.Length
                     && byte.TryParse(text.AsSpan(at + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte code))
            {
                value.Append((char)code);
                at += 2;
            }
            else return null;
        }
        return null; // no closing quote
    }
}
