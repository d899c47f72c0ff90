using System.Diagnostics;
using HexEmu.Domain.Replay;
using HexEmu.Host.Cli;
using HexEmu.Host.Replay;

namespace HexEmu.Host.Tests;

/// <summary>
/// The replay header built from a command line: what a replay must agree on (shift, guest-visible
/// configuration, image contents) and nothing it may change (backends, paths of identical files).
/// </summary>
public sealed class RecordingIdentityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-rrid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, int length, byte seed = 1)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed))]);
        return path;
    }

    private const string DebugExit = "isa-debug-exit,iobase=0xf4,iosize=0x04";

    /// <summary>A record command line with a kernel, a module, two disks, two serial ports and isa-debug-exit (creating the files).</summary>
    private IEnumerable<string> BaseArgs()
    {
        string kernel = Path.Combine(_dir, "k.elf"), module = Path.Combine(_dir, "m.bin");
        string disk0 = Path.Combine(_dir, "d0.img"), disk2 = Path.Combine(_dir, "d2.img");
        if (!System.IO.File.Exists(kernel))
        {
            File("k.elf", 3000);
            File("m.bin", 100, seed: 2);
            File("d0.img", 8 * 512, seed: 3);
            File("d2.img", 4 * 512, seed: 4);
        }
        return [
            "-kernel", kernel, "-append", "quiet", "-initrd", $"{module} arg",
            "-icount", "shift=5,rr=record,rrfile=r.rr,sleep=off",
            "-serial", "stdio", "-serial", "null", "-display", "none",
            "-drive", $"file={disk0},format=raw,if=ide,index=0", "-drive", $"file={disk2},format=raw,if=ide,index=2,readonly=on",
            "-device", DebugExit];
    }

    /// <summary>The base command line with <paramref name="extra"/> appended (later single-valued options win).</summary>
    private HostOptions Options(params string[] extra) => QemuCommandLine.Parse([.. BaseArgs(), .. extra]);

    private static void AssertSame(ReplayHeader a, ReplayHeader b)
    {
        Assert.Empty(a.Differences(b));
        Assert.Equal(a.Shift, b.Shift);
        Assert.Equal(a.MachineFingerprint, b.MachineFingerprint);
        Assert.Equal(a.Images, b.Images);
    }

    [Fact]
    public void The_fingerprint_lists_the_guest_visible_configuration()
    {
        string k = Path.Combine(_dir, "k.elf"), m = Path.Combine(_dir, "m.bin");
        Assert.Equal(
            "machine=pc,pc-model=2,ram=128M,cpu=qemu32,vga=on,serial=2,debugcon=none,debug-exit=0xf4-0xf7,ide=ide0-hd0:rw+ide1-hd0:ro,"
            + $"no-reboot=off,rtc=utc,sleep=off,cmdline=\"{k} quiet\",module1=\"{m} arg\"",
            RecordingIdentity.Fingerprint(Options()));
    }

    [Fact]
    public void A_recording_of_an_older_pc_model_is_refused_by_name()
    {
        var now = RecordingIdentity.HeaderFor(Options());
        var older = now with { MachineFingerprint = now.MachineFingerprint.Replace(",pc-model=2", "", StringComparison.Ordinal) };
        Assert.Equal(["machine configuration pc-model=2 (the recording had no pc-model)"], older.Differences(now));
    }

    [Fact]
    public void A_firmware_boot_has_no_command_line_fields()
    {
        string bios = File("bios.rom", 64 * 1024);
        var o = QemuCommandLine.Parse(["-bios", bios, "-M", "isapc", "-m", "1536K", "-cpu", "486", "-nodefaults", "-no-reboot",
            "-debugcon", "null", "-chardev", "null,id=dc2", "-device", "isa-debugcon,iobase=0x402,chardev=dc2", "-rtc", "base=localtime", "-icount", "0"]);
        Assert.Equal("machine=isapc,pc-model=2,ram=1536K,cpu=486,vga=off,serial=0,debugcon=0xe9+0x402,debug-exit=none,ide=none,"
            + "no-reboot=on,rtc=localtime,sleep=on", RecordingIdentity.Fingerprint(o));
        var image = Assert.Single(RecordingIdentity.Images(o));
        Assert.Equal(new ImageIdentity("bios", bios, RecordingIdentity.Sha256Hex(bios)), image);
    }

    [Fact]
    public void Images_are_named_by_role_in_a_fixed_order()
    {
        var header = RecordingIdentity.HeaderFor(Options());
        Assert.Equal(5, header.Shift);
        Assert.Equal(["kernel", "module 1", "disk ide0-hd0", "disk ide1-hd0"], header.Images.Select(i => i.Role));
        Assert.Equal(Path.Combine(_dir, "m.bin"), header.Images[1].Name);
        Assert.All(header.Images, i => Assert.Matches("^[0-9a-f]{64}$", i.Sha256));
    }

    [Fact]
    public void The_same_command_line_gives_the_same_header() =>
        AssertSame(RecordingIdentity.HeaderFor(Options()), RecordingIdentity.HeaderFor(Options()));

    [Fact]
    public void Replaying_instead_of_recording_changes_nothing() =>
        AssertSame(RecordingIdentity.HeaderFor(Options()), RecordingIdentity.HeaderFor(Options("-icount", "shift=5,rr=replay,rrfile=r.rr,sleep=off")));

    [Theory]
    [InlineData("-name", "other")]
    [InlineData("-d", "int")]
    [InlineData("-no-shutdown")]
    [InlineData("-monitor", "none")]
    [InlineData("-rtc", "clock=vm")]
    public void Host_side_choices_do_not_change_the_header(params string[] change) =>
        AssertSame(RecordingIdentity.HeaderFor(Options()), RecordingIdentity.HeaderFor(Options(change)));

    [Fact]
    public void Backends_do_not_matter_only_the_number_of_serial_ports()
    {
        string k = Path.Combine(_dir, "k.elf");
        HostOptions With(params string[] serial)
        {
            Options(); // creates the files
            return QemuCommandLine.Parse(["-kernel", k, "-icount", "shift=5,rr=record,rrfile=r.rr", "-display", "none", .. serial]);
        }
        var stdio = RecordingIdentity.HeaderFor(With("-serial", "stdio"));
        AssertSame(stdio, RecordingIdentity.HeaderFor(With("-serial", "null")));
        AssertSame(stdio, RecordingIdentity.HeaderFor(With("-serial", $"file:{Path.Combine(_dir, "out.txt")}")));
        AssertSame(stdio, RecordingIdentity.HeaderFor(With("-serial", "null", "-serial", "none")));
        var two = RecordingIdentity.HeaderFor(With("-serial", "null", "-serial", "null"));
        Assert.Equal(["machine configuration serial=2 (the recording had serial=1)"], stdio.Differences(two));
    }

    [Theory]
    [InlineData("machine configuration ram=64M (the recording had ram=128M)", "-m", "64")]
    [InlineData("machine configuration cpu=pentium (the recording had cpu=qemu32)", "-cpu", "pentium")]
    [InlineData("machine configuration machine=isapc (the recording had machine=pc)", "-M", "isapc")]
    [InlineData("machine configuration vga=off (the recording had vga=on)", "-nodefaults")]
    [InlineData("machine configuration serial=3 (the recording had serial=2)", "-serial", "null")]
    [InlineData("machine configuration debugcon=0xe9 (the recording had debugcon=none)", "-debugcon", "null")]
    [InlineData("machine configuration no-reboot=on (the recording had no-reboot=off)", "-no-reboot")]
    [InlineData("machine configuration rtc=fixed (the recording had rtc=utc)", "-rtc", "base=2020-01-01")]
    [InlineData("machine configuration sleep=on (the recording had sleep=off)", "-icount", "shift=5,rr=replay,rrfile=r.rr")]
    [InlineData("icount shift 4 (the recording used shift=5)", "-icount", "shift=4,rr=replay,rrfile=r.rr,sleep=off")]
    public void A_guest_visible_change_is_one_named_difference(string difference, params string[] change)
    {
        var recorded = RecordingIdentity.HeaderFor(Options());
        Assert.Equal([difference], recorded.Differences(RecordingIdentity.HeaderFor(Options(change))));
    }

    [Fact]
    public void Another_debug_exit_port_range_is_a_difference()
    {
        var recorded = RecordingIdentity.HeaderFor(Options());
        var replay = RecordingIdentity.HeaderFor(QemuCommandLine.Parse([.. BaseArgs().Select(a => a == DebugExit ? "isa-debug-exit" : a)]));
        Assert.Equal(["machine configuration debug-exit=0x501-0x502 (the recording had debug-exit=0xf4-0xf7)"], recorded.Differences(replay));
    }

    [Fact]
    public void Another_kernel_command_line_is_a_difference()
    {
        string k = Path.Combine(_dir, "k.elf");
        var recorded = RecordingIdentity.HeaderFor(Options());
        Assert.Equal([$"machine configuration cmdline=\"{k} loud\" (the recording had cmdline=\"{k} quiet\")"],
            recorded.Differences(RecordingIdentity.HeaderFor(Options("-append", "loud"))));
    }

    [Fact]
    public void A_read_only_flag_is_a_difference()
    {
        var recorded = RecordingIdentity.HeaderFor(Options());
        string disk2 = Path.Combine(_dir, "d2.img");
        var replay = RecordingIdentity.HeaderFor(Options("-drive", $"file={disk2},format=raw,if=ide,index=3"));
        Assert.Equal(["machine configuration ide=ide0-hd0:rw+ide1-hd0:ro+ide1-hd1:rw (the recording had ide=ide0-hd0:rw+ide1-hd0:ro)",
                      $"disk ide1-hd1 '{disk2}' (the recording had none)"], recorded.Differences(replay));
    }

    [Fact]
    public void One_changed_disk_byte_is_a_difference_naming_the_disk()
    {
        var recorded = RecordingIdentity.HeaderFor(Options());
        string disk0 = Path.Combine(_dir, "d0.img");
        using (var f = new FileStream(disk0, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 4000;
            int b = f.ReadByte();
            f.Position = 4000;
            f.WriteByte((byte)(b ^ 0x10));
        }
        Assert.Equal([$"disk ide0-hd0 '{disk0}' is not the image recorded ('{disk0}', another SHA-256)"],
            recorded.Differences(RecordingIdentity.HeaderFor(Options())));
    }

    [Fact]
    public void Another_kernel_file_is_a_difference_and_the_same_bytes_elsewhere_are_not()
    {
        var recorded = RecordingIdentity.HeaderFor(Options());
        string copy = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "sub")).FullName, "k.elf");
        System.IO.File.Copy(Path.Combine(_dir, "k.elf"), copy);
        var moved = RecordingIdentity.HeaderFor(Options("-kernel", copy));
        // Same bytes: the image matches; but the guest sees its path in the command line.
        Assert.Equal([$"machine configuration cmdline=\"{copy} quiet\" (the recording had cmdline=\"{Path.Combine(_dir, "k.elf")} quiet\")"],
            recorded.Differences(moved));
        System.IO.File.WriteAllBytes(copy, [1, 2, 3]);
        Assert.Contains($"kernel '{copy}' is not the image recorded ('{Path.Combine(_dir, "k.elf")}', another SHA-256)",
            recorded.Differences(RecordingIdentity.HeaderFor(Options("-kernel", copy))));
    }

    [Fact]
    public void Sha256_agrees_with_the_fips_vector_and_with_sha256sum()
    {
        string abc = Path.Combine(_dir, "abc");
        System.IO.File.WriteAllText(abc, "abc");
        // FIPS 180-2, appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", RecordingIdentity.Sha256Hex(abc));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", RecordingIdentity.Sha256Hex(File("empty", 0)));

        // Larger than the 1 MiB read buffer and not a multiple of it: coreutils' sha256sum as the oracle.
        string big = File("big", 3 * (1 << 20) + 12345);
        var sum = Process.Start(new ProcessStartInfo("sha256sum", [big]) { RedirectStandardOutput = true })!;
        string expected = sum.StandardOutput.ReadToEnd().Split(' ')[0];
        Assert.True(sum.WaitForExit(30_000));
        Assert.Equal(expected, RecordingIdentity.Sha256Hex(big));
    }

    [Theory]
    [InlineData("-kernel", "could not open kernel file '{0}': No such file or directory")]
    [InlineData("-hdd", "could not open disk image '{0}': No such file or directory")]
    public void A_missing_image_is_a_one_line_error(string option, string message)
    {
        string missing = Path.Combine(_dir, "missing.bin");
        var e = Assert.Throws<CommandLineException>(() => RecordingIdentity.HeaderFor(Options(option, missing)));
        Assert.Equal(string.Format(message, missing), e.Message);
    }

    [Fact]
    public void A_directory_as_image_is_a_one_line_error()
    {
        var e = Assert.Throws<CommandLineException>(() => RecordingIdentity.HeaderFor(Options("-initrd", _dir)));
        Assert.Equal($"could not open module file '{_dir}': is a directory", e.Message);
    }
}
