namespace HexEmu.Host.Tests.Gdb;

/// <summary>The forward gdb tests against hexemu replaying a recording of the guest (issue 6).</summary>
[Collection(GdbCollection.Name)]
public sealed class GdbReplayForwardTests(GdbRecordingFixture fixture) : GdbForwardTests, IClassFixture<GdbRecordingFixture>
{
    protected override GdbTarget StartTarget() => fixture.Runs.StartReplay(fixture.Short);

    protected override GdbTarget StartLongTarget() => fixture.Runs.StartReplay(fixture.Long);

    protected override GdbTarget StartTcpTarget() => fixture.Runs.StartReplay(fixture.Short, tcp: true);
}
