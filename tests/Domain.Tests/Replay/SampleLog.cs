using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

/// <summary>
/// One small log of every event kind, and its bytes worked out by hand from the layout table in
/// ReplayLogFormat (the CRC-32 values computed with Python's zlib.crc32). Offsets:
/// header 0..47 (CRC field 43..47); host clock @47; instruction count @56, serial input @61;
/// idle warp @70; instruction count @79, checkpoint @84 (CRC field 94..98); shutdown @98;
/// two instruction counts @103, @108; end @113; 114 bytes in all.
/// </summary>
internal static class SampleLog
{
    public static readonly ReplayHeader Header = new(3, "pc", [new ImageIdentity("kernel", "k.elf", "ab")]);

    /// <summary>The last icount: 5000 + 0xFFFFFFFF + 8 (a gap too wide for one u32 count).</summary>
    public const long FinalIcount = 5000L + 0xFFFFFFFFL + 8;

    public static ReplayEvent[] Events =>
    [
        new HostClockEvent(0, 1_700_000_000),
        new SerialInputEvent(1000, 1, "hi"u8.ToArray()),
        new IdleWarpEvent(1000, 1_000_000),
        new CheckpointEvent(5000, 0x0123456789ABCDEF, 0),
        new ShutdownEvent(5000, ShutdownCause.GuestShutdown, 3),
        new EndEvent(FinalIcount),
    ];

    /// <summary>The events as the decoder returns them: the checkpoint with the CRC the encoder computed.</summary>
    public static ReplayEvent[] DecodedEvents
    {
        get
        {
            var events = Events;
            events[3] = new CheckpointEvent(5000, 0x0123456789ABCDEF, 0x3CDB5A7C);
            return events;
        }
    }

    public const string HeaderHex =
        "48585201" + "00000003" + "00000002" + "7063" + "00000001" +
        "00000006" + "6b65726e656c" + "00000005" + "6b2e656c66" + "00000002" + "6162" + "2ff76769";

    public const string EventsHex =
        "16" + "000000006553f100" +
        "00" + "000003e8" + "03" + "04" + "01" + "00000002" + "6869" +
        "17" + "00000000000f4240" +
        "00" + "00000fa0" + "18" + "80" + "0123456789abcdef" + "3cdb5a7c" +
        "0a" + "00000003" +
        "00" + "ffffffff" + "00" + "00000008" +
        "21";

    public static byte[] Bytes => Convert.FromHexString(HeaderHex + EventsHex);

    public static List<ReplayEvent> Decode(byte[] log) => ReplayLogDecoder.DecodeAll(log).Events;
}
