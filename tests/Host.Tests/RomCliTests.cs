namespace HexEmu.Host.Tests;

/// <summary>The hexemu process itself, run on ROM images: output, exit status, errors.</summary>
public class RomCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Missing_bios_file_is_a_one_line_error()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", "/nonexistent/rom.bin");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hexemu: -bios /nonexistent/rom.bin: no such file\n", r.Stderr);
    }

    [Fact]
    public void Rom_of_the_wrong_size_is_a_one_line_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[1000]);
            var r = HexEmuProcess.Run(Timeout, "-bios", path);
            Assert.Equal(1, r.ExitCode);
            Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
            Assert.Contains("64–256 KiB", r.Stderr);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void No_firmware_is_a_clear_error()
    {
        var r = HexEmuProcess.Run(Timeout);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("hexemu: no firmware given", r.Stderr);
    }
}
