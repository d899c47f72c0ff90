using System.Globalization;

namespace HexEmu.Host.Cli;

/// <summary>QEMU's <c>a,b=c,d=e,,f</c> sub-option lists.</summary>
public static class SubOptions
{
    /// <summary>Splits on single commas (",," is a literal comma); a part without '=' has an empty value.</summary>
    public static List<(string Key, string Value)> Split(string text)
    {
        var result = new List<(string, string)>();
        foreach (string part in SplitEscaped(text))
        {
            int eq = part.IndexOf('=');
            result.Add(eq < 0 ? (part, "") : (part[..eq], part[(eq + 1)..]));
        }
        return result;
    }

    /// <summary>Index of the first single comma (not part of a ",," pair), or -1.</summary>
    public static int IndexOfSeparator(string text)
    {
        for (int k = 0; k < text.Length; k++)
        {
            if (text[k] != ',') continue;
            if (k + 1 < text.Length && text[k + 1] == ',') { k++; continue; }
            return k;
        }
        return -1;
    }

    /// <summary>Splits on single commas, turning ",," into a literal comma.</summary>
    public static List<string> SplitEscaped(string text)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        for (int k = 0; k < text.Length; k++)
        {
            if (text[k] != ',')
            {
                current.Append(text[k]);
                continue;
            }
            if (k + 1 < text.Length && text[k + 1] == ',')
            {
                current.Append(',');
                k++;
                continue;
            }
            result.Add(current.ToString());
            current.Clear();
        }
        result.Add(current.ToString());
        return result;
    }
}

/// <summary>
/// One option's argument read as QEMU's QemuOpts read it: key=value pairs, an implied key for a
/// leading bare value where the option has one, bare flags as "on" (QEMU's short-form booleans),
/// the last occurrence of a key wins, and an unknown key is "Invalid parameter".
/// Errors name the option and its argument as QEMU does: "-m 12Q: ...".
/// </summary>
internal sealed class OptionArgs
{
    private readonly Dictionary<string, string> _values = [];

    public string Option { get; }
    public string Text { get; }

    private OptionArgs(string option, string text)
    {
        Option = option;
        Text = text;
    }

    public static OptionArgs Parse(string option, string text, string? impliedKey, params string[] keys) =>
        ParseQuoted(option, text, text, impliedKey, keys);

    /// <summary>Parses <paramref name="text"/> (part of an argument) while errors quote the whole <paramref name="quoted"/> argument.</summary>
    public static OptionArgs ParseQuoted(string option, string quoted, string text, string? impliedKey, params string[] keys)
    {
        var args = new OptionArgs(option, quoted);
        if (text.Length == 0) return args;
        var parts = SubOptions.SplitEscaped(text);
        for (int k = 0; k < parts.Count; k++)
        {
            string part = parts[k];
            int eq = part.IndexOf('=');
            string key, value;
            if (eq >= 0)
                (key, value) = (part[..eq], part[(eq + 1)..]);
            else if (k == 0 && impliedKey is not null)
                (key, value) = (impliedKey, part);
            else if (part.StartsWith("no", StringComparison.Ordinal) && keys.Contains(part[2..]) && !keys.Contains(part))
                (key, value) = (part[2..], "off");
            else
                (key, value) = (part, "on");
            if (!keys.Contains(key)) throw args.Error($"Invalid parameter '{key}'");
            args._values[key] = value;
        }
        return args;
    }

    public CommandLineException Error(string message) => new($"{Option} {Text}: {message}");

    public bool Has(string key) => _values.ContainsKey(key);

    public string? Get(string key) => _values.GetValueOrDefault(key);

    public bool GetBool(string key, bool fallback)
    {
        if (!_values.TryGetValue(key, out string? value)) return fallback;
        return ParseBool(value) ?? throw Error($"Parameter '{key}' expects 'on' or 'off'");
    }

    public static bool? ParseBool(string value) => value switch
    {
        "on" or "yes" or "true" or "y" => true,
        "off" or "no" or "false" or "n" => false,
        _ => null,
    };

    public ulong? GetNumber(string key)
    {
        if (!_values.TryGetValue(key, out string? value)) return null;
        return ParseInteger(value) ?? throw Error($"Parameter '{key}' expects a number");
    }

    /// <summary>QEMU integers: decimal, 0x hex or leading-0 octal.</summary>
    public static ulong? ParseInteger(string text)
    {
        if (text.Length == 0) return null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex) && text.Length > 2 ? hex : null;
        if (text.Length > 1 && text[0] == '0')
        {
            ulong n = 0;
            foreach (char ch in text[1..])
            {
                if (ch is < '0' or > '7' || n > ulong.MaxValue / 8) return null;
                n = n * 8 + (ulong)(ch - '0');
            }
            return n;
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dec) ? dec : null;
    }
}
