namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The forward gdb tests against qemu-system-i386 7.2, the reference: they prove the guest, the
/// harness (unix socket, batch gdb, probes, timeouts) and the expectations before hexemu's stub
/// is held to them. QEMU runs the guest live (no recording: forwards needs none).
/// </summary>
[Collection(GdbCollection.Name)]
public sealed class GdbHarnessOracleTests(GdbRecordingFixture fixture) : GdbForwardTests, IClassFixture<GdbRecordingFixture>
{
    protected override GdbTarget StartTarget() => fixture.Runs.StartQemu(GdbGuest.ShortIterations);

    protected override GdbTarget StartLongTarget() => fixture.Runs.StartQemu(GdbRecordingFixture.LongIterations);

    protected override GdbTarget StartTcpTarget() => fixture.Runs.StartQemu(GdbGuest.ShortIterations, tcp: true);

    [Fact]
    public void Qemu_runs_the_guest_to_its_end_after_gdb_detaches()
    {
        // A run of seconds: gdb must be gone before the guest ends (QEMU then exits at once, and a
        // gdb still acknowledging the detach would find the socket closed).
        using var target = StartLongTarget();
        target.CleanGdb(StopAtStep(3).Run("delete", "detach"));

        int exit = target.Process.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.Equal(GdbGuest.ExitStatus, exit);
        GdbGuestRuns.AssertEndLine(File.ReadAllText(Path.Combine(target.Directory, "serial.txt")), GdbRecordingFixture.LongIterations);
    }
}
