using HexEmu.Domain.Diagnostics;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Tests;

/// <summary>
/// The qemu-system-i386 command line. Expected values and error shapes come from QEMU 7.2's
/// documentation and from running qemu-system-i386 here (its messages are quoted in comments
/// where ours follow them); HexEmu drops only the "qemu-system-i386: " prefix, which Program adds as "hexemu: ".
/// </summary>
public class CommandLineTests
{
    private static HostOptions Parse(params string[] args) => QemuCommandLine.Parse(args);

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineException>(() => QemuCommandLine.Parse(args)).Message;

    // ---- generic conventions ----

    [Fact]
    public void Sub_options_split_on_single_commas_and_unescape_double_ones()
    {
        var parts = SubOptions.Split("file:a,,b,x=1,flag");
        Assert.Equal([("file:a,b", ""), ("x", "1"), ("flag", "")], parts);
    }

    [Fact]
    public void Last_occurrence_of_a_single_valued_option_wins_and_double_dash_works()
    {
        var o = Parse("-m", "16", "--m", "32", "-bios", "a.rom", "--bios", "b.rom", "-kernel", "k1", "-kernel", "k2");
        Assert.Equal(32u << 20, o.RamBytes);
        Assert.Equal("b.rom", o.BiosPath);
        Assert.Equal("k2", o.KernelPath);
    }

    [Theory]
    [InlineData("-frobnicate", "-frobnicate: invalid option")]        // qemu: "-foo: invalid option"
    [InlineData("--frobnicate", "--frobnicate: invalid option")]
    [InlineData("-m", "-m: requires an argument")]                    // qemu: "-m: requires an argument"
    [InlineData("-kernel", "-kernel: requires an argument")]
    [InlineData("-serial", "-serial: requires an argument")]
    [InlineData("-debugcon", "-debugcon: requires an argument")]
    [InlineData("-hda", "-hda: requires an argument")]
    [InlineData("-d", "-d: requires an argument")]
    [InlineData("-D", "-D: requires an argument")]
    [InlineData("-name", "-name: requires an argument")]
    [InlineData("-cdrom", "option not supported by hexemu: -cdrom")]
    [InlineData("-enable-kvm", "option not supported by hexemu: -enable-kvm")]
    [InlineData("-netdev", "option not supported by hexemu: -netdev")]
    [InlineData("-vnc", "option not supported by hexemu: -vnc")]
    [InlineData("-gdb", "-gdb: requires an argument")]
    public void Unknown_unsupported_and_incomplete_options_are_one_line_errors(string option, string message) =>
        Assert.Equal(message, Error(option));

    [Fact]
    public void Gdb_options_follow_qemu_s_is_tcp_1234_and_the_last_one_wins()
    {
        Assert.Null(Parse("-kernel", "k").GdbDevice);
        Assert.Equal("tcp::1234", Parse("-s").GdbDevice);
        Assert.Equal("unix:/tmp/g.sock", Parse("-s", "-gdb", "unix:/tmp/g.sock").GdbDevice);
        Assert.Equal("tcp::1234", Parse("-gdb", "tcp::5555", "-s").GdbDevice);
        Assert.Null(Parse("-s", "-gdb", "none").GdbDevice);
    }

    [Fact]
    public void Help_and_version_act_at_once_as_in_qemu()
    {
        Assert.Equal(HostAction.ShowHelp, Parse("-h", "-frobnicate").Action);
        Assert.Equal(HostAction.ShowHelp, Parse("--help").Action);
        Assert.Equal(HostAction.ShowVersion, Parse("-version").Action);
        Assert.Equal("-frobnicate: invalid option", Error("-frobnicate", "-version"));
    }

    [Fact]
    public void A_bare_argument_is_the_first_hard_disk()
    {
        var o = Parse("disk.img");
        Assert.Equal([new DriveSpec("disk.img", DriveInterface.Ide, 0, "ide0-hd0", false)], o.Drives);
    }

    // ---- machine, cpu, memory, smp ----

    [Theory]
    [InlineData("pc", MachineType.Pc)]
    [InlineData("isapc", MachineType.IsaPc)]
    [InlineData("type=isapc", MachineType.IsaPc)]
    [InlineData("pc,accel=tcg", MachineType.Pc)]
    public void Machine_types(string value, MachineType type)
    {
        Assert.Equal(type, Parse("-M", value).Machine);
        Assert.Equal(type, Parse("-machine", value).Machine);
    }

    [Fact]
    public void Machine_properties_alone_keep_the_type_and_help_lists()
    {
        Assert.Equal(MachineType.IsaPc, Parse("-M", "isapc", "-machine", "accel=tcg").Machine);
        Assert.Equal(HostAction.ListMachines, Parse("-M", "help").Action);
        Assert.Contains("isapc", HelpText.Machines);
    }

    [Theory]
    [InlineData("foo", "-M foo: unsupported machine type (use -machine help to list supported machines)")]
    [InlineData("q35", "-M q35: machine type 'q35' not supported by hexemu (use -machine help to list supported machines)")]
    [InlineData("pc,usb=on", "-M pc,usb=on: machine property 'usb' not supported by hexemu")]
    [InlineData("pc,foo=bar", "-M pc,foo=bar: Invalid parameter 'foo'")]
    [InlineData("pc,accel=kvm", "-M pc,accel=kvm: accelerator 'kvm' not supported by hexemu (it is its own accelerator: accel=tcg or nothing)")]
    public void Bad_machines(string value, string message) => Assert.Equal(message, Error("-M", value));

    [Theory]
    [InlineData("486", CpuModel.I486)]
    [InlineData("486-v1", CpuModel.I486)]
    [InlineData("pentium", CpuModel.Pentium)]
    [InlineData("pentium2", CpuModel.Pentium2)]
    [InlineData("pentium3", CpuModel.Pentium3)]
    [InlineData("qemu32", CpuModel.Qemu32)]
    [InlineData("base", CpuModel.Base)]
    public void Cpu_models(string name, CpuModel model) => Assert.Equal(model, Parse("-cpu", name).Cpu);

    [Fact]
    public void Cpu_defaults_to_qemu32_and_help_lists_the_models()
    {
        Assert.Equal(CpuModel.Qemu32, Parse().Cpu);
        Assert.Equal(HostAction.ListCpus, Parse("-cpu", "help").Action);
        Assert.Contains("x86 pentium2", HelpText.Cpus);
    }

    [Theory]
    [InlineData("host", "-cpu host: CPU model 'host' requires KVM or HVF (hexemu emulates the CPU)")] // qemu: "CPU model 'host' requires KVM or HVF"
    [InlineData("foo", "-cpu foo: unable to find CPU model 'foo'")]                                     // qemu: "unable to find CPU model 'foo'"
    [InlineData("max", "-cpu max: CPU model 'max' not supported by hexemu (see -cpu help)")]
    [InlineData("pentium,+sse", "-cpu pentium,+sse: CPU feature flags are not supported by hexemu")]
    public void Bad_cpus(string value, string message) => Assert.Equal(message, Error("-cpu", value));

    [Theory]
    [InlineData("64", 64u << 20)]
    [InlineData("64M", 64u << 20)]
    [InlineData("1G", 1u << 30)]
    [InlineData("2048K", 2u << 20)]
    [InlineData("2048k", 2u << 20)]
    [InlineData("size=32M", 32u << 20)]
    [InlineData("1.5M", 3u << 19)]
    public void Memory_sizes_follow_qemu_units(string text, uint bytes) =>
        Assert.Equal(bytes, QemuCommandLine.ParseMemorySize(text));

    [Theory]
    [InlineData("12Q", "-m 12Q: Parameter 'size' expects a non-negative number below 2^64 (optional suffix K, M, G, T)")]
    [InlineData("abc", "-m abc: Parameter 'size' expects a non-negative number below 2^64 (optional suffix K, M, G, T)")]
    [InlineData("512M,foo=1", "-m 512M,foo=1: Invalid parameter 'foo'")] // qemu: "-m 512M,foo=1: Invalid parameter 'foo'"
    [InlineData("0", "-m 0: RAM size too small (at least 1M)")]
    [InlineData("4G", "-m 4G: RAM size too large for an i386 PC here (at most 2047M)")]
    [InlineData("1G,maxmem=2G", "-m 1G,maxmem=2G: memory hotplug (slots=, maxmem=) is not supported by hexemu")]
    public void Bad_memory_sizes(string text, string message) => Assert.Equal(message, Error("-m", text));

    [Theory]
    [InlineData("1")]
    [InlineData("cpus=1")]
    [InlineData("1,sockets=1,cores=1,threads=1,maxcpus=1")]
    public void Smp_one_is_accepted(string value) => Assert.NotNull(Parse("-smp", value));

    [Theory]
    [InlineData("2")]
    [InlineData("cpus=4")]
    [InlineData("1,maxcpus=2")]
    public void Smp_more_than_one_is_refused(string value) =>
        Assert.Equal($"-smp {value}: hexemu emulates a single CPU: SMP is not supported (use -smp 1)", Error("-smp", value));

    [Fact]
    public void Smp_with_a_bad_key_or_number()
    {
        Assert.Equal("-smp 1,foo=2: Invalid parameter 'foo'", Error("-smp", "1,foo=2"));
        Assert.Equal("-smp x: Parameter 'cpus' expects a number", Error("-smp", "x"));
    }

    // ---- boot ----

    [Fact]
    public void Kernel_append_and_initrd_modules_with_escaped_commas()
    {
        var o = Parse("-kernel", "k.elf", "-append", "console=ttyS0 quiet", "-initrd", "mod1 arg1 arg2,mod,,2,m3");
        Assert.Equal("k.elf", o.KernelPath);
        Assert.Equal("console=ttyS0 quiet", o.KernelCommandLine);
        Assert.Equal(
            [new MultibootModule("mod1", "arg1 arg2"), new MultibootModule("mod,2", ""), new MultibootModule("m3", "")],
            o.InitrdModules);
        Assert.Equal("mod1 arg1 arg2", o.InitrdModules[0].CommandLine);
    }

    [Fact]
    public void Initrd_and_append_need_a_kernel_as_in_qemu()
    {
        Assert.Equal("-initrd only allowed with -kernel option", Error("-initrd", "x")); // qemu's text
        Assert.Equal("-append only allowed with -kernel option", Error("-append", "x"));
        Assert.Equal("-initrd a,,b,: empty module file name", Error("-kernel", "k", "-initrd", "a,,b,"));
    }

    // ---- serial, monitor, debugcon, chardev ----

    private static ChardevBackend Backend(HostOptions o, string id) => o.Chardevs.Single(c => c.Id == id).Backend;

    [Fact]
    public void Serial_devices_in_legacy_spelling_become_chardevs_serial0_to_serial3()
    {
        var o = Parse("-serial", "stdio", "-serial", "file:/tmp/a,,b", "-serial", "pipe:/tmp/p", "-serial", "null");
        Assert.Equal(["serial0", "serial1", "serial2", "serial3"], o.SerialPorts);
        Assert.Equal(new ChardevBackend.Stdio(), Backend(o, "serial0"));
        Assert.Equal(new ChardevBackend.File("/tmp/a,,b"), Backend(o, "serial1"));
        Assert.Equal(new ChardevBackend.Pipe("/tmp/p"), Backend(o, "serial2"));
        Assert.Equal(new ChardevBackend.Null(), Backend(o, "serial3"));
    }

    [Theory]
    [InlineData("tcp:127.0.0.1:4444", "127.0.0.1", 4444, false, true, false)]
    [InlineData("tcp::4444,server=on,wait=off", "", 4444, true, false, false)]
    [InlineData("tcp:localhost:23,server,nowait", "localhost", 23, true, false, false)]
    [InlineData("tcp:127.0.0.1:5,server=on,wait=on,nodelay", "127.0.0.1", 5, true, true, true)]
    [InlineData("tcp:h:5,server=yes,wait=no,nodelay=on", "h", 5, true, false, true)]
    public void Serial_tcp(string spec, string host, int port, bool server, bool wait, bool noDelay) =>
        Assert.Equal(new ChardevBackend.Tcp(host, port, server, wait, noDelay), Backend(Parse("-serial", spec), "serial0"));

    [Theory]
    [InlineData("unix:/tmp/s", "/tmp/s", false, true)]
    [InlineData("unix:/tmp/s,server", "/tmp/s", true, true)]
    [InlineData("unix:/tmp/s,server=on,wait=off", "/tmp/s", true, false)]
    [InlineData("unix:/tmp/a,,b,server=on", "/tmp/a,b", true, true)]
    public void Serial_unix(string spec, string path, bool server, bool wait) =>
        Assert.Equal(new ChardevBackend.Unix(path, server, wait), Backend(Parse("-serial", spec), "serial0"));

    [Fact]
    public void Serial_vc_is_the_display_console_that_discards()
    {
        Assert.Equal(new ChardevBackend.VirtualConsole(), Backend(Parse("-serial", "vc:80Cx24C"), "serial0"));
        Assert.Equal(new ChardevBackend.VirtualConsole(), Backend(Parse("-serial", "vc"), "serial0"));
    }

    [Fact]
    public void Serial_none_adds_no_port_and_chardev_references_may_point_forward()
    {
        var o = Parse("-serial", "none", "-serial", "chardev:c", "-chardev", "socket,id=c,path=/tmp/s,server=on,wait=off");
        Assert.Equal(["c"], o.SerialPorts);
        Assert.Equal(new ChardevSpec("c", new ChardevBackend.Unix("/tmp/s", true, false)), o.Chardevs.Single());
    }

    [Theory]
    [InlineData("foo", "-serial foo: 'foo' is not a valid char driver")] // qemu: "-serial foo: 'foo' is not a valid char driver"
    [InlineData("pty", "-serial pty: character device 'pty' not supported by hexemu")]
    [InlineData("/dev/ttyS0", "-serial /dev/ttyS0: character device '/dev/ttyS0' not supported by hexemu")]
    [InlineData("telnet::4444,server", "-serial telnet::4444,server: character device 'telnet' not supported by hexemu")]
    [InlineData("tcp:", "-serial tcp:: expected tcp:HOST:PORT")]
    [InlineData("tcp:host:x", "-serial tcp:host:x: invalid port 'x'")]
    [InlineData("tcp:host:70000", "-serial tcp:host:70000: invalid port '70000'")]
    [InlineData("tcp::1,server=maybe", "-serial tcp::1,server=maybe: Parameter 'server' expects 'on' or 'off'")]
    [InlineData("tcp::1,telnet", "-serial tcp::1,telnet: Invalid parameter 'telnet'")]
    [InlineData("tcp::1,ipv6", "-serial tcp::1,ipv6: Invalid parameter 'ipv6'")]
    [InlineData("null,foo", "-serial null,foo: 'null,foo' is not a valid char driver")] // qemu's text
    [InlineData("mon:none", "-serial mon:none: 'none' is not a valid char driver")]      // qemu's text
    [InlineData("unix:", "-serial unix:: expected unix:PATH")]
    [InlineData("file:", "-serial file:: 'file:' is not a valid char driver")]
    [InlineData("chardev:nope", "-serial chardev:nope: chardev 'nope' not found")]
    public void Bad_serial_devices(string spec, string message) => Assert.Equal(message, Error("-serial", spec));

    [Fact]
    public void At_most_four_serial_ports()
    {
        Assert.Equal("-serial null: too many serial ports (at most 4)",
            Error("-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null", "-serial", "null"));
    }

    [Fact]
    public void Chardev_backends()
    {
        var o = Parse("-nodefaults",
            "-chardev", "null,id=n", "-chardev", "stdio,id=s,signal=off", "-chardev", "file,id=f,path=/tmp/o,append=on",
            "-chardev", "pipe,id=p,path=/tmp/p", "-chardev", "socket,id=t,host=127.0.0.1,port=99,server=on,wait=off,nodelay=on",
            "-chardev", "socket,id=c,port=99", "-chardev", "id=u,backend=socket,path=/tmp/u", "-chardev", "null,id=m,mux=on");
        Assert.Equal(
        [
            new ChardevSpec("n", new ChardevBackend.Null()),
            new ChardevSpec("s", new ChardevBackend.Stdio(Signal: false)),
            new ChardevSpec("f", new ChardevBackend.File("/tmp/o", Append: true)),
            new ChardevSpec("p", new ChardevBackend.Pipe("/tmp/p")),
            new ChardevSpec("t", new ChardevBackend.Tcp("127.0.0.1", 99, Server: true, Wait: false, NoDelay: true)),
            new ChardevSpec("c", new ChardevBackend.Tcp("", 99, Server: false, Wait: true, NoDelay: false)),
            new ChardevSpec("u", new ChardevBackend.Unix("/tmp/u", Server: false, Wait: true)),
            new ChardevSpec("m", new ChardevBackend.Null(), Mux: true),
        ], o.Chardevs);
        Assert.Empty(o.SerialPorts);
        Assert.Null(o.MonitorChardev);
    }

    [Theory]
    [InlineData("foo,id=a", "-chardev foo,id=a: 'foo' is not a valid char driver name")] // qemu's text
    [InlineData("null", "-chardev null: chardev: no id specified")]                      // qemu's text
    [InlineData("file,id=a", "-chardev file,id=a: chardev: file: no filename given")]    // qemu's text
    [InlineData("socket,id=a,host=127.0.0.1", "-chardev socket,id=a,host=127.0.0.1: chardev: socket: no port given")] // qemu's text
    [InlineData("socket,id=a,port=1,server=maybe", "-chardev socket,id=a,port=1,server=maybe: Parameter 'server' expects 'on' or 'off'")] // qemu's text
    [InlineData("null,id=a,path=x", "-chardev null,id=a,path=x: Invalid parameter 'path'")]
    [InlineData("pty,id=a", "-chardev pty,id=a: character device 'pty' not supported by hexemu")]
    [InlineData("socket,id=a,port=1,telnet=on", "-chardev socket,id=a,port=1,telnet=on: socket option 'telnet' is not supported by hexemu")]
    public void Bad_chardevs(string spec, string message) => Assert.Equal(message, Error("-chardev", spec));

    [Fact]
    public void Chardev_ids_are_unique_and_used_once_unless_multiplexed()
    {
        Assert.Equal("-chardev null,id=a: Duplicate ID 'a' for chardev", Error("-chardev", "null,id=a", "-chardev", "null,id=a"));
        Assert.Equal("-serial chardev:a: Device 'a' is in use",
            Error("-chardev", "null,id=a", "-serial", "chardev:a", "-serial", "chardev:a"));
        var o = Parse("-chardev", "stdio,id=c,mux=on", "-serial", "chardev:c", "-monitor", "chardev:c");
        Assert.Equal(["c"], o.SerialPorts);
        Assert.Equal("c", o.MonitorChardev);
    }

    [Fact]
    public void Stdio_serves_one_chardev_only()
    {
        // qemu: "-debugcon stdio: cannot use stdio by multiple character devices"
        Assert.Equal("-debugcon stdio: cannot use stdio by multiple character devices", Error("-nographic", "-debugcon", "stdio"));
        Assert.Equal("-monitor stdio: cannot use stdio by multiple character devices", Error("-serial", "stdio", "-monitor", "stdio"));
    }

    [Fact]
    public void Defaults_without_display_give_com1_a_discarding_console_and_no_monitor()
    {
        var o = Parse("-display", "none");
        Assert.Equal(["serial0"], o.SerialPorts);
        Assert.Equal(new ChardevSpec("serial0", new ChardevBackend.VirtualConsole()), o.Chardevs.Single());
        Assert.Null(o.MonitorChardev);
    }

    [Fact]
    public void Nographic_multiplexes_com1_and_the_monitor_on_stdio()
    {
        var o = Parse("-nographic");
        Assert.True(o.NoGraphic);
        Assert.Equal(["serial0"], o.SerialPorts);
        Assert.Equal("serial0", o.MonitorChardev);
        Assert.Equal(new ChardevSpec("serial0", new ChardevBackend.Stdio(), Mux: true), o.Chardevs.Single());
        var explicitMux = Parse("-serial", "mon:stdio", "-display", "none");
        Assert.Equal(o.Chardevs, explicitMux.Chardevs);
        Assert.Equal(o.SerialPorts, explicitMux.SerialPorts);
        Assert.Equal(o.MonitorChardev, explicitMux.MonitorChardev);
    }

    [Fact]
    public void Nographic_with_an_explicit_serial_puts_the_monitor_alone_on_stdio()
    {
        var o = Parse("-nographic", "-serial", "file:/tmp/s");
        Assert.Equal("compat_monitor0", o.MonitorChardev);
        Assert.Equal(new ChardevBackend.Stdio(), Backend(o, "compat_monitor0"));
        var m = Parse("-nographic", "-monitor", "none");
        Assert.Null(m.MonitorChardev);
        Assert.Equal(new ChardevBackend.Stdio(), Backend(m, "serial0"));
        Assert.False(m.Chardevs.Single().Mux);
    }

    [Fact]
    public void Nodefaults_removes_serial_and_monitor()
    {
        var o = Parse("-nographic", "-nodefaults");
        Assert.Empty(o.SerialPorts);
        Assert.Null(o.MonitorChardev);
        Assert.Empty(o.Chardevs);
    }

    [Theory]
    [InlineData("stdio", typeof(ChardevBackend.Stdio))]
    [InlineData("unix:/tmp/m,server=on,wait=off", typeof(ChardevBackend.Unix))]
    [InlineData("tcp:127.0.0.1:4444,server=on,wait=off", typeof(ChardevBackend.Tcp))]
    public void Monitor_devices(string spec, Type backend)
    {
        var o = Parse("-monitor", spec, "-serial", "null");
        Assert.Equal("compat_monitor0", o.MonitorChardev);
        Assert.IsType(backend, Backend(o, "compat_monitor0"));
    }

    [Fact]
    public void Monitor_none_chardev_reference_and_errors()
    {
        Assert.Null(Parse("-monitor", "none").MonitorChardev);
        Assert.Equal("m", Parse("-chardev", "null,id=m", "-monitor", "chardev:m").MonitorChardev);
        Assert.Equal("-monitor foo: 'foo' is not a valid char driver", Error("-monitor", "foo")); // qemu's first line
        Assert.Equal("-monitor null: hexemu supports only one monitor", Error("-monitor", "null", "-monitor", "null"));
    }

    [Fact]
    public void Debugcon_option_and_device()
    {
        var o = Parse("-debugcon", "file:/tmp/d", "-chardev", "null,id=x", "-device", "isa-debugcon,iobase=0x402,chardev=x",
            "-chardev", "null,id=y", "-device", "isa-debugcon,chardev=y");
        Assert.Equal(
            [new DebugConDevice(0xE9, "debugcon"), new DebugConDevice(0x402, "x"), new DebugConDevice(0xE9, "y")],
            o.DebugCons);
        Assert.Equal(new ChardevBackend.File("/tmp/d"), Backend(o, "debugcon"));
    }

    [Fact]
    public void Debugcon_device_errors()
    {
        // qemu: "-device isa-debugcon,chardev=nope: Property 'isa-debugcon.chardev' can't find value 'nope'"
        Assert.Equal("-device isa-debugcon,chardev=nope: Property 'isa-debugcon.chardev' can't find value 'nope'",
            Error("-device", "isa-debugcon,chardev=nope"));
        Assert.Equal("-device isa-debugcon,foo=1: Invalid parameter 'foo'", Error("-device", "isa-debugcon,foo=1"));
        // qemu: "-device isa-debugcon: Can't create debugcon device, empty char device"
        Assert.Equal("-device isa-debugcon: Can't create debugcon device, empty char device", Error("-device", "isa-debugcon"));
        Assert.Equal("-device isa-debugcon,chardev=x: Device 'x' is in use",
            Error("-chardev", "null,id=x", "-serial", "chardev:x", "-device", "isa-debugcon,chardev=x"));
    }

    // ---- devices ----

    [Fact]
    public void Debug_exit_device_reads_qemu_number_formats_and_defaults()
    {
        Assert.Equal(new DebugExitDevice(0xF4, 4), Parse("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04").DebugExit);
        Assert.Equal(new DebugExitDevice(0x501, 2), Parse("-device", "isa-debug-exit").DebugExit);
        Assert.Equal(new DebugExitDevice(8, 1), Parse("-device", "driver=isa-debug-exit,iobase=010,iosize=1").DebugExit);
    }

    [Theory]
    [InlineData("isa-debug-exit,iobase=zz", "-device isa-debug-exit,iobase=zz: Parameter 'iobase' expects integer")] // qemu's text
    [InlineData("isa-debug-exit,iobase=70000", "-device isa-debug-exit,iobase=70000: Property 'isa-debug-exit.iobase' doesn't take value 70000 (maximum 65535)")]
    [InlineData("isa-debug-exit,iosize=0", "-device isa-debug-exit,iosize=0: Property 'isa-debug-exit.iosize' doesn't take value 0 (1 to 4)")]
    [InlineData("isa-debug-exit,foo=1", "-device isa-debug-exit,foo=1: Invalid parameter 'foo'")]
    [InlineData("e1000", "-device e1000: device 'e1000' not supported by hexemu (see -device help)")]
    public void Bad_devices(string spec, string message) => Assert.Equal(message, Error("-device", spec));

    [Fact]
    public void One_debug_exit_device()
    {
        Assert.Equal("-device isa-debug-exit,iobase=0xf4: hexemu supports one isa-debug-exit device",
            Error("-device", "isa-debug-exit", "-device", "isa-debug-exit,iobase=0xf4"));
    }

    [Fact]
    public void Device_help_lists_our_devices()
    {
        Assert.Equal(HostAction.ListDevices, Parse("-device", "help").Action);
        Assert.Contains("isa-debug-exit", HelpText.Devices);
        Assert.Contains("isa-debugcon", HelpText.Devices);
    }

    [Fact]
    public void Drives_get_the_first_free_ide_index_and_qemu_ids()
    {
        var o = Parse("-hdb", "b.img", "-drive", "file=a.img,format=raw", "-drive", "file=c.img,if=ide,index=3,readonly=on,id=disk",
            "-drive", "file=d.img,if=ide,bus=1,unit=0", "-drive", "file=n.img,if=none,id=n", "-drive", "file=m.img,if=none");
        Assert.Equal(
        [
            new DriveSpec("b.img", DriveInterface.Ide, 1, "ide0-hd1", false),
            new DriveSpec("a.img", DriveInterface.Ide, 0, "ide0-hd0", false) { Format = DriveFormat.Raw },
            new DriveSpec("c.img", DriveInterface.Ide, 3, "disk", true),
            new DriveSpec("d.img", DriveInterface.Ide, 2, "ide1-hd0", false),
            new DriveSpec("n.img", DriveInterface.None, 0, "n", false),
            new DriveSpec("m.img", DriveInterface.None, 1, "none1", false),
        ], o.Drives);
        Assert.Equal(3, Parse("-hdd", "x").Drives.Single().Index);
        Assert.Equal(2, Parse("-hdc", "x").Drives.Single().Index);
    }

    [Fact]
    public void Snapshot_on_a_drive_and_for_all_drives()
    {
        Assert.True(Parse("-drive", "file=x,snapshot=on").Drives.Single().Snapshot);
        Assert.False(Parse("-drive", "file=x").Drives.Single().Snapshot);
        Assert.True(Parse("-snapshot", "-drive", "file=x").Snapshot);
        Assert.False(Parse("-drive", "file=x").Snapshot);
    }

    [Theory]
    [InlineData("file=x,format=qcow2", DriveFormat.Qcow2)]
    [InlineData("file=x,format=raw", DriveFormat.Raw)]
    [InlineData("file=x", null)] // probed when the image is opened
    public void Drive_formats(string value, DriveFormat? format) => Assert.Equal(format, Parse("-drive", value).Drives.Single().Format);

    [Theory]
    [InlineData("file=x,format=qcow3", "-drive file=x,format=qcow3: Unknown driver 'qcow3'")] // qemu's text
    [InlineData("file=x,if=scsi", "-drive file=x,if=scsi: interface 'scsi' not supported by hexemu (ide or none)")]
    [InlineData("file=x,media=cdrom", "-drive file=x,media=cdrom: media=cdrom not supported by hexemu yet")]
    [InlineData("file=x,index=4", "-drive file=x,index=4: index 4 out of range (IDE drives are 0 to 3)")]
    [InlineData("file=x,foo=1", "-drive file=x,foo=1: Invalid parameter 'foo'")]
    [InlineData("x.img", "-drive x.img: Invalid parameter 'x.img'")]
    [InlineData("format=raw", "-drive format=raw: file= is required (empty drives are not supported by hexemu)")]
    [InlineData("file=x,readonly=maybe", "-drive file=x,readonly=maybe: Parameter 'readonly' expects 'on' or 'off'")]
    public void Bad_drives(string spec, string message) => Assert.Equal(message, Error("-drive", spec));

    [Fact]
    public void Two_drives_on_one_index_are_refused()
    {
        Assert.Equal("-drive file=b,index=0: drive with bus=0, unit=0 (index=0) exists",
            Error("-hda", "a", "-drive", "file=b,index=0"));
        Assert.Equal("-drive file=e: no free IDE slot (at most 4 drives)",
            Error("-hda", "a", "-hdb", "b", "-hdc", "c", "-hdd", "d", "-drive", "file=e"));
    }

    [Fact]
    public void Network_only_none()
    {
        Assert.NotNull(Parse("-net", "none", "-nic", "none"));
        Assert.Equal("-net user: networking not supported by hexemu (only none)", Error("-net", "user"));
        Assert.Equal("-nic user,model=e1000: Invalid parameter 'model'", Error("-nic", "user,model=e1000"));
        Assert.Equal("-net none,foo=1: Invalid parameter 'foo'", Error("-net", "none,foo=1")); // qemu's text
    }

    [Fact]
    public void Display_none_only()
    {
        Assert.NotNull(Parse("-display", "none"));
        Assert.Equal("-display gtk: display 'gtk' not supported by hexemu (it has no display: use -display none or -nographic)",
            Error("-display", "gtk"));
        Assert.Equal("-display none,foo: Invalid parameter 'foo'", Error("-display", "none,foo"));
    }

    [Fact]
    public void Flags()
    {
        var o = Parse("-no-reboot", "-no-shutdown", "-nodefaults");
        Assert.True(o.NoReboot);
        Assert.True(o.NoShutdown);
        Assert.True(o.NoDefaults);
        var d = Parse();
        Assert.False(d.NoReboot || d.NoShutdown || d.NoDefaults || d.NoGraphic);
        Assert.Equal(128u << 20, d.RamBytes);
    }

    // ---- time ----

    [Fact]
    public void Rtc_options()
    {
        Assert.Equal(RtcOptions.Default, Parse().Rtc);
        Assert.Equal(new RtcOptions(RtcBase.LocalTime, null, RtcClock.Vm), Parse("-rtc", "base=localtime,clock=vm").Rtc);
        Assert.Equal(new RtcOptions(RtcBase.Fixed, new DateTime(2006, 6, 17, 16, 1, 21, DateTimeKind.Utc), RtcClock.Host),
            Parse("-rtc", "base=2006-06-17T16:01:21").Rtc);
        Assert.Equal(new RtcOptions(RtcBase.Fixed, new DateTime(2006, 6, 17, 0, 0, 0, DateTimeKind.Utc), RtcClock.Rt),
            Parse("-rtc", "base=2006-06-17,clock=rt,driftfix=none").Rtc);
        // Keys not repeated keep their earlier value.
        Assert.Equal(new RtcOptions(RtcBase.LocalTime, null, RtcClock.Vm), Parse("-rtc", "clock=vm", "-rtc", "base=localtime").Rtc);
    }

    [Theory]
    [InlineData("base=xx", "-rtc base=xx: invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')")]
    [InlineData("base=2020-13-01", "-rtc base=2020-13-01: invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')")]
    [InlineData("clock=foo", "-rtc clock=foo: invalid option value 'foo'")] // qemu: "invalid option value 'foo'"
    [InlineData("utc", "-rtc utc: Invalid parameter 'utc'")]                // qemu: "-rtc utc: Invalid parameter 'utc'"
    [InlineData("driftfix=slew", "-rtc driftfix=slew: driftfix=slew is not supported by hexemu")]
    public void Bad_rtc(string value, string message) => Assert.Equal(message, Error("-rtc", value));

    [Theory]
    [InlineData("0", 0, true)]
    [InlineData("shift=10", 10, true)]
    [InlineData("3,sleep=off", 3, false)]
    [InlineData("shift=auto", null, true)]
    [InlineData("auto,align=off", null, true)]
    public void Icount(string value, int? shift, bool sleep) =>
        Assert.Equal(new IcountOptions(shift, sleep, false), Parse("-icount", value).Icount);

    [Theory]
    [InlineData("shift=11", "-icount shift=11: icount: Invalid shift value")] // qemu's text
    [InlineData("x", "-icount x: icount: Invalid shift value")]
    [InlineData("foo=1", "-icount foo=1: Invalid parameter 'foo'")]          // qemu's text
    [InlineData("auto,align=on", "-icount auto,align=on: align=on is not supported by hexemu")]
    [InlineData("3,sleep=x", "-icount 3,sleep=x: Parameter 'sleep' expects 'on' or 'off'")]
    public void Bad_icount(string value, string message) => Assert.Equal(message, Error("-icount", value));

    [Fact]
    public void No_icount_means_host_time() => Assert.Null(Parse().Icount);

    [Theory]
    [InlineData("shift=7,rr=record,rrfile=run.rr", 7, RecordReplayMode.Record, "run.rr")]
    [InlineData("3,rr=replay,rrfile=/tmp/a,,b.rr", 3, RecordReplayMode.Replay, "/tmp/a,b.rr")] // ",," is a literal comma
    [InlineData("rrfile=x.rr,rr=record,shift=0", 0, RecordReplayMode.Record, "x.rr")]
    public void Icount_record_replay(string value, int shift, RecordReplayMode mode, string file)
    {
        var o = Parse("-icount", value);
        Assert.Equal(shift, o.Icount!.Shift);
        Assert.Equal(new RecordReplayOptions(mode, file), o.Icount.RecordReplay);
        Assert.Same(o.Icount.RecordReplay, o.RecordReplay);
    }

    [Fact]
    public void Only_rr_differs_between_a_record_and_a_replay_command_line()
    {
        var record = Parse("-icount", "shift=5,rr=record,rrfile=r.rr", "-serial", "stdio");
        var replay = Parse("-icount", "shift=5,rr=replay,rrfile=r.rr", "-serial", "null");
        Assert.Equal(record.Icount! with { RecordReplay = null }, replay.Icount! with { RecordReplay = null });
        Assert.Equal(RecordReplayMode.Record, record.RecordReplay!.Mode);
        Assert.Equal(RecordReplayMode.Replay, replay.RecordReplay!.Mode);
    }

    [Fact]
    public void Plain_icount_neither_records_nor_replays()
    {
        Assert.Null(Parse("-icount", "shift=5").RecordReplay);
        Assert.Null(Parse().RecordReplay);
    }

    [Fact]
    public void Dash_S_starts_paused() => Assert.True(Parse("-S").StartPaused);

    [Fact]
    public void Rrsnapshot_and_loadvm_name_snapshots()
    {
        Assert.Equal("init", Parse("-icount", "shift=3,rr=replay,rrfile=r.bin,rrsnapshot=init").RecordReplay!.Snapshot);
        Assert.Null(Parse("-icount", "shift=3,rr=replay,rrfile=r.bin").RecordReplay!.Snapshot);
        Assert.Equal("s1", Parse("-loadvm", "s1").LoadVm);
    }

    [Theory]
    [InlineData("shift=5,rr=record", "-icount shift=5,rr=record: File name not specified for replay")]            // qemu's text
    [InlineData("shift=5,rr=replay,rrfile=", "-icount shift=5,rr=replay,rrfile=: File name not specified for replay")]
    [InlineData("shift=5,rr=foo,rrfile=r.rr", "-icount shift=5,rr=foo,rrfile=r.rr: Invalid icount rr option: foo")] // qemu's text
    [InlineData("shift=5,rr=off,rrfile=r.rr", "-icount shift=5,rr=off,rrfile=r.rr: Invalid icount rr option: off")] // qemu refuses off too
    [InlineData("shift=5,rrfile=r.rr", "-icount shift=5,rrfile=r.rr: rrfile= needs rr=record or rr=replay")]       // qemu ignores it
    [InlineData("shift=5,rrsnapshot=s", "-icount shift=5,rrsnapshot=s: rrsnapshot= needs rr=record or rr=replay")]
    [InlineData("shift=5,rr=record,rrfile=r.rr,rrsnapshot=", "-icount shift=5,rr=record,rrfile=r.rr,rrsnapshot=: rrsnapshot= needs a snapshot name")]
    [InlineData("shift=auto,rr=record,rrfile=r.rr", "-icount shift=auto,rr=record,rrfile=r.rr: record/replay needs a fixed shift=N (0..10), not shift=auto")]
    [InlineData("rr=replay,rrfile=r.rr", "-icount rr=replay,rrfile=r.rr: record/replay needs a fixed shift=N (0..10)")] // qemu: "Please enable icount to use record/replay"
    public void Bad_icount_record_replay(string value, string message) => Assert.Equal(message, Error("-icount", value));

    // ---- logging, name ----

    [Fact]
    public void Log_items_and_file()
    {
        var o = Parse("-d", "in_asm,int,exec,cpu,guest_errors,unimp,pcall", "-D", "/tmp/log");
        Assert.Equal(LogItems.InAsm | LogItems.Int | LogItems.Exec | LogItems.Cpu | LogItems.GuestErrors | LogItems.Unimp | LogItems.Pcall, o.LogItems);
        Assert.Equal("/tmp/log", o.LogFile);
        Assert.Equal(LogItems.Int, Parse("-d", "cpu", "-d", "int").LogItems);
        Assert.Equal(HostAction.ListLogItems, Parse("-d", "help").Action);
    }

    [Fact]
    public void Unknown_log_items_print_the_list_as_qemu_does()
    {
        var e = Assert.Throws<CommandLineException>(() => Parse("-d", "in_asm,bar"));
        Assert.Equal("-d in_asm,bar: unknown log item 'bar'", e.Message);
        // QEMU's layout: a title line, then each item padded to 15 columns and its description.
        Assert.StartsWith("Log items (comma separated):\nin_asm          disassemble", e.Usage);
        var m = Assert.Throws<CommandLineException>(() => Parse("-d", "mmu"));
        Assert.Equal("-d mmu: log item 'mmu' not supported by hexemu", m.Message);
        Assert.NotNull(m.Usage);
    }

    [Fact]
    public void Name()
    {
        Assert.Equal("guest1", Parse("-name", "guest1").Name);
        Assert.Equal("a,b", Parse("-name", "guest=a,,b,debug-threads=on").Name);
        Assert.Equal("-name g,foo=1: Invalid parameter 'foo'", Error("-name", "g,foo=1"));
    }

    [Fact]
    public void Help_text_mentions_every_supported_option()
    {
        foreach (string option in (string[])["-machine", "-cpu", "-m", "-smp", "-kernel", "-append", "-initrd", "-bios", "-serial",
                     "-chardev", "-debugcon", "-monitor", "-nographic", "-display", "-nodefaults", "-no-reboot", "-no-shutdown",
                     "-device", "-drive", "-hda", "-net", "-nic", "-rtc", "-icount", "-d ", "-D ", "-name", "-version", "-h"])
            Assert.Contains(option, HelpText.Usage);
    }
}
