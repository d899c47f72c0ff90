namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The reverse gdb tests with gdb's own process record (`record full`) going back over
/// qemu-system-i386, which only steps forwards: gdb single-steps the guest from the loop's start
/// and logs every change, then replays the log backwards itself. So the reverse tests' expected
/// stops, values and messages are checked against gdb alone, before hexemu's stub is held to
/// them. (QEMU's own reverse execution is no oracle: it deadlocks, see issue 6.)
/// </summary>
[Collection(GdbCollection.Name)]
public sealed class GdbReverseRecordFullOracleTests(GdbRecordFullFixture fixture) : GdbReverseTests, IClassFixture<GdbRecordFullFixture>
{
    protected override GdbTarget StartReplay()
    {
        var target = fixture.Runs.StartQemu(GdbGuest.ShortIterations);
        target.BeforeConnect.AddRange(fixture.RecordFullSettings);
        return target;
    }

    /// <summary>Recording starts at loop_starts (called once, just before the loop), then the breakpoint.</summary>
    protected override GdbScript StopAt(string location, int hitsToSkip)
    {
        var script = new GdbScript().Run("tbreak loop_starts", "continue", "record full", $"break {location}");
        if (hitsToSkip > 0) script.Run($"ignore 2 {hitsToSkip}");
        return script.Run("continue");
    }
}
