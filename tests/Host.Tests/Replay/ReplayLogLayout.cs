using System.Buffers.Binary;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// Just enough of the replay log's documented byte layout (src/Domain/Replay/ReplayLogFormat.cs)
/// for the damage tests to cut, flip and insert bytes at meaningful places: where the header
/// ends and where each event starts. Written from the layout's description, not with our
/// decoder, so a test cannot agree with the decoder by construction. Change it when the format
/// version changes.
/// <code>
/// header: u32 version, u32 shift, str fingerprint, u32 n, n × (str role, str name, str sha256), u32 CRC
///         (str = u32 length + bytes; big-endian)
/// events: 0x00 u32 · 0x03 u8 kind, u8 port, u32 len, bytes · 0x04–0x0E i32 · 0x16/0x17 i64 ·
///         0x18 u8 kind, u64 digest, u32 CRC · 0x21 (none)
/// </code>
/// </summary>
public static class ReplayLogLayout
{
    public const byte EventSerialInput = 0x03;
    public const byte EventEnd = 0x21;

    /// <summary>An event as it lies in the file: its id's offset, its id, its length in bytes (id included).</summary>
    public sealed record EventSpan(int Offset, byte Id, int Length)
    {
        public int End => Offset + Length;
    }

    public static int HeaderLength(byte[] log)
    {
        int p = 8; // version, shift
        p += 4 + (int)ReadU32(log, p); // machine fingerprint
        uint images = ReadU32(log, p);
        p += 4;
        for (int i = 0; i < images * 3; i++) p += 4 + (int)ReadU32(log, p);
        return p + 4; // header CRC
    }

    /// <summary>Every complete event after the header, in file order.</summary>
    public static IReadOnlyList<EventSpan> Events(byte[] log)
    {
        var events = new List<EventSpan>();
        int p = HeaderLength(log);
        while (p < log.Length)
        {
            byte id = log[p];
            int length = id switch
            {
                0x00 => 5,
                EventSerialInput => p + 7 <= log.Length ? 7 + (int)ReadU32(log, p + 3) : int.MaxValue,
                >= 0x04 and <= 0x0E => 5,
                0x16 or 0x17 => 9,
                0x18 => 14,
                EventEnd => 1,
                _ => throw new InvalidDataException($"the test's layout does not know event id 0x{id:X2} at offset {p}: update ReplayLogLayout"),
            };
            if (length > log.Length - p) break; // an incomplete last event
            events.Add(new EventSpan(p, id, length));
            p += length;
        }
        return events;
    }

    /// <summary>
    /// The icount at which the last complete event of <paramref name="log"/> happens: the sum of
    /// the instruction counts (event 0x00) before it. An instruction count with no event after it
    /// (the recording was killed in between) does not count.
    /// </summary>
    public static long LastEventIcount(byte[] log)
    {
        long icount = 0, atLastEvent = 0;
        foreach (var e in Events(log))
        {
            if (e.Id == 0x00) icount += ReadU32(log, e.Offset + 1);
            else atLastEvent = icount;
        }
        return atLastEvent;
    }

    private static uint ReadU32(byte[] log, int offset) => BinaryPrimitives.ReadUInt32BigEndian(log.AsSpan(offset, 4));
}
