using HexEmu.Domain.Replay;

namespace HexEmu.Domain.Tests.Replay;

/// <summary>The header a replay is checked against, and how its differences read.</summary>
public class ReplayHeaderTests
{
    private const string Fingerprint = "machine=pc,ram=128M,cpu=qemu32,vga=on,serial=2,no-reboot=off,cmdline=\"k.elf quiet\"";
    private static readonly string HashA = new('a', 64), HashB = new('b', 64);

    private static ReplayHeader Header(int shift = 5, string fingerprint = Fingerprint, params ImageIdentity[] images) =>
        new(shift, fingerprint, images.Length == 0 ? [new ImageIdentity("kernel", "k.elf", HashA)] : images);

    [Fact]
    public void Equal_headers_have_no_differences() =>
        Assert.Empty(Header().Differences(Header()));

    [Fact]
    public void Another_shift_is_named_with_both_values() =>
        Assert.Equal(["icount shift 3 (the recording used shift=5)"], Header().Differences(Header(shift: 3)));

    [Fact]
    public void A_changed_configuration_names_only_the_fields_that_differ()
    {
        var replay = Header(fingerprint: "machine=pc,ram=64M,cpu=qemu32,vga=on,serial=1,no-reboot=off,cmdline=\"k.elf quiet\"");
        Assert.Equal(
            ["machine configuration ram=64M (the recording had ram=128M)",
             "machine configuration serial=1 (the recording had serial=2)"],
            Header().Differences(replay));
    }

    [Fact]
    public void Added_and_missing_fields_and_quoted_values_read_as_written()
    {
        var replay = Header(fingerprint: "machine=pc,ram=128M,cpu=qemu32,vga=on,serial=2,cmdline=\"k.elf loud\",module1=m.bin");
        Assert.Equal(
            ["machine configuration cmdline=\"k.elf loud\" (the recording had cmdline=\"k.elf quiet\")",
             "machine configuration module1=m.bin (the recording had no module1)",
             "machine configuration without no-reboot (the recording had no-reboot=off)"],
            Header().Differences(replay));
    }

    [Fact]
    public void A_fingerprint_in_another_form_is_quoted_whole() =>
        Assert.Equal(["machine configuration 'something else' (the recording had 'pc,ram=1')"],
            Header(fingerprint: "pc,ram=1").Differences(Header(fingerprint: "something else")));

    [Fact]
    public void Images_are_matched_by_role_and_compared_by_hash()
    {
        var recorded = Header(images: [new("kernel", "k.elf", HashA), new("disk ide0-hd0", "d.img", HashA)]);
        var replay = Header(images: [new("kernel", "k2.elf", HashB), new("module 1", "m.bin", HashA)]);
        Assert.Equal(
            ["kernel 'k2.elf' is not the image recorded ('k.elf', another SHA-256)",
             "no disk ide0-hd0 (the recording had one)",
             "module 1 'm.bin' (the recording had none)"],
            recorded.Differences(replay));
    }

    [Fact]
    public void The_same_image_under_another_name_is_no_difference() =>
        Assert.Empty(Header(images: [new("kernel", "k.elf", HashA)]).Differences(Header(images: [new("kernel", "/elsewhere/k.elf", HashA)])));
}
