namespace HexEmu.Adapters.LiteDb.Tests;

internal static class Patterns
{
    public const int Chunk = ChunkStore.ChunkSize;

    /// <summary><paramref name="chunks"/> chunk-sized runs of random bytes, every third one zero (as RAM has).</summary>
    public static byte[] Chunks(int chunks, int seed)
    {
        var bytes = new byte[chunks * Chunk];
        var random = new Random(seed);
        for (int chunk = 0; chunk < chunks; chunk++)
            if (chunk % 3 != 0) random.NextBytes(bytes.AsSpan(chunk * Chunk, Chunk));
        return bytes;
    }

    /// <summary>How many distinct chunks <see cref="Chunks"/>(<paramref name="chunks"/>) is stored as: its random ones, the zero one, and those of its hash list.</summary>
    public static int StoredChunks(int chunks) => chunks - (chunks + 2) / 3 + 1 + (chunks * 32 + Chunk - 1) / Chunk;

    public static readonly DateTimeOffset When = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
}
