using System.Text;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.State;

/// <summary>
/// XXH64. The values come from the reference C implementation (libxxhash 0.8.1, Debian's
/// libxxhash0, called through XXH64(data, length, seed)); "" and "abc" with seed 0 are also the
/// widely published vectors EF46DB3751D8E999 and 44BC2CF5AD770999.
/// </summary>
public class StateDigestTests
{
    /// <summary>Bytes 0, 1, …, 255, 0, 1, … : the first <paramref name="length"/> of them.</summary>
    private static byte[] Counting(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)i)];

    [Theory]
    [InlineData("", 0xEF46DB3751D8E999)]
    [InlineData("a", 0xD24EC4F1A98C6E5B)]
    [InlineData("abc", 0x44BC2CF5AD770999)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x0B242D361FDA71BC)]
    public void Text_vectors(string text, ulong expected) =>
        Assert.Equal(expected, StateDigest.Hash(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void A_seed_changes_the_value() =>
        Assert.Equal(0xDF5091B6DAD2C6DBUL, StateDigest.Hash("The quick brown fox jumps over the lazy dog"u8, seed: 1));

    // Lengths around the 4-, 8- and 32-byte steps of the algorithm.
    [Theory]
    [InlineData(1, 0xE934A84ADB052768, 0x126BB57A12364AA5)]
    [InlineData(3, 0xE5C7BB4533BC65DD, 0x67BC6ED5F6C6E4BA)]
    [InlineData(4, 0xFFCED8604453CC1E, 0xD89842CD31E24E54)]
    [InlineData(7, 0x14CC643F630C72D2, 0xECECF5FAA8A7490E)]
    [InlineData(8, 0x884A173614B81B8D, 0xD18B6D7A5A668732)]
    [InlineData(15, 0xA948F5F0F6ABAC2D, 0x7804C1FCFE249577)]
    [InlineData(31, 0xC346D2B59B4D8EE1, 0xF3DA6D05709C035D)]
    [InlineData(32, 0xCBF59C5116FF32B4, 0xA1C89217E9D50750)]
    [InlineData(33, 0x0C535D1ACAFB8EAD, 0xE6A3C00CD6E74075)]
    [InlineData(63, 0xE26AA9E2A95F8E4F, 0x26A0ACD772DE057E)]
    [InlineData(64, 0xF7C67301DB6713F0, 0x2589245E62A1969B)]
    [InlineData(100, 0x6AC1E58032166597, 0x3B97D91EBA03E785)]
    [InlineData(1000, 0x6EF436B00EBA4078, 0xDB4568E0FAAF632C)]
    [InlineData(1024, 0x6F3914F18FE4DF57, 0x22D0F4503BCDA26A)]
    public void Counting_byte_vectors_with_seed_0_and_a_large_seed(int length, ulong seed0, ulong seedGolden)
    {
        Assert.Equal(seed0, StateDigest.Hash(Counting(length)));
        Assert.Equal(seedGolden, StateDigest.Hash(Counting(length), seed: 0x9E3779B97F4A7C15));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(100)]
    public void Appending_in_pieces_equals_hashing_at_once(int piece)
    {
        byte[] data = Counting(1000);
        var digest = new StateDigest();
        for (int at = 0; at < data.Length; at += piece)
            digest.Append(data.AsSpan(at, Math.Min(piece, data.Length - at)));
        Assert.Equal(0x6EF436B00EBA4078UL, digest.Value);
    }

    [Fact]
    public void Reset_starts_over_and_value_can_be_read_midway()
    {
        var digest = new StateDigest();
        digest.Append(Counting(500));
        digest.Reset();
        digest.Append("ab"u8);
        digest.AppendU8((byte)'c');
        Assert.Equal(0x44BC2CF5AD770999UL, digest.Value);
        Assert.Equal(0x44BC2CF5AD770999UL, digest.Value); // reading does not consume
        digest.Reset();
        digest.Append(Counting(32));
        Assert.Equal(0xCBF59C5116FF32B4UL, digest.Value);
        digest.Append(Counting(33)[32..]);
        Assert.Equal(StateDigest.Hash([.. Counting(32), 32]), digest.Value);
    }

    [Fact]
    public void Integers_are_appended_little_endian()
    {
        var digest = new StateDigest();
        digest.AppendU32(0x03020100);
        digest.AppendU64(0x0A09080706050403);
        Assert.Equal(StateDigest.Hash([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10]), digest.Value);
    }
}
