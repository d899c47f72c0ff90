using HexEmu.Domain.Replay;
using HexEmu.Host.Replay;

namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// A log of every event kind, written through <see cref="FileReplayLogWriter"/>. Its layout, worked
/// by hand from the table in ReplayLogFormat: header 0..47, host clock @47, serial input @61 (after
/// an instruction count @56; 10 bytes), idle warp @71, checkpoint @85 (after a count @80; its CRC
/// field 95..99), shutdown @99, end @114 (after two counts @104 and @109), 115 bytes.
/// </summary>
internal static class ReplayLogFiles
{
    public static readonly ReplayHeader Header = new(3, "pc", [new ImageIdentity("kernel", "k.elf", "ab")]);

    public const long FinalIcount = 5000L + 0xFFFFFFFFL + 8;

    public static ReplayEvent[] Events =>
    [
        new HostClockEvent(0, 1_700_000_000),
        new SerialInputEvent(1000, 1, "hi\n"u8.ToArray()),
        new IdleWarpEvent(1000, 1_000_000),
        new CheckpointEvent(5000, 0x0123456789ABCDEF, 0),
        new ShutdownEvent(5000, ShutdownCause.GuestShutdown, 3),
        new EndEvent(FinalIcount),
    ];

    public static string TempPath() => Path.Combine(Path.GetTempPath(), $"hexemu-rr-{Guid.NewGuid():N}.rr");

    /// <summary>Writes the sample log to a new temporary file and returns its path.</summary>
    public static string WriteSample()
    {
        var path = TempPath();
        using var writer = new FileReplayLogWriter(path, Header);
        foreach (var e in Events) writer.Append(e);
        return path;
    }

    /// <summary>A copy of the sample log cut to its first <paramref name="length"/> bytes.</summary>
    public static string WriteTruncatedSample(int length)
    {
        var path = WriteSample();
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(length);
        return path;
    }
}
