namespace HexEmu.Host.Tests.Guests;

/// <summary>
/// Holds the committed NAME.expected files to qemu-system-i386, the reference: each guest must
/// print exactly them and pass all its checks (exit status 3). This catches a guest changed
/// without recapturing its expected output (tests/guests/capture-expected.sh), and shows that
/// the guests are deterministic, which the hexemu runs of the same command lines rely on.
/// </summary>
public class GuestQemuReferenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(GuestRuns.All), MemberType = typeof(GuestRuns))]
    public void Guest_on_qemu_prints_its_expected_output_and_passes(string name)
    {
        var run = GuestRuns.Run("qemu-system-i386", name, Timeout);

        Assert.Equal(GuestRuns.Expected(name), run.Serial);
        Assert.True(run.ExitCode == GuestRuns.PassStatus, $"exit status {run.ExitCode}: {run.Stderr}");
    }
}
