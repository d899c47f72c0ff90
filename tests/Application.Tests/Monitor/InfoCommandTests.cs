using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// The info subcommands. Expected texts are QEMU 7.2's output (commands noted per test), with the fake
/// target describing the same machine.
/// </summary>
public class InfoCommandTests
{
    private readonly FakeMonitorTarget _target = new();

    private string Run(string command) => new MonitorInterpreter(_target).Execute(command);

    [Theory]
    // qemu-system-i386 -bios spin.rom -monitor stdio: before and after `stop`.
    [InlineData(MonitorRunState.Running, "VM status: running\n")]
    [InlineData(MonitorRunState.Paused, "VM status: paused\n")]
    // ... -S
    [InlineData(MonitorRunState.Prelaunch, "VM status: paused (prelaunch)\n")]
    // ... -bios tests/guests/triple.rom -no-reboot -no-shutdown, after the triple fault.
    [InlineData(MonitorRunState.Shutdown, "VM status: paused (shutdown)\n")]
    // The remaining qapi run states QEMU prints the same way.
    [InlineData(MonitorRunState.Debug, "VM status: paused (debug)\n")]
    [InlineData(MonitorRunState.InternalError, "VM status: paused (internal-error)\n")]
    [InlineData(MonitorRunState.GuestPanicked, "VM status: paused (guest-panicked)\n")]
    public void InfoStatusNamesTheRunState(MonitorRunState state, string expected)
    {
        _target.RunState = state;
        Assert.Equal(expected, Run("info status"));
    }

    [Theory]
    [InlineData(MonitorRunState.Shutdown)]
    [InlineData(MonitorRunState.InternalError)]
    [InlineData(MonitorRunState.GuestPanicked)]
    public void ContAfterShutdownAsksForAReset(MonitorRunState state)
    {
        // triple.rom -no-reboot -no-shutdown: `cont` after the shutdown.
        _target.RunState = state;
        Assert.Equal("Error: Resetting the Virtual Machine is required\n", Run("cont"));
        Assert.Empty(_target.Calls);
    }

    [Fact]
    public void ContFromPrelaunchStartsTheMachine()
    {
        _target.RunState = MonitorRunState.Prelaunch;
        Assert.Equal("", Run("c"));
        Assert.Equal(["cont"], _target.Calls);
    }

    [Fact]
    public void StopIsOnlyPassedOnWhileRunning()
    {
        var monitor = new MonitorInterpreter(_target);
        Assert.Equal("", monitor.Execute("s"));
        Assert.Equal("", monitor.Execute("stop"));
        _target.RunState = MonitorRunState.Shutdown;
        Assert.Equal("", monitor.Execute("stop"));
        Assert.Equal(["stop"], _target.Calls);
    }

    [Fact]
    public void QuitRequestsTheExitAndPrintsNothing()
    {
        var monitor = new MonitorInterpreter(_target);
        Assert.Equal("", monitor.Execute("quit"));
        Assert.True(monitor.QuitRequested);
        Assert.Equal(["quit"], _target.Calls);

        var second = new MonitorInterpreter(_target);
        Assert.Equal("", second.Execute("q"));
        Assert.True(second.QuitRequested);
    }

    [Fact]
    public void InfoRegistersPrintsTheCpuHeaderBeforeTheDump()
    {
        // QEMU: "info registers" prints an empty line and "CPU#0" before cpu_dump_state's text.
        _target.RegisterText = "EAX=0000f000 EBX=00000000 ECX=000016a2 EDX=00000663\nESI=0000001e EDI=00000000 EBP=00000000 ESP=00000000\n";
        string expected = "\nCPU#0\n" + _target.RegisterText;

        Assert.Equal(expected, Run("info registers"));
        Assert.Equal(expected, Run("info registers -a"));
        Assert.Equal(expected, Run("info registers 0"));
        Assert.Equal("CPU#1 not available\n", Run("info registers 1"));
        Assert.Equal("unsupported option -x\nTry \"help info registers\" for more information\n", Run("info registers -x"));
    }

    [Fact]
    public void InfoRegistersEndsTheDumpWithANewline()
    {
        _target.RegisterText = "EAX=00000000";
        Assert.Equal("\nCPU#0\nEAX=00000000\n", Run("info registers"));
    }

    [Fact]
    public void InfoCpusShowsTheOneCpuAsCurrent()
    {
        // qemu-system-i386 ... -monitor stdio: "info cpus".
        Assert.Equal("* CPU #0: thread_id=25605\n", Run("info cpus"));
    }

    [Fact]
    public void InfoLapicPrintsTheLocalApicsDumpOrSaysThereIsNone()
    {
        // QEMU without a local APIC (-cpu 486): "local apic state not available".
        Assert.Equal("local apic state not available\n", Run("info lapic"));
        _target.LocalApicText = "dumping local APIC state for CPU 0 \n\nLVT0\t 0x00000700 …\n";
        Assert.Equal(_target.LocalApicText, Run("info lapic"));
    }

    [Fact]
    public void InfoVersionPrintsTheVersion()
    {
        Assert.Equal("0.1.0\n", Run("info version"));
        Assert.Equal("HexEmu 0.1.0 monitor - type 'help' for more information\n", new MonitorInterpreter(_target).Banner);
    }

    [Fact]
    public void InfoChardevListsIdAndFilename()
    {
        // qemu-system-i386 -bios spin.rom -display none -monitor stdio -nodefaults -serial file:/tmp/mon/ser.txt
        //   -serial null -chardev socket,id=s0,path=/tmp/mon/sock,server=on,wait=off -serial chardev:s0
        //   -serial tcp:127.0.0.1:4556,server=on,wait=off   (QEMU lists them in hash order; we keep the target's)
        _target.Chardevs =
        [
            new("serial3", "disconnected:tcp:127.0.0.1:4556,server=on"),
            new("serial1", "null"),
            new("s0", "disconnected:unix:/tmp/mon/sock,server=on"),
            new("compat_monitor0", "stdio"),
            new("serial0", "file"),
        ];
        const string qemu = """
            serial3: filename=disconnected:tcp:127.0.0.1:4556,server=on
            serial1: filename=null
            s0: filename=disconnected:unix:/tmp/mon/sock,server=on
            compat_monitor0: filename=stdio
            serial0: filename=file

            """;
        Assert.Equal(qemu, Run("info chardev"));
    }

    [Fact]
    public void InfoBlockListsDrivesSeparatedByBlankLines()
    {
        // qemu-system-i386 ... -nodefaults -drive file=disk.img,format=raw,if=ide,index=0
        //   -drive file=disk2.img,format=raw,if=ide,index=2,media=disk -drive file=disk.img,format=raw,if=none,id=foo,readonly=on
        _target.BlockDevices =
        [
            new("ide0-hd0", "#block148", "disk.img", "raw", false, "/machine/unattached/device[22]"),
            new("ide1-hd0", "#block387", "disk2.img", "raw", false, "/machine/unattached/device[23]"),
            new("foo", "#block546", "disk.img", "raw", true, null),
        ];
        const string qemu = """
            ide0-hd0 (#block148): disk.img (raw)
                Attached to:      /machine/unattached/device[22]
                Cache mode:       writeback

            ide1-hd0 (#block387): disk2.img (raw)
                Attached to:      /machine/unattached/device[23]
                Cache mode:       writeback

            foo (#block546): disk.img (raw, read-only)
                Removable device: not locked, tray closed
                Cache mode:       writeback

            """;
        Assert.Equal(qemu, Run("info block"));
        Assert.Equal(string.Join('\n', qemu.Split('\n')[4..7]) + "\n", Run("info block ide1-hd0"));
        Assert.Equal("", Run("info block nosuch"));
    }

    [Fact]
    public void InfoBlockWithoutDrivesPrintsNothing() => Assert.Equal("", Run("info block"));

    [Fact]
    public void InfoMtreePrintsEachAddressSpaceAsATree()
    {
        // Lines taken from qemu-system-i386 -M isapc -nodefaults ... "info mtree" (regions we model; QEMU's
        // aliases are left out). Children are given out of order: the monitor sorts them by address, and
        // the higher priority first at equal addresses (QEMU's pc machine: pc.ram prio 0 before pci prio -1).
        _target.MemoryTree =
        [
            new("memory", new MtreeRegion("system", 0, ulong.MaxValue, MtreeRegionKind.Io, 0,
            [
                new("pc.bios", 0xFFFF0000, 0xFFFFFFFF, MtreeRegionKind.Ram),
                new("pci", 0, ulong.MaxValue, MtreeRegionKind.Io, -1),
                new("pc.rom", 0xC0000, 0xDFFFF, MtreeRegionKind.Ram, 1),
                new("pc.ram", 0, 0x7FFFFFF, MtreeRegionKind.Ram),
            ])),
            new("I/O", new MtreeRegion("io", 0, 0xFFFF, MtreeRegionKind.Io, 0,
            [
                new("pic", 0x20, 0x21, MtreeRegionKind.Io),
                new("dma-chan", 0, 7, MtreeRegionKind.Io),
                new("rtc", 0x70, 0x71, MtreeRegionKind.Io, 0, [new("rtc-index", 0x70, 0x70, MtreeRegionKind.Io)]),
                new("pit", 0x40, 0x43, MtreeRegionKind.Io),
            ])),
        ];
        const string expected = """
            address-space: memory
              0000000000000000-ffffffffffffffff (prio 0, i/o): system
                0000000000000000-0000000007ffffff (prio 0, ram): pc.ram
                0000000000000000-ffffffffffffffff (prio -1, i/o): pci
                00000000000c0000-00000000000dffff (prio 1, ram): pc.rom
                00000000ffff0000-00000000ffffffff (prio 0, ram): pc.bios

            address-space: I/O
              0000000000000000-000000000000ffff (prio 0, i/o): io
                0000000000000000-0000000000000007 (prio 0, i/o): dma-chan
                0000000000000020-0000000000000021 (prio 0, i/o): pic
                0000000000000040-0000000000000043 (prio 0, i/o): pit
                0000000000000070-0000000000000071 (prio 0, i/o): rtc
                  0000000000000070-0000000000000070 (prio 0, i/o): rtc-index


            """;
        Assert.Equal(expected, Run("info mtree"));
    }

    [Fact]
    public void InfoMtreeNamesRomAndRomDeviceKinds()
    {
        _target.MemoryTree = [new("memory", new MtreeRegion("system", 0, ulong.MaxValue, MtreeRegionKind.Io, 0,
            [new("isa-bios", 0xF0000, 0xFFFFF, MtreeRegionKind.Rom, 1), new("flash", 0xFFFF0000, 0xFFFFFFFF, MtreeRegionKind.RomDevice)]))];
        string output = Run("info mtree");
        Assert.Contains("00000000000f0000-00000000000fffff (prio 1, rom): isa-bios\n", output);
        Assert.Contains("00000000ffff0000-00000000ffffffff (prio 0, romd): flash\n", output);
    }
}
