namespace HexEmu.Adapters.Qcow2.Tests;

internal static class Patterns
{
    /// <summary>Seeded content with zero runs, compressible runs and random bytes, so every cluster kind appears.</summary>
    public static byte[] Mixed(int length, int seed, int chunk = 4096)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var at = 0; at < length; at += chunk)
        {
            var span = bytes.AsSpan(at, Math.Min(chunk, length - at));
            switch (random.Next(4))
            {
                case 0: break; // zeros
                case 1: span.Fill((byte)random.Next(1, 256)); break;
                case 2: for (var i = 0; i < span.Length; i++) span[i] = (byte)(i / 64 + at / chunk); break;
                default: random.NextBytes(span); break;
            }
        }
        return bytes;
    }
}
