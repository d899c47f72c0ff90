namespace HexEmu.Host.Tests.Guests;

/// <summary>
/// The same guests and command lines as <see cref="GuestQemuReferenceTests"/>, on hexemu: each
/// must print exactly what it printed on qemu-system-i386 (the committed NAME.expected) and pass
/// all its checks. Together these exercise every PC device through the real process.
/// </summary>
public class GuestHexEmuTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(GuestRuns.All), MemberType = typeof(GuestRuns))]
    public void Guest_on_hexemu_prints_what_it_printed_on_qemu_and_passes(string name)
    {
        var run = GuestRuns.Run("hexemu", name, Timeout);

        Assert.Equal(GuestRuns.Expected(name), run.Serial);
        Assert.True(run.ExitCode == GuestRuns.PassStatus, $"exit status {run.ExitCode}: {run.Stderr}");
    }
}
