using System.Globalization;

namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    /// <summary>QEMU chardev kinds HexEmu does not implement (so they are "not supported", not "not valid").</summary>
    private static readonly HashSet<string> UnsupportedChardevKinds =
    [
        "pty", "tty", "serial", "parallel", "parport", "udp", "telnet", "websocket", "msmouse", "wctablet",
        "braille", "testdev", "spicevmc", "spiceport", "ringbuf", "memory", "qemu-vdagent", "dbus", "mux",
    ];

    /// <summary>
    /// The legacy spellings of -serial, -monitor and -debugcon: none, null, stdio, vc, file:PATH,
    /// pipe:PATH, tcp:HOST:PORT[,server=on|off][,wait=on|off][,nodelay], unix:PATH[,server][,wait],
    /// chardev:ID, and mon:DEV (the monitor multiplexed onto DEV).
    /// </summary>
    internal static LegacyChardev ParseLegacyChardev(string option, string text)
    {
        string spec = text;
        bool mux = false;
        if (spec.StartsWith("mon:", StringComparison.Ordinal))
        {
            if (option == "-debugcon") throw new CommandLineException($"{option} {text}: mon: is only supported for -serial and -monitor");
            mux = true;
            spec = spec[4..];
        }
        LegacyChardev Backend(ChardevBackend backend) => new(option, text, backend, MonitorMux: mux);

        switch (spec)
        {
            case "none" when !mux: return new LegacyChardev(option, text, null);
            case "null": return Backend(new ChardevBackend.Null());
            case "stdio": return Backend(new ChardevBackend.Stdio());
            case "vc": return Backend(new ChardevBackend.VirtualConsole());
        }
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec[..colon];
        string rest = colon < 0 ? "" : spec[(colon + 1)..];
        switch (kind)
        {
            case "file" when colon >= 0 && rest.Length > 0: return Backend(new ChardevBackend.File(rest));
            case "pipe" when colon >= 0 && rest.Length > 0: return Backend(new ChardevBackend.Pipe(rest));
            case "chardev" when colon >= 0 && rest.Length > 0 && !mux: return new LegacyChardev(option, text, null, Reference: rest);
            case "tcp" when colon >= 0: return Backend(ParseLegacyTcp(option, text, rest));
            case "unix" when colon >= 0: return Backend(ParseLegacyUnix(option, text, rest));
            case "vc": return Backend(new ChardevBackend.VirtualConsole());
        }
        if (UnsupportedChardevKinds.Contains(kind) || spec.StartsWith("/dev/", StringComparison.Ordinal))
            throw new CommandLineException($"{option} {text}: character device '{kind}' not supported by hexemu");
        throw new CommandLineException($"{option} {text}: '{spec}' is not a valid char driver");
    }

    private static ChardevBackend.Tcp ParseLegacyTcp(string option, string text, string rest)
    {
        int comma = rest.IndexOf(',');
        string address = comma < 0 ? rest : rest[..comma];
        int colon = address.LastIndexOf(':');
        if (colon < 0)
            throw new CommandLineException($"{option} {text}: expected tcp:HOST:PORT");
        string host = address[..colon].Trim('[', ']');
        int port = ParsePort(option, text, address[(colon + 1)..]);
        var args = OptionArgs.ParseQuoted(option, text, comma < 0 ? "" : rest[(comma + 1)..], null, "server", "wait", "nodelay");
        return new ChardevBackend.Tcp(host, port, args.GetBool("server", false), args.GetBool("wait", true), args.GetBool("nodelay", false));
    }

    private static ChardevBackend.Unix ParseLegacyUnix(string option, string text, string rest)
    {
        var parts = SubOptions.SplitEscaped(rest);
        string path = parts[0];
        if (path.Length == 0) throw new CommandLineException($"{option} {text}: expected unix:PATH");
        int comma = SubOptions.IndexOfSeparator(rest);
        var args = OptionArgs.ParseQuoted(option, text, comma < 0 ? "" : rest[(comma + 1)..], null, "server", "wait");
        return new ChardevBackend.Unix(path, args.GetBool("server", false), args.GetBool("wait", true));
    }

    private static int ParsePort(string option, string text, string port)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 65535)
            throw new CommandLineException($"{option} {text}: invalid port '{port}'");
        return n;
    }

    /// <summary>-chardev BACKEND,id=ID[,mux=on][,...] for null, stdio, file, pipe and socket.</summary>
    internal static ChardevSpec ParseChardev(string text)
    {
        const string option = "-chardev";
        string[] common = ["backend", "id", "mux", "logfile", "logappend"];
        string[] socketKeys = ["host", "port", "path", "server", "wait", "nodelay", "telnet", "reconnect", "fd"];
        // First pass with every key any kind takes: backend= may come anywhere.
        string kind = OptionArgs.Parse(option, text, "backend", [.. common, "signal", "append", .. socketKeys]).Get("backend") ?? "";
        string[] extra = kind switch
        {
            "null" or "vc" => [],
            "stdio" => ["signal"],
            "file" => ["path", "append"],
            "pipe" => ["path"],
            "socket" => socketKeys,
            _ when UnsupportedChardevKinds.Contains(kind) =>
                throw new CommandLineException($"{option} {text}: character device '{kind}' not supported by hexemu"),
            _ => throw new CommandLineException($"{option} {text}: '{kind}' is not a valid char driver name"),
        };
        var args = OptionArgs.Parse(option, text, "backend", [.. common, .. extra]);
        string id = args.Get("id") ?? throw args.Error("chardev: no id specified");
        if (id.Length == 0) throw args.Error("chardev: no id specified");
        if (args.Has("logfile") || args.Has("logappend")) throw args.Error("logfile= is not supported by hexemu");
        bool mux = args.GetBool("mux", false);
        ChardevBackend backend = kind switch
        {
            "null" => new ChardevBackend.Null(),
            "vc" => new ChardevBackend.VirtualConsole(),
            "stdio" => new ChardevBackend.Stdio(args.GetBool("signal", true)),
            "file" => new ChardevBackend.File(RequirePath(args, "file"), args.GetBool("append", false)),
            "pipe" => new ChardevBackend.Pipe(RequirePath(args, "pipe")),
            _ => ParseSocket(args),
        };
        return new ChardevSpec(id, backend, mux);
    }

    private static string RequirePath(OptionArgs args, string kind)
    {
        string? path = args.Get("path");
        return string.IsNullOrEmpty(path) ? throw args.Error($"chardev: {kind}: no filename given") : path;
    }

    private static ChardevBackend ParseSocket(OptionArgs args)
    {
        foreach (string key in (string[])["telnet", "reconnect", "fd"])
            if (args.Has(key)) throw args.Error($"socket option '{key}' is not supported by hexemu");
        bool server = args.GetBool("server", false);
        bool wait = args.GetBool("wait", true);
        string? path = args.Get("path");
        if (path is not null)
        {
            if (args.Has("host") || args.Has("port")) throw args.Error("chardev: socket: path= excludes host= and port=");
            return new ChardevBackend.Unix(path, server, wait);
        }
        string? host = args.Get("host");
        string? port = args.Get("port");
        if (port is null)
        {
            if (host is null) throw args.Error("chardev: socket: give path= or host= and port=");
            throw args.Error("chardev: socket: no port given");
        }
        return new ChardevBackend.Tcp(host ?? "", ParsePort(args.Option, args.Text, port), server, wait, args.GetBool("nodelay", false));
    }
}
