namespace HexEmu.Host.Tests.Replay;

/// <summary>
/// The record/replay guest itself, without record/replay: given its whole input at once it
/// receives every byte through IRQ4, counts and checksums them, and exits with the status its
/// contract derives from their sum — on qemu-system-i386 (the reference) and on hexemu alike.
/// </summary>
public sealed class RrGuestTests : IDisposable
{
    private readonly RecordReplayHarness _rr = new();

    public void Dispose() => _rr.Dispose();

    [Theory]
    [InlineData("hexemu")]
    [InlineData("qemu-system-i386")]
    public void The_guest_receives_counts_and_checksums_its_input_and_exits_with_the_status_it_derives(string emulator)
    {
        var input = RrGuest.Input(11, 300);
        byte[] counted = RrGuest.Counted(input);
        string dir = _rr.NewRunDirectory(emulator);
        string[] args = ["-kernel", RrGuest.Kernel, "-display", "none", "-device", "isa-debug-exit", "-serial", "stdio", "-icount", "shift=3"];
        using var run = emulator == "hexemu" ? new HexEmuChild(args, dir) : HexEmuChild.Other(emulator, args, dir);
        run.WaitForStdout(RrGuest.ReadyMarker, RecordReplayHarness.RunTimeout);
        Assert.True(run.TryWrite(input), "the guest exited before its input was written");
        int exit = run.WaitForExit(RecordReplayHarness.RunTimeout);
        string serial = run.StdoutText;

        var arrivals = RrGuest.Arrivals(serial);
        Assert.Equal(counted, arrivals.Select(a => a.Byte).ToArray());
        Assert.Equal(Enumerable.Range(1, counted.Length), arrivals.Select(a => a.Number));
        var summary = RrGuest.ParseSummary(serial);
        Assert.True(summary is not null, $"no summary line:\n{serial}");
        Assert.Equal(counted.Length, summary.Bytes);
        Assert.Equal(counted.Aggregate(0, (s, b) => (s + b) & 0xFFFF), summary.Sum);
        Assert.Equal(RrGuest.Crc32(counted), summary.Crc);
        Assert.Equal(counted.Count(b => b is (byte)'\r' or (byte)'\n'), summary.Lines);
        Assert.Equal(counted.Count(b => b is (byte)'\r' or (byte)'\n'), System.Text.RegularExpressions.Regex.Count(serial, @"(?m)^line \d+: "));
        Assert.Equal(RrGuest.ExpectedExitStatus(counted), exit);
    }

    [Fact]
    public void The_crc_the_test_computes_is_the_standard_crc32()
    {
        // The CRC-32 check value from the catalogue of parametrised CRCs (CRC-32/ISO-HDLC): "123456789" → 0xCBF43926.
        Assert.Equal(0xCBF43926u, RrGuest.Crc32("123456789"u8));
    }
}
