using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

public class MachineFingerprintTests
{
    private static KeyValuePair<string, string> F(string key, string value) => new(key, value);

    [Fact]
    public void Plain_values_are_written_bare_in_order() =>
        Assert.Equal("machine=pc,ram=128M,debugcon=0xe9+0x402",
            MachineFingerprint.Format([F("machine", "pc"), F("ram", "128M"), F("debugcon", "0xe9+0x402")]));

    [Fact]
    public void Values_with_separators_quotes_or_control_characters_are_quoted_and_escaped() =>
        Assert.Equal("cmdline=\"k.elf a,b \\\"q\\\" c:\\\\d\\x0a\",empty=\"\",eq=a=b",
            MachineFingerprint.Format([F("cmdline", "k.elf a,b \"q\" c:\\d\n"), F("empty", ""), F("eq", "a=b")]));

    [Theory]
    [InlineData("machine=pc")]
    [InlineData("cmdline=\"k.elf a,b \\\"q\\\" c:\\\\d\\x0a\",empty=\"\",eq=a=b")]
    [InlineData("a=\"\\x7f\\x01\\x85\",b=é")]
    public void Formatting_what_was_parsed_gives_the_same_text(string text)
    {
        var fields = MachineFingerprint.TryParse(text);
        Assert.NotNull(fields);
        Assert.Equal(text, MachineFingerprint.Format(fields));
    }

    [Fact]
    public void Parsing_recovers_every_value()
    {
        var fields = MachineFingerprint.TryParse("cmdline=\"x,y \\\"z\\\"\\x09\",ram=1M");
        Assert.Equal([F("cmdline", "x,y \"z\"\t"), F("ram", "1M")], fields);
    }

    [Theory]
    [InlineData("pc,ram=1")]           // a field without a key
    [InlineData("ram=1,")]             // a trailing comma
    [InlineData("cmdline=\"open")]     // no closing quote
    [InlineData("cmdline=\"a\"b")]     // text after a closing quote
    [InlineData("cmdline=\"\\q\"")]    // an unknown escape
    [InlineData("=1")]
    public void Other_text_is_not_a_fingerprint(string text) => Assert.Null(MachineFingerprint.TryParse(text));

    [Fact]
    public void A_key_that_would_not_parse_back_is_refused()
    {
        Assert.Throws<ArgumentException>(() => MachineFingerprint.Format([F("a,b", "1")]));
        Assert.Throws<ArgumentException>(() => MachineFingerprint.Format([F("a=b", "1")]));
        Assert.Throws<ArgumentException>(() => MachineFingerprint.Format([F("", "1")]));
    }
}
