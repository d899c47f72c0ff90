using System.Globalization;

namespace HexEmu.Adapters.Gdb;

/// <summary>
/// Where the GDB stub listens, as QEMU's <c>-gdb</c> option spells it: <c>tcp:[HOST]:PORT</c> or
/// <c>unix:PATH</c>, optionally followed by chardev options (<c>,server=on,wait=off</c>), or
/// <c>-s</c> for <c>tcp::1234</c>. Unlike QEMU, which listens on every interface when no host is
/// given, HexEmu then listens on the loopback interface only.
/// </summary>
public abstract record GdbEndpoint
{
    public const int DefaultPort = 1234;

    /// <summary>What <c>-s</c> means: <c>tcp::1234</c>.</summary>
    public static GdbEndpoint Default { get; } = new Tcp(null, DefaultPort);

    /// <summary>A TCP listener; <paramref name="Host"/> null means 127.0.0.1. Port 0 picks a free port.</summary>
    public sealed record Tcp(string? Host, int Port) : GdbEndpoint
    {
        public override string ToString() => $"tcp:{(Host is null ? "127.0.0.1" : Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
    }

    /// <summary>A Unix-domain socket at <paramref name="Path"/>.</summary>
    public sealed record Unix(string Path) : GdbEndpoint
    {
        public override string ToString() => "unix:" + Path;
    }

    /// <summary>Parses a <c>-gdb</c> argument (or <c>-s</c>); throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static GdbEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = text.Trim();
        if (spec == "-s") return Default;
        var parts = spec.Split(',');
        var device = parts[0];
        foreach (var option in parts.AsSpan(1)) CheckOption(text, option);
        if (device.StartsWith("tcp:", StringComparison.Ordinal)) return ParseTcp(text, device["tcp:".Length..]);
        if (device.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = device["unix:".Length..];
            return path.Length > 0 ? new Unix(path) : throw Error(text, "unix: needs a socket path");
        }
        throw Error(text, "expected tcp:[HOST]:PORT or unix:PATH");
    }

    private static Tcp ParseTcp(string text, string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0) throw Error(text, "expected tcp:[HOST]:PORT");
        var host = address[..colon];
        var portText = address[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1]; // [::1]
        else if (host.Contains(':')) throw Error(text, "write an IPv6 host in brackets, e.g. tcp:[::1]:1234");
        if (portText.Length == 0 || !portText.All(char.IsAsciiDigit)
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw Error(text, $"'{portText}' is not a TCP port (0-65535)");
        }
        return new Tcp(host.Length == 0 ? null : host, port);
    }

    /// <summary>
    /// QEMU's socket chardev options that fit a listening stub are accepted; those that would
    /// change its meaning are refused rather than ignored.
    /// </summary>
    private static void CheckOption(string text, string option)
    {
        var eq = option.IndexOf('=');
        var name = eq < 0 ? option : option[..eq];
        var value = eq < 0 ? "on" : option[(eq + 1)..];
        var on = value switch
        {
            "on" or "yes" or "true" => true,
            "off" or "no" or "false" => false,
            _ => throw Error(text, $"option '{option}' needs on or off"),
        };
        switch (name)
        {
            case "server" when on:
            case "wait" when !on:
            case "nowait" when on:
            case "nodelay":
            case "ipv4":
            case "ipv6":
                return;
            case "server":
                throw Error(text, "the gdb stub only listens (server=off is not supported)");
            case "wait" or "nowait":
                throw Error(text, "waiting for gdb before starting is not supported (use -S to start paused)");
            default:
                throw Error(text, $"unknown option '{name}'");
        }
    }

    private static FormatException Error(string text, string reason) => new($"-gdb '{text}': {reason}");
}
