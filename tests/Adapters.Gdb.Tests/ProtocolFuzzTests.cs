using System.Text;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>
/// Seeded random abuse of the stub over a real socket (fake target): random, truncated, oversized
/// (up to 1 MiB), badly checksummed and badly encoded packets, bad hex in known commands, random
/// bytes. Afterwards the same connection still answers correctly, nothing failed inside the stub,
/// and a new debugger can take over.
/// </summary>
public sealed class ProtocolFuzzTests
{
    private const int Cases = 4000;

    private static readonly string[] Commands =
    [
        "?", "g", "G", "p", "P", "m", "M", "X", "c", "s", "C", "S", "bc", "bs", "Z", "z", "H", "T", "q", "Q", "v",
        "qSupported:", "qXfer:features:read:", "qXfer:features:read:target.xml:", "qRcmd,", "qAttached", "qC",
        "qfThreadInfo", "qsThreadInfo", "qSymbol:", "QStartNoAckMode", "vCont?", "vCont;", "vMustReplyEmpty",
        "Z0,", "Z1,", "Z2,", "z3,", "Z4,", "Z9,", "m0,", "mffffffff,", "M0,", "X1000,", "P8=", "p1f",
    ];

    private static readonly string[] BadHex =
    [
        "mzz,10", "m1000,zz", "m,", "M10,2:zzzz", "M10,2:0", "X10,4:ab", "Gxyz", "G0", "P1=qq", "Pzz=00",
        "pq", "Z0,xx,1", "Z0,10", "zq,1,1", "qXfer:features:read:target.xml:zz,1", "qXfer:features:read:target.xml:1",
        "qRcmd,zz", "qRcmd,a", "vCont;q", "vCont;s:zz", "vCont;", "C", "Szz", "c12345678901234567890", "T", "H",
    ];

    /// <summary>Bytes that could form a 'k' or 'D' packet (which end the session by design) are left out of random data.</summary>
    private static bool Allowed(byte b) => b is not ((byte)'k' or (byte)'D' or (byte)'K' or (byte)'d');

    [Fact]
    public async Task ThousandsOfBadPacketsLeaveTheStubAnswering()
    {
        var target = new FakeDebugTarget { StopImmediately = true };
        var log = new List<string>();
        using var server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, line => { lock (log) log.Add(line); });
        var random = new Random(20261126);
        var received = new List<byte>();
        using (var client = RspClient.Connect(server.Port!.Value))
        {
            // The stub's replies are read all along, as gdb would, so that neither side blocks.
            var drain = Task.Run(() =>
            {
                var buffer = new byte[65536];
                int n;
                while ((n = client.ReadSome(buffer)) > 0)
                {
                    lock (received)
                    {
                        received.AddRange(buffer.AsSpan(0, n));
                        Monitor.PulseAll(received);
                    }
                }
            });

            for (var i = 0; i < Cases; i++)
            {
                client.SendRaw(Generate(random, i));
            }

            // A fence: the monitor echoes a unique line; after it, the next reply is the one to '?'.
            var fence = $"fence-{Guid.NewGuid():N}";
            client.SendRaw("$" + RspClient.Frame("qRcmd," + Convert.ToHexString(Encoding.ASCII.GetBytes(fence))));
            client.SendRaw(RspClient.Frame("?"));
            client.SendRaw(RspClient.Frame("qC"));
            client.SendRaw(RspClient.Frame("g"));
            var echo = "O" + Convert.ToHexString(Encoding.ASCII.GetBytes($"echo: {fence}\n")).ToLowerInvariant();
            var replies = WaitForRepliesAfter(received, echo, count: 4);
            Assert.Equal("OK", replies[0]); // the end of the monitor command
            Assert.Equal("T05thread:01;", replies[1]);
            Assert.Equal("QC1", replies[2]);
            Assert.Equal(352, replies[3].Length);
            Assert.True(server.HasClient);
            Assert.Equal(1, target.Attaches);
            Assert.Equal(0, target.Detaches);
            client.Dispose();
            await drain.WaitAsync(TimeSpan.FromSeconds(10));
        }

        target.WaitUntil(t => t.Detaches == 1, "detach after the fuzzing client left");
        using (var next = RspClient.Connect(server.Port!.Value))
        {
            Assert.Equal("T05thread:01;", next.Request("?"));
        }
        // The well-formed share of the traffic reached the target too.
        Assert.True(target.Resumes.Count > 20 && target.BreakpointsEverInserted.Count > 10 && target.MonitorCommands.Count > 20,
            $"resumes {target.Resumes.Count}, breakpoints {target.BreakpointsEverInserted.Count}, monitor {target.MonitorCommands.Count}");
        lock (log)
        {
            Assert.DoesNotContain(log, l => l.Contains("failed", StringComparison.Ordinal));
        }
    }

    /// <summary>Waits (bounded) for <paramref name="count"/> whole packets after the one starting with <paramref name="marker"/>.</summary>
    private static List<string> WaitForRepliesAfter(List<byte> received, string marker, int count)
    {
        var deadline = Environment.TickCount64 + 30_000;
        var seen = -1;
        while (true)
        {
            string text;
            lock (received)
            {
                // Woken by the drain when more arrives.
                var left = deadline - Environment.TickCount64;
                Assert.True(left > 0, "the stub did not answer after the fuzzing");
                if (received.Count == seen) Monitor.Wait(received, TimeSpan.FromMilliseconds(left));
                seen = received.Count;
                text = Encoding.Latin1.GetString(received.ToArray());
            }
            var at = text.LastIndexOf("$" + marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var packets = new List<string>();
                var position = text.IndexOf('#', at) + 3;
                while (packets.Count < count)
                {
                    var start = text.IndexOf('$', Math.Min(position, text.Length));
                    if (start < 0) break;
                    var end = text.IndexOf('#', start);
                    if (end < 0 || end + 3 > text.Length) break;
                    packets.Add(text[(start + 1)..end]);
                    position = end + 3;
                }
                if (packets.Count == count) return packets;
            }
        }
    }

    private static byte[] Generate(Random random, int index)
    {
        // Two 1 MiB packets, far above PacketSize, at fixed points.
        if (index is 1000 or 3000) return Frame(Enumerable.Repeat((byte)'a', 1 << 20).ToArray());
        return random.Next(9) switch
        {
            0 => Frame(RandomCommand(random)),
            8 => Frame(Encoding.Latin1.GetBytes(WellFormed(random))),
            1 => Truncate(random, Frame(RandomCommand(random))),
            2 => RandomBytes(random, random.Next(1, 200)),
            3 => BreakChecksum(random, Frame(RandomCommand(random))),
            4 => Frame(Encoding.ASCII.GetBytes(BadHex[random.Next(BadHex.Length)])),
            5 => Frame(RandomBytes(random, random.Next(GdbLimitsForTests.PacketSize - 16, GdbLimitsForTests.PacketSize + 4096))),
            6 => Encoding.Latin1.GetBytes(EncodingOddity(random)),
            _ => Encoding.Latin1.GetBytes(new string(Enumerable.Range(0, random.Next(1, 20)).Select(_ => "+-\u0003"[random.Next(3)]).ToArray())),
        };
    }

    private static byte[] RandomCommand(Random random)
    {
        var command = Encoding.ASCII.GetBytes(Commands[random.Next(Commands.Length)]);
        var tail = random.Next(3) == 0
            ? RandomBytes(random, random.Next(0, 40))
            : Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)"0123456789abcdefABCDEF,:;=-xp."[random.Next(30)]).ToArray();
        return [.. command, .. tail];
    }

    /// <summary>A well-formed request with random arguments (the stub must answer it properly even amid garbage).</summary>
    private static string WellFormed(Random random)
    {
        var address = (uint)random.Next(0, 0x120000);
        var length = random.Next(0, 64);
        var data = RandomBytes(random, length);
        return random.Next(12) switch
        {
            0 => $"m{address:x},{length:x}",
            1 => $"M{address:x},{length:x}:{Convert.ToHexString(data)}",
            2 => $"X{address:x},{length:x}:{Encoding.Latin1.GetString(data)}",
            3 => "cs"[random.Next(2)] + (random.Next(2) == 0 ? "" : $"{address:x}"),
            4 => $"{"Zz"[random.Next(2)]}{random.Next(5)},{address:x},{random.Next(1, 9):x}",
            5 => "qRcmd," + Convert.ToHexString(Encoding.UTF8.GetBytes($"info {random.Next()}")),
            6 => $"p{random.Next(0, 40):x}",
            7 => $"P{random.Next(0, 32):x}={Convert.ToHexString(RandomBytes(random, random.Next(2) == 0 ? 4 : 10))}",
            8 => "G" + Convert.ToHexString(RandomBytes(random, 176)),
            9 => $"qXfer:features:read:target.xml:{random.Next(0, 3000):x},{random.Next(1, 5000):x}",
            10 => "vCont;" + "cs"[random.Next(2)] + (random.Next(2) == 0 ? ":1" : ""),
            _ => "qSupported:swbreak+;hwbreak+",
        };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            byte b;
            do b = (byte)random.Next(256); while (!Allowed(b));
            bytes[i] = b;
        }
        return bytes;
    }

    /// <summary>A frame the stub decodes back to <paramref name="payload"/>: '$', '#', '}' and '*' escaped.</summary>
    private static byte[] Frame(byte[] payload)
    {
        var data = new List<byte>();
        foreach (var b in payload)
        {
            if (b is (byte)'$' or (byte)'#' or (byte)'}' or (byte)'*') data.AddRange([(byte)'}', (byte)(b ^ 0x20)]);
            else data.Add(b);
        }
        var sum = 0;
        foreach (var b in data) sum += b;
        return [(byte)'$', .. data, (byte)'#', .. Encoding.ASCII.GetBytes($"{sum & 0xff:x2}")];
    }

    private static byte[] Truncate(Random random, byte[] frame) => frame[..random.Next(1, frame.Length)];

    private static byte[] BreakChecksum(Random random, byte[] frame)
    {
        frame[^1] = random.Next(2) == 0 ? (byte)'z' : (byte)(frame[^1] == '0' ? '1' : '0');
        return frame;
    }

    private static string EncodingOddity(Random random) => random.Next(6) switch
    {
        0 => "$*#2a",
        1 => "$a*\u0001#8c",
        2 => "$}#7d",
        3 => "$}",
        4 => "$a*",
        _ => "$" + new string('}', random.Next(1, 50)) + "#00",
    };
}

/// <summary>The packet size the stub announces (PacketSize=4000, hex), as gdb reads it from qSupported.</summary>
internal static class GdbLimitsForTests
{
    public const int PacketSize = 0x4000;
}
