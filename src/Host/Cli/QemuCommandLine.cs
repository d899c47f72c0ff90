using System.Globalization;

namespace HexEmu.Host.Cli;

/// <summary>
/// Parses qemu-system-i386's command line conventions: options start with one or two dashes,
/// take at most one argument, sub-options are comma-separated <c>key=value</c> pairs with
/// <c>,,</c> for a literal comma, and the last occurrence of a single-valued option wins.
/// An option QEMU has that HexEmu does not support yet is an error that says so, never ignored.
/// </summary>
public static class QemuCommandLine
{
    /// <summary>Options we understand, and whether each takes an argument.</summary>
    private static readonly Dictionary<string, bool> Supported = new()
    {
        ["bios"] = true, ["m"] = true, ["debugcon"] = true, ["device"] = true,
        ["no-reboot"] = false, ["version"] = false, ["h"] = false, ["help"] = false,
        ["nographic"] = false, ["display"] = true, ["nodefaults"] = false,
    };

    /// <summary>QEMU options that exist but are not implemented here yet (a clear error, not "unknown").</summary>
    private static readonly HashSet<string> KnownButUnsupported =
    [
        "kernel", "append", "initrd", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb", "drive", "serial", "monitor",
        "chardev", "netdev", "net", "nic", "icount", "rtc", "smp", "cpu", "machine", "M", "s", "S", "gdb", "snapshot",
        "loadvm", "d", "D", "name", "boot", "vga", "usb", "usbdevice", "accel", "enable-kvm", "k", "qmp", "no-shutdown",
        "pidfile", "daemonize", "L", "option-rom", "global", "object", "audiodev", "soundhw", "parallel", "mon", "trace",
        "plugin", "overcommit", "rtc-td-hack", "no-hpet", "no-acpi", "smbios", "fw_cfg", "sandbox", "msg", "incremental",
        "virtfs", "fsdev", "blockdev", "mem-path", "mem-prealloc", "numa", "uuid", "full-screen", "sdl", "vnc", "spice",
    ];

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HostOptions();
        for (int k = 0; k < args.Count; k++)
        {
            string arg = args[k];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
                throw new CommandLineException($"{arg}: invalid option");
            string name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            if (!Supported.TryGetValue(name, out bool takesValue))
            {
                if (KnownButUnsupported.Contains(name))
                    throw new CommandLineException($"-{name}: option not supported by hexemu yet");
                throw new CommandLineException($"-{name}: invalid option");
            }
            string value = "";
            if (takesValue)
            {
                if (k + 1 >= args.Count) throw new CommandLineException($"-{name}: requires an argument");
                value = args[++k];
            }
            options = Apply(options, name, value);
        }
        return options;
    }

    private static HostOptions Apply(HostOptions o, string name, string value) => name switch
    {
        "bios" => o with { BiosPath = value },
        "m" => o with { RamBytes = ParseMemorySize(value) },
        "debugcon" => o with { DebugCon = ParseCharTarget("-debugcon", value) },
        "device" => ApplyDevice(o, value),
        "no-reboot" => o with { NoReboot = true },
        "version" => o with { ShowVersion = true },
        "h" or "help" => o with { ShowHelp = true },
        // No display exists, so these only confirm what already holds.
        "nographic" or "nodefaults" => o,
        "display" => SubOptions.Split(value)[0].Key == "none"
            ? o
            : throw new CommandLineException($"-display {value}: only '-display none' is supported"),
        _ => throw new CommandLineException($"-{name}: invalid option"),
    };

    /// <summary>-m [size=]N[KMG]: a bare number is MiB, as QEMU reads it.</summary>
    public static uint ParseMemorySize(string text)
    {
        var parts = SubOptions.Split(text);
        string size = parts[0].Key == "size" ? parts[0].Value : parts[0].Key;
        foreach (var (key, _) in parts.Skip(1))
            if (key is not ("slots" or "maxmem"))
                throw new CommandLineException($"-m {text}: invalid sub-option '{key}'");
        if (size.Length == 0) throw new CommandLineException("-m: missing size");
        ulong multiplier = 1UL << 20;
        char last = char.ToUpperInvariant(size[^1]);
        if (char.IsLetter(last))
        {
            multiplier = last switch
            {
                'B' => 1,
                'K' => 1UL << 10,
                'M' => 1UL << 20,
                'G' => 1UL << 30,
                'T' => 1UL << 40,
                _ => throw new CommandLineException($"-m {text}: invalid size suffix '{size[^1]}'"),
            };
            size = size[..^1];
        }
        if (!double.TryParse(size, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number) || number <= 0)
            throw new CommandLineException($"-m {text}: invalid RAM size");
        double bytes = number * multiplier;
        if (bytes < 1 << 20) throw new CommandLineException($"-m {text}: RAM size too small (at least 1M)");
        if (bytes > 2047.0 * (1 << 20)) throw new CommandLineException($"-m {text}: RAM size too large for an i386 PC here (at most 2047M)");
        ulong rounded = ((ulong)bytes + 0xFFF) & ~0xFFFUL;
        return (uint)rounded;
    }

    public static CharTarget ParseCharTarget(string option, string spec)
    {
        if (spec == "stdio") return new CharTarget.Stdio();
        if (spec == "null" || spec == "none") return new CharTarget.Null();
        if (spec.StartsWith("file:", StringComparison.Ordinal) && spec.Length > 5) return new CharTarget.File(spec[5..]);
        throw new CommandLineException($"{option} {spec}: character device not supported (use stdio, null or file:PATH)");
    }

    private static HostOptions ApplyDevice(HostOptions o, string value)
    {
        var parts = SubOptions.Split(value);
        string driver = parts[0].Key == "driver" ? parts[0].Value : parts[0].Key;
        if (driver != "isa-debug-exit")
            throw new CommandLineException($"-device {driver}: device not supported by hexemu yet");
        ushort iobase = 0x501, iosize = 2;
        foreach (var (key, val) in parts.Skip(1))
        {
            switch (key)
            {
                case "iobase": iobase = (ushort)ParseNumber(value, key, val, 0xFFFF); break;
                case "iosize": iosize = (ushort)ParseNumber(value, key, val, 4); break;
                default: throw new CommandLineException($"-device isa-debug-exit: property '{key}' not found");
            }
        }
        if (iosize == 0) throw new CommandLineException("-device isa-debug-exit: iosize must not be 0");
        return o with { DebugExit = (iobase, iosize) };
    }

    /// <summary>QEMU integer properties: decimal, 0x hex or 0 octal.</summary>
    private static uint ParseNumber(string whole, string key, string text, uint max)
    {
        bool ok;
        ulong n;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out n);
        else if (text.Length > 1 && text[0] == '0')
        {
            ok = true;
            n = 0;
            foreach (char ch in text[1..])
            {
                if (ch is < '0' or > '7') { ok = false; break; }
                n = n * 8 + (ulong)(ch - '0');
            }
        }
        else
            ok = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out n);
        if (!ok || n > max) throw new CommandLineException($"-device {whole}: invalid value '{text}' for '{key}'");
        return (uint)n;
    }
}

/// <summary>QEMU's <c>a,b=c,d=e,,f</c> sub-option lists.</summary>
public static class SubOptions
{
    /// <summary>Splits on single commas (",," is a literal comma); a part without '=' has an empty value.</summary>
    public static List<(string Key, string Value)> Split(string text)
    {
        var result = new List<(string, string)>();
        var current = new System.Text.StringBuilder();
        for (int k = 0; k <= text.Length; k++)
        {
            if (k < text.Length && text[k] == ',' && k + 1 < text.Length && text[k + 1] == ',')
            {
                current.Append(',');
                k++;
                continue;
            }
            if (k == text.Length || text[k] == ',')
            {
                string part = current.ToString();
                int eq = part.IndexOf('=');
                result.Add(eq < 0 ? (part, "") : (part[..eq], part[(eq + 1)..]));
                current.Clear();
                continue;
            }
            current.Append(text[k]);
        }
        return result;
    }
}
