using System.Text;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>
/// The target description gdb reads with <c>qXfer:features:read:target.xml</c>: architecture
/// i386 and the <c>org.gnu.gdb.i386.core</c> feature gdb's i386 code validates (the general
/// registers by name, then st0–st7 and the x87 control registers), written from
/// <see cref="I386Registers"/>.
/// </summary>
internal static class TargetDescription
{
    public const string Annex = "target.xml";

    private static readonly (string Name, int Bit)[] EflagsBits =
    [
        ("CF", 0), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8), ("IF", 9), ("DF", 10),
        ("OF", 11), ("NT", 14), ("RF", 16), ("VM", 17), ("AC", 18), ("VIF", 19), ("VIP", 20), ("ID", 21),
    ];

    public static readonly byte[] Xml = Encoding.UTF8.GetBytes(Build());

    /// <summary>The document served under <paramref name="annex"/>, or null if there is none by that name.</summary>
    public static byte[]? Find(string annex) => annex == Annex ? Xml : null;

    private static string Build()
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\"?>\n");
        xml.Append("<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n");
        xml.Append("<target version=\"1.0\">\n");
        xml.Append("  <architecture>i386</architecture>\n");
        xml.Append("  <feature name=\"org.gnu.gdb.i386.core\">\n");
        // EFLAGS bits as the Intel manual names them, so gdb shows eflags as [ IF ZF ... ].
        xml.Append("    <flags id=\"i386_eflags\" size=\"4\">\n");
        foreach (var (name, bit) in EflagsBits)
        {
            xml.Append($"      <field name=\"{name}\" start=\"{bit}\" end=\"{bit}\"/>\n");
        }
        xml.Append("    </flags>\n");
        for (var number = 0; number < I386Registers.All.Count; number++)
        {
            var reg = I386Registers.All[number];
            xml.Append($"    <reg name=\"{reg.Name}\" bitsize=\"{reg.Bits}\" type=\"{reg.Type}\" regnum=\"{number}\"");
            if (reg.Group is not null) xml.Append($" group=\"{reg.Group}\"");
            xml.Append("/>\n");
        }
        xml.Append("  </feature>\n");
        xml.Append("</target>\n");
        return xml.ToString();
    }
}
