using System.Globalization;
using System.Text;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Seeded protocol noise for the stub (GDB manual, "Overview" and "Packets", for what is well
/// or badly formed): packets with bad checksums, bad hex, unknown names, Z/z with odd kinds,
/// m/M with huge lengths or addresses at the top of the address space, X with broken escapes,
/// vCont and qXfer garbage, truncated and oversized frames, run-length abuse, stray '+', '-'
/// and Ctrl-C bytes, and plain garbage. Never a packet that ends the session by design ('k',
/// 'D') or asks the monitor to quit, and never QStartNoAckMode (the client stays in ack mode).
/// A few real motions ('s', 'bs', 'c', 'bc') are mixed in, so noise also arrives while the
/// machine runs. Everything is produced from the seed, so a failure can be replayed.
/// </summary>
public sealed class RspFuzz(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>One piece of noise, as the bytes to write; <paramref name="motion"/> says it asks the machine to move.</summary>
    public byte[] Next(out bool motion)
    {
        int kind = _random.Next(14);
        motion = kind == 9;
        string text = kind switch
        {
            0 => RawRspClient.Frame(WellFramedNonsense()),
            1 => RawRspClient.Frame(WellFramedNonsense()),
            2 => RawRspClient.Frame(WellFramedNonsense()),
            3 => BadChecksum(WellFramedNonsense()),
            4 => Truncated(WellFramedNonsense()),
            5 => Oversized(),
            6 => RunLengthAbuse(),
            7 => Garbage(_random.Next(1, 64)),
            8 => Pick("+", "-", "\x03", "++--", "$", "#", "}", "#00", "$#"),
            9 => RawRspClient.Frame(Pick("s", "bs", "vCont;s", "vCont;c:1", "c", "bc", "S05", "C02", "sffffffff")),
            _ => RawRspClient.Frame(WellFramedNonsense()),
        };
        return Encoding.Latin1.GetBytes(text);
    }

    private string WellFramedNonsense() => _random.Next(12) switch
    {
        0 => "m" + Hex(Top()) + "," + Hex(Huge()),
        1 => "M" + Hex(Top()) + "," + Hex(Huge()) + ":" + HexBytes(_random.Next(0, 9)),
        2 => "M" + Hex(Address()) + "," + Hex((uint)_random.Next(0, 9)) + ":" + Pick("zz", "0", "123", "", "gg00"),
        3 => "X" + Hex(Address()) + "," + Hex((uint)_random.Next(0, 6)) + ":" + Pick("}", "}}", "}#", "ab}", "\x7d\x03", "****", "}*"),
        4 => Pick("Z", "z") + _random.Next(0, 7).ToString(CultureInfo.InvariantCulture) + "," + Hex(Address()) + "," +
             Hex((uint)(_random.Next(0, 40) * 2 + 1)) + Pick("", ";X1,0", ",", ";cmds:zz"),
        5 => Pick("vCont", "vCont;", "vCont;x", "vCont;c:zz", "vCont;C", "vCont;Szz", "vCont;r", "vCont;;", "vCont;c:p1.-1;s", "vCont;:1", "vCont;:",
                  "vCont?", "vCont;t", "vCont;C100", "vCont;s:0", "vFoo", "vMustReplyEmpty", "vFile:open:", "vAttach;1"),
        6 => "qXfer:features:read:" + Pick("target.xml", "i386-32bit.xml", "nothing.xml", "", "../../etc/passwd") + ":" +
             Pick(Hex(Huge()), "zz", "", "-1", Hex((uint)_random.Next(0, 0x10000))) + "," + Pick(Hex(Huge()), "0", "zz", ""),
        7 => "p" + Pick(Hex(Huge()), "zz", "", "10", "ff") ,
        8 => "P" + Pick("8=zz", "ff=00000000", "=", "0=", "1=0011223344556677889900", "zz=00"),
        9 => "G" + Pick("", "0", "zz", HexBytes(_random.Next(1, 80))),
        10 => "qRcmd," + Pick("zz", "6", "", RawRspClient.HexOf("frobnicate"), RawRspClient.HexOf("info nothing"), "7a7a7a"),
        _ => RandomName(),
    };

    /// <summary>A piece that is not a motion.</summary>
    public byte[] NextStill()
    {
        while (true)
        {
            var piece = Next(out bool motion);
            if (!motion) return piece;
        }
    }

    /// <summary>An unknown packet: letters and digits, never starting with the session-ending 'k', 'D' or with 'Q'.</summary>
    private string RandomName()
    {
        const string First = "abdefhijlnortuwxyABCEFIJKLNOUVWY0123456789?!";
        const string Rest = "abcdefghijklmnopqrstuvwxyz0123456789:,;=.-";
        var name = new StringBuilder().Append(First[_random.Next(First.Length)]);
        for (int n = _random.Next(0, 30); n > 0; n--) name.Append(Rest[_random.Next(Rest.Length)]);
        return name.ToString();
    }

    private static string BadChecksum(string payload)
    {
        string frame = RawRspClient.Frame(payload);
        int good = Convert.ToInt32(frame[^2..], 16);
        return frame[..^2] + ((good + 1) & 0xff).ToString("x2", CultureInfo.InvariantCulture);
    }

    private string Truncated(string payload)
    {
        string frame = RawRspClient.Frame(payload);
        return frame[.._random.Next(1, frame.Length)];
    }

    /// <summary>More data than the stub's PacketSize (0x4000) in one frame, checksummed correctly.</summary>
    private string Oversized() => RawRspClient.Frame("m" + new string('0', 0x4000 + _random.Next(1, 0x2000)));

    /// <summary>Run-length encoding at the edges: '*' first, counts out of range, repeats that overflow the packet.</summary>
    private string RunLengthAbuse() => Pick(
        "$*#2a", "$a* #" + Sum("a* "), "$a*\x7f#" + Sum("a*\x7f"),
        "$" + string.Concat(Enumerable.Repeat("0*~", 400)) + "#" + Sum(string.Concat(Enumerable.Repeat("0*~", 400))),
        "$m0*" + "#" + Sum("m0*"));

    private string Garbage(int length)
    {
        var bytes = new StringBuilder();
        while (bytes.Length < length)
        {
            char c = (char)_random.Next(0, 256);
            if (c is not ('k' or 'D')) bytes.Append(c); // never a session-ending packet by accident
        }
        return bytes.ToString();
    }

    private static string Sum(string data)
    {
        int sum = 0;
        foreach (char c in data) sum += (byte)c;
        return (sum & 0xff).ToString("x2", CultureInfo.InvariantCulture);
    }

    private uint Top() => _random.Next(3) == 0 ? (uint)_random.Next() : 0xffffffffu - (uint)_random.Next(0, 16);

    private uint Huge() => _random.Next(3) switch
    {
        0 => 0xffffffffu,
        1 => 0x80000000u + (uint)_random.Next(),
        _ => (uint)_random.Next(0x4000, 0x1000000),
    };

    private uint Address() => _random.Next(2) == 0 ? 0x200000u + (uint)_random.Next(0, 0x2000) : (uint)_random.Next();

    private string HexBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Hex(uint value) => value.ToString("x", CultureInfo.InvariantCulture);

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];
}
