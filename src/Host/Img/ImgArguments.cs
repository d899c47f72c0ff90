namespace HexEmu.Host.Img;

/// <summary>
/// getopt-style parsing of one subcommand's arguments: short options with a value ("-f qcow2" or
/// "-fqcow2"), flags ("-l"), long options ("--output=json" or "--output json") and positional names.
/// </summary>
public sealed class ImgArguments
{
    private readonly Dictionary<string, List<string>> _values = [];
    private readonly HashSet<string> _flags = [];

    public List<string> Positional { get; } = [];

    /// <param name="valued">Options that take a value, e.g. "f", "O", "output".</param>
    /// <param name="flags">Options without a value, e.g. "l", "q".</param>
    public static ImgArguments Parse(string[] args, string[] valued, string[] flags)
    {
        var parsed = new ImgArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                parsed.Positional.AddRange(args[(i + 1)..]);
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg[2..] : arg[2..eq];
                if (flags.Contains(name) && eq < 0) { parsed._flags.Add(name); continue; }
                if (!valued.Contains(name)) throw new ImgException($"unrecognized option '{arg}'", tryHelp: true);
                var value = eq >= 0 ? arg[(eq + 1)..]
                    : i + 1 < args.Length ? args[++i] : throw new ImgException($"missing argument for option '{arg}'", tryHelp: true);
                parsed.Add(name, value);
                continue;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                parsed.Positional.Add(arg);
                continue;
            }
            // A cluster of short options: "-lq", "-fqcow2", "-f qcow2".
            for (var j = 1; j < arg.Length; j++)
            {
                var name = arg[j].ToString();
                if (flags.Contains(name)) { parsed._flags.Add(name); continue; }
                if (!valued.Contains(name)) throw new ImgException($"unrecognized option '{arg}'", tryHelp: true);
                var value = j + 1 < arg.Length ? arg[(j + 1)..]
                    : i + 1 < args.Length ? args[++i] : throw new ImgException($"missing argument for option '-{name}'", tryHelp: true);
                parsed.Add(name, value);
                break;
            }
        }
        return parsed;
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
        list.Add(value);
    }

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The last value given for <paramref name="name"/> (qemu-img lets later options win).</summary>
    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of a repeatable option (such as -o), in order.</summary>
    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];
}
