namespace HexEmu.Host.Tests;

/// <summary>The hexemu process itself, run on ROM images: output, exit status, errors.</summary>
public class RomCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Hello_rom_prints_on_the_debug_console_and_exits_through_isa_debug_exit()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", HexEmuProcess.GuestPath("hello.rom"), "-debugcon", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-display", "none");
        Assert.Equal("", r.Stderr);
        Assert.Equal("Hello from HexEmu!\n", r.Stdout);
        Assert.Equal(1, r.ExitCode); // (0 << 1) | 1
    }

    /// <summary>
    /// Our own protected-mode ROM (tests/guests/pmtest.asm): segment faults, paging faults and
    /// A/D bits, ring 3 through IRET and a TSS, privileged instructions, a system call gate.
    /// </summary>
    [Fact]
    public void Protected_mode_self_test_rom_passes_every_check()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", HexEmuProcess.GuestPath("pmtest.rom"), "-debugcon", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-display", "none");
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.DoesNotContain(lines, l => l.StartsWith("not ok", StringComparison.Ordinal));
        Assert.Equal(18, lines.Count(l => l.StartsWith("ok - ", StringComparison.Ordinal)));
        Assert.Equal("all checks passed", lines[^1]);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Debug_console_output_can_go_to_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hexemu-debugcon-{Guid.NewGuid():N}.txt");
        try
        {
            var r = HexEmuProcess.Run(Timeout, "-bios", HexEmuProcess.GuestPath("hello.rom"), "-debugcon", $"file:{path}",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("Hello from HexEmu!\n", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_triple_fault_resets_the_machine_and_RAM_survives_the_reset()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", HexEmuProcess.GuestPath("triple.rom"), "-debugcon", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        Assert.Equal("123\n", r.Stdout); // three boots, counted in RAM
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void Under_no_reboot_a_triple_fault_stops_the_machine()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", HexEmuProcess.GuestPath("triple.rom"), "-debugcon", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot");
        Assert.Equal("1", r.Stdout);
        Assert.Equal(0, r.ExitCode); // as QEMU: a shutdown under -no-reboot is a normal exit
    }

    [Theory]
    [InlineData("spin.rom", "spinning\n", "TERM", "SIGTERM")]
    [InlineData("spin.rom", "spinning\n", "INT", "SIGINT")]
    [InlineData("hello.rom", "Hello from HexEmu!\n", "TERM", "SIGTERM")] // without isa-debug-exit it halts
    public void A_running_or_halted_guest_stops_on_a_signal(string rom, string output, string signal, string name)
    {
        using var hexemu = new RunningHexEmu("-bios", HexEmuProcess.GuestPath(rom), "-debugcon", "stdio", "-display", "none");
        hexemu.WaitForOutput(output, Timeout);
        hexemu.Signal(signal);
        var (exitCode, stderr) = hexemu.WaitForExit(Timeout);
        Assert.Equal(0, exitCode);
        Assert.Equal($"hexemu: terminating on signal {name}\n", stderr);
    }

    [Fact]
    public void Missing_bios_file_is_a_one_line_error()
    {
        var r = HexEmuProcess.Run(Timeout, "-bios", "/nonexistent/rom.bin");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("hexemu: could not load PC BIOS '/nonexistent/rom.bin': No such file or directory\n", r.Stderr);
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
    public void Without_kernel_or_bios_the_built_in_firmware_says_there_is_nothing_to_boot()
    {
        using var hexemu = new RunningHexEmu("-serial", "stdio", "-display", "none");
        hexemu.WaitForOutput("HexEmu: no bootable device (give -kernel FILE or -bios FILE).\r\n", Timeout);
        hexemu.Signal("TERM");
        var (exitCode, stderr) = hexemu.WaitForExit(Timeout);
        Assert.Equal(0, exitCode);
        Assert.Equal("hexemu: nothing to boot (no -kernel or -bios): the built-in firmware will only say so\n" +
                     "hexemu: terminating on signal SIGTERM\n", stderr);
    }
}
