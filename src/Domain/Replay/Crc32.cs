namespace HexEmu.Domain.Replay;

/// <summary>
/// CRC-32 as zlib, PNG and Ethernet compute it (reflected polynomial 0xEDB88320, initial value and
/// final XOR 0xFFFFFFFF), so a log's checksums can be checked with any common tool. Written here
/// because the Domain references nothing but Iced.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The running value before any byte: feed it to <see cref="Update"/>, then <see cref="Finish"/>.</summary>
    public const uint Start = 0xFFFFFFFFu;

    public static uint Update(uint running, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) running = Table[(running ^ b) & 0xFF] ^ (running >> 8);
        return running;
    }

    public static uint Finish(uint running) => running ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
