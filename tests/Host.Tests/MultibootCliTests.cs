namespace HexEmu.Host.Tests;

/// <summary>
/// -kernel, -append and -initrd through the real process: our Multiboot probe kernels print the
/// boot information they were given, which must match what they printed on qemu-system-i386
/// (tests/guests/mbinfo-*.expected, captured with the files in /tmp/mbx/). Bad kernels and
/// missing files get a one-line error and exit status 1.
/// </summary>
public sealed class MultibootCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mbx");

    public MultibootCliTests()
    {
        foreach (var file in new[] { "mbinfo-elf.elf", "mbinfo-aout.bin", "mbinfo-mod1.txt", "mbinfo-mod2.txt" })
            File.Copy(HexEmuProcess.GuestPath(file), Path.Combine(_dir.FullName, file));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string In(string file) => Path.Combine(_dir.FullName, file);

    /// <summary>The expected output with QEMU's capture directory replaced by this test's.</summary>
    private string Expected(string name) =>
        File.ReadAllText(HexEmuProcess.GuestPath($"{name}.expected")).Replace("/tmp/mbx/", _dir.FullName + "/");

    private static readonly string[] Common =
        ["-display", "none", "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"];

    [Fact]
    public void An_elf_kernel_sees_its_command_line_modules_and_memory_map_as_under_qemu()
    {
        var r = HexEmuProcess.Run(Timeout, [.. Common, "-m", "128", "-kernel", In("mbinfo-elf.elf"), "-append", "a b",
            "-initrd", $"{In("mbinfo-mod1.txt")} x y,{In("mbinfo-mod2.txt")}"]);
        Assert.Equal(Expected("mbinfo-elf-m128"), r.Stdout);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void An_a_out_kludge_kernel_without_append_gets_the_path_and_a_space()
    {
        var r = HexEmuProcess.Run(Timeout, [.. Common, "-m", "32", "-kernel", In("mbinfo-aout.bin")]);
        Assert.Equal(Expected("mbinfo-aout-m32"), r.Stdout);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void An_a_out_kludge_kernel_with_append_and_one_module()
    {
        var r = HexEmuProcess.Run(Timeout, [.. Common, "-m", "32", "-kernel", In("mbinfo-aout.bin"),
            "-append", "console=ttyS0 root=/dev/sda", "-initrd", In("mbinfo-mod2.txt")]);
        Assert.Equal(Expected("mbinfo-aout-m32-append"), r.Stdout);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void A_missing_kernel_is_a_one_line_error()
    {
        var r = HexEmuProcess.Run(Timeout, "-kernel", In("nope.elf"), "-display", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hexemu: could not open kernel file '{In("nope.elf")}': No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void A_file_without_a_multiboot_header_is_refused()
    {
        var r = HexEmuProcess.Run(Timeout, "-kernel", HexEmuProcess.GuestPath("hello.rom"), "-display", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hexemu: -kernel {HexEmuProcess.GuestPath("hello.rom")}: no Multiboot header in the first 8 KiB of the kernel\n", r.Stderr);
    }

    [Fact]
    public void A_kernel_that_is_neither_elf_nor_loadable_by_address_fields_is_refused()
    {
        // A valid Multiboot header (magic, flags 0, checksum) and nothing else: not ELF, no address fields.
        string path = In("plain.bin");
        File.WriteAllBytes(path, [0x02, 0xB0, 0xAD, 0x1B, 0, 0, 0, 0, 0xFE, 0x4F, 0x52, 0xE4, .. new byte[100]]);
        var r = HexEmuProcess.Run(Timeout, "-kernel", path, "-display", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hexemu: -kernel {path}: kernel is not an ELF file, and its Multiboot header has no address fields (flag 16) to load it by\n", r.Stderr);
    }

    [Fact]
    public void A_missing_module_is_a_one_line_error()
    {
        var r = HexEmuProcess.Run(Timeout, "-kernel", In("mbinfo-elf.elf"), "-initrd", In("gone.txt"), "-display", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hexemu: could not open module file '{In("gone.txt")}': No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void A_missing_disk_image_is_a_one_line_error()
    {
        var r = HexEmuProcess.Run(Timeout, "-kernel", In("mbinfo-elf.elf"), "-drive", $"file={In("disk.img")},format=raw", "-display", "none");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"hexemu: could not open disk image '{In("disk.img")}': No such file or directory\n", r.Stderr);
    }
}
