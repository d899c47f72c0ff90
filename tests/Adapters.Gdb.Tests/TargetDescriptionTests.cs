using System.Text;
using System.Xml.Linq;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Adapters.Gdb.Session;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>
/// The description has what gdb's i386 support validates in org.gnu.gdb.i386.core (the register
/// names from the i386 "core" feature of the GDB manual's "i386 Features"), and is served with
/// qXfer's m/l chunking.
/// </summary>
public sealed class TargetDescriptionTests
{
    private static readonly string[] CoreNames =
    [
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
        "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7",
        "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop",
    ];

    private static XDocument ReadWhole(int chunk)
    {
        var target = new FakeDebugTarget();
        var handler = new RequestHandler(target);
        var document = new List<byte>();
        while (true)
        {
            var request = Encoding.ASCII.GetBytes($"qXfer:features:read:target.xml:{document.Count:x},{chunk:x}");
            var reply = Assert.Single(Assert.IsType<Outcome.Reply>(handler.Handle(RequestParser.Parse(request))).Packets);
            Assert.Contains((char)reply[0], "ml");
            // The data is binary-escaped: '}' x ^ 0x20.
            for (var i = 1; i < reply.Length; i++)
            {
                document.Add(reply[i] == '}' ? (byte)(reply[++i] ^ 0x20) : reply[i]);
            }
            if (reply[0] == 'l') break;
            Assert.True(reply.Length > 1, "an 'm' reply must carry data");
        }
        return XDocument.Parse(Encoding.UTF8.GetString(document.ToArray()));
    }

    [Theory]
    [InlineData(0xffb)]
    [InlineData(100)]
    [InlineData(7)]
    public void DescribesTheI386CoreInGdbsOrder(int chunk)
    {
        var xml = ReadWhole(chunk);
        Assert.Equal("i386", xml.Root!.Element("architecture")!.Value);
        var feature = Assert.Single(xml.Root.Elements("feature"));
        Assert.Equal("org.gnu.gdb.i386.core", feature.Attribute("name")!.Value);
        var regs = feature.Elements("reg").ToList();
        Assert.Equal(CoreNames, regs.Select(r => r.Attribute("name")!.Value));
        Assert.All(regs.Take(16), r => Assert.Equal("32", r.Attribute("bitsize")!.Value));
        Assert.All(regs.Skip(16).Take(8), r => Assert.Equal(("80", "i387_ext"), (r.Attribute("bitsize")!.Value, r.Attribute("type")!.Value)));
        Assert.All(regs.Skip(24), r => Assert.Equal("32", r.Attribute("bitsize")!.Value));
        // The eflags type is defined in the feature.
        Assert.Equal("i386_eflags", regs[9].Attribute("type")!.Value);
        Assert.Contains(feature.Elements("flags"), f => f.Attribute("id")!.Value == "i386_eflags");
    }

    [Fact]
    public void GPacketSizeMatchesTheDescription()
    {
        var xml = ReadWhole(0xffb);
        var bits = xml.Descendants("reg").Sum(r => int.Parse(r.Attribute("bitsize")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        var g = new RequestHandler(new FakeDebugTarget()).Handle(new GdbRequest.ReadRegisters());
        Assert.Equal(bits / 4, Assert.Single(Assert.IsType<Outcome.Reply>(g).Packets).Length);
    }

    [Fact]
    public void ReadsPastTheEndAndUnknownAnnexes()
    {
        var handler = new RequestHandler(new FakeDebugTarget());
        string Ask(string p) => Encoding.ASCII.GetString(Assert.Single(Assert.IsType<Outcome.Reply>(handler.Handle(RequestParser.Parse(Encoding.ASCII.GetBytes(p)))).Packets));
        Assert.Equal("l", Ask("qXfer:features:read:target.xml:100000,10"));
        Assert.Equal("E00", Ask("qXfer:features:read:other.xml:0,10"));
    }
}
