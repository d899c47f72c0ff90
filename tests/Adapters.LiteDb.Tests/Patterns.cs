namespace HexEmu.Adapters.LiteDb.Tests;

internal static class Patterns
{
    /// <summary><paramref name="pages"/> 4 KiB pages of random bytes, every third one zero (as RAM has).</summary>
    public static byte[] Pages(int pages, int seed)
    {
        var bytes = new byte[pages * 4096];
        var random = new Random(seed);
        for (int page = 0; page < pages; page++)
            if (page % 3 != 0) random.NextBytes(bytes.AsSpan(page * 4096, 4096));
        return bytes;
    }

    public static readonly DateTimeOffset When = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
}
