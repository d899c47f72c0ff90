using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// Commands, help and argument errors against QEMU 7.2. The session below was captured with
/// <c>qemu-system-i386 -bios tests/guests/spin.rom -display none -monitor stdio</c>, commands typed in order.
/// </summary>
public class QemuCommandSessionTests
{
    private const string Session = """
>>> help c
cont|c  -- resume emulation
>>> help stop
stop|s  -- stop emulation
>>> help x
x /fmt addr -- virtual memory dump starting at 'addr'
>>> help x y
x /fmt addr -- virtual memory dump starting at 'addr'
>>> help foo
unknown command: 'foo'
>>> help info status
info status  -- show the current VM status (running|paused)
>>> help info foo
unknown command: 'info foo'
>>> info foo
unknown command: 'info foo'
>>> info status extra
status: extraneous characters at the end of line
Try "help info status" for more information
>>> stop 1
stop|s: extraneous characters at the end of line
Try "help stop" for more information
>>> cont 1
cont|c: extraneous characters at the end of line
Try "help cont" for more information
>>> q 1
quit|q: extraneous characters at the end of line
Try "help q" for more information
>>> system_reset 1
system_reset: extraneous characters at the end of line
Try "help system_reset" for more information
>>> info registers extra
invalid char 'e' in expression
Try "help info registers" for more information
>>> info registers 1
CPU#1 not available
>>> info cpus 1
cpus: extraneous characters at the end of line
Try "help info cpus" for more information
>>> info version 1
version: extraneous characters at the end of line
Try "help info version" for more information
>>> info chardev x
chardev: extraneous characters at the end of line
Try "help info chardev" for more information
>>> info mtree x
mtree: extraneous characters at the end of line
Try "help info mtree" for more information
>>>   info   status  
VM status: running
>>> INFO STATUS
unknown command: 'INFO'
>>> 
>>>    
>>> stop
>>> stop
>>> info status
VM status: paused
>>> cont
>>> cont
>>> info status
VM status: running
>>> system_reset
""";

    [Fact]
    public void CommandsAndErrorsPrintWhatQemuPrinted()
    {
        var target = new FakeMonitorTarget { RunState = MonitorRunState.Running };

        Transcript.Replay(new MonitorInterpreter(target), Session);

        // stop while paused does nothing; cont while running is passed on (harmless), as QEMU's qmp_cont.
        Assert.Equal(["stop", "cont", "cont", "system_reset"], target.Calls);
    }

    /// <summary>QEMU's `help` lines for the commands HexEmu has, in QEMU's (sorted) order.</summary>
    [Fact]
    public void HelpListsTheSupportedCommandsInQemusWords()
    {
        const string qemuLines = """
            cont|c  -- resume emulation
            delvm tag -- delete a VM snapshot from its tag
            help|? [cmd] -- show the help
            info [subcommand] -- show various information about the system state
            loadvm tag -- restore a VM snapshot from its tag
            quit|q  -- quit the emulator
            replay_break icount -- set breakpoint at the specified instruction count
            replay_delete_break  -- remove replay breakpoint
            replay_seek icount -- replay execution to the specified instruction count
            savevm [tag] -- save a VM snapshot. If no tag is provided, a new snapshot is created
            stop|s  -- stop emulation
            system_reset  -- reset the system
            x /fmt addr -- virtual memory dump starting at 'addr'
            xp /fmt addr -- physical memory dump starting at 'addr'

            """;
        var monitor = new MonitorInterpreter(new FakeMonitorTarget());

        Assert.Equal(qemuLines, monitor.Execute("help"));
        Assert.Equal(qemuLines, monitor.Execute("?"));
    }

    /// <summary>
    /// `info` alone lists the subcommands. Where HexEmu takes the same arguments the line is QEMU's; block,
    /// lapic, mtree and version say only what HexEmu supports (no -n/-v, no apic-id (one CPU), no
    /// -f/-d/-o/-D, HexEmu's version).
    /// </summary>
    [Fact]
    public void InfoAloneListsTheSubcommands()
    {
        const string expected = """
            info block [device] -- show info of one block device or all block devices
            info chardev  -- show the character devices
            info cpus  -- show infos for each CPU
            info lapic  -- show local apic state
            info mtree  -- show memory tree
            info pic  -- show PIC state
            info registers [-a|vcpu] -- show the cpu registers (-a: show register info for all cpus; vcpu: specific vCPU to query; show the current CPU's registers if no argument is specified)
            info replay  -- show record/replay information
            info snapshots  -- show the currently saved VM snapshots
            info status  -- show the current VM status (running|paused)
            info version  -- show the version of HexEmu

            """;
        var monitor = new MonitorInterpreter(new FakeMonitorTarget());

        Assert.Equal(expected, monitor.Execute("info"));
        Assert.Equal(expected, monitor.Execute("help info"));
    }
}
