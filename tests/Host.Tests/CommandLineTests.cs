using HexEmu.Host.Cli;

namespace HexEmu.Host.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("64", 64u << 20)]
    [InlineData("64M", 64u << 20)]
    [InlineData("1G", 1u << 30)]
    [InlineData("2048K", 2u << 20)]
    [InlineData("size=32M", 32u << 20)]
    [InlineData("1.5M", 3u << 19)]
    public void Memory_sizes_follow_qemu_units(string text, uint bytes) =>
        Assert.Equal(bytes, QemuCommandLine.ParseMemorySize(text));

    [Theory]
    [InlineData("0")]
    [InlineData("12Q")]
    [InlineData("abc")]
    [InlineData("4G")]
    public void Bad_memory_sizes_are_refused(string text) =>
        Assert.Throws<CommandLineException>(() => QemuCommandLine.ParseMemorySize(text));

    [Fact]
    public void Sub_options_split_on_single_commas_and_unescape_double_ones()
    {
        var parts = SubOptions.Split("file:a,,b,x=1,flag");
        Assert.Equal([("file:a,b", ""), ("x", "1"), ("flag", "")], parts);
    }

    [Fact]
    public void Last_occurrence_of_a_single_valued_option_wins()
    {
        var o = QemuCommandLine.Parse(["-m", "16", "--m", "32", "-bios", "a.rom"]);
        Assert.Equal(32u << 20, o.RamBytes);
        Assert.Equal("a.rom", o.BiosPath);
    }

    [Fact]
    public void Debug_exit_device_reads_qemu_number_formats()
    {
        var o = QemuCommandLine.Parse(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]);
        Assert.Equal(((ushort)0xF4, (ushort)4), o.DebugExit);
    }

    [Theory]
    [InlineData("-frobnicate", "-frobnicate: invalid option")]
    [InlineData("-hda", "-hda: option not supported by hexemu yet")]
    [InlineData("-m", "-m: requires an argument")]
    [InlineData("-debugcon", "-debugcon: requires an argument")]
    public void Unsupported_options_are_clear_errors(string option, string message)
    {
        var e = Assert.Throws<CommandLineException>(() => QemuCommandLine.Parse([option]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Only_display_none_is_accepted()
    {
        Assert.NotNull(QemuCommandLine.Parse(["-display", "none"]));
        var e = Assert.Throws<CommandLineException>(() => QemuCommandLine.Parse(["-display", "gtk"]));
        Assert.Equal("-display gtk: only '-display none' is supported", e.Message);
    }
}
