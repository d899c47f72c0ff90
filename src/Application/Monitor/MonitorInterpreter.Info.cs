using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>The `info` subcommands, in the alphabetical order `info` lists them.</summary>
public sealed partial class MonitorInterpreter
{
    private MonitorCommand[] CreateInfoCommands() =>
    [
        new("block", "[device]", "show info of one block device or all block devices", InfoBlock),
        new("chardev", "", "show the character devices", NoArguments(InfoChardev)),
        new("cpus", "", "show infos for each CPU", NoArguments(InfoCpus)),
        new("lapic", "", "show local apic state", NoArguments(output => output.Append(_target.DumpLocalApic() ?? "local apic state not available\n"))),
        new("mtree", "", "show memory tree", NoArguments(InfoMtree)),
        new("pic", "", "show PIC state", NoArguments(output => output.Append(_target.DumpInterruptControllers()))),
        new("registers", "[-a|vcpu]",
            "show the cpu registers (-a: show register info for all cpus; vcpu: specific vCPU to query; " +
            "show the current CPU's registers if no argument is specified)", InfoRegisters),
        new("replay", "", "show record/replay information", NoArguments(InfoReplay)),
        new("snapshots", "", "show the currently saved VM snapshots", NoArguments(InfoSnapshots)),
        new("status", "", "show the current VM status (running|paused)", NoArguments(InfoStatus)),
        new("version", "", "show the version of HexEmu", NoArguments(output => output.Append(_target.Version).Append('\n'))),
    ];

    /// <summary>"VM status: running", "VM status: paused", or "VM status: paused (shutdown)" for the other stopped states.</summary>
    private void InfoStatus(StringBuilder output)
    {
        var state = _target.RunState;
        output.Append("VM status: ").Append(state == MonitorRunState.Running ? "running" : "paused");
        if (state is not (MonitorRunState.Running or MonitorRunState.Paused))
            output.Append(" (").Append(state.QemuName()).Append(')');
        output.Append('\n');
    }

    /// <summary>HexEmu has one CPU: "* CPU #0: thread_id=N" (the star marks the monitor's current CPU).</summary>
    private void InfoCpus(StringBuilder output) =>
        output.Append("* CPU #0: thread_id=").Append(_target.CpuThreadId).Append('\n');

    /// <summary>`info registers [-a|vcpu]`: QEMU prints "\nCPU#0\n" then the CPU's dump; another vCPU index is "not available".</summary>
    private void InfoRegisters(CommandLine line, StringBuilder output)
    {
        line.SkipSpaces();
        if (line.Position + 1 < line.Text.Length && line.Text[line.Position] == '-' && char.IsAsciiLetter(line.Text[line.Position + 1]))
        {
            char flag = line.Text[line.Position + 1];
            if (flag != 'a')
                throw new MonitorCommandException($"unsupported option -{flag}");
            line.Position += 2;
        }

        long? vcpu = line.AtEnd ? null : ParseExpression(line);
        line.ExpectEnd();
        if (vcpu is long index && index != 0)
        {
            output.Append("CPU#").Append(index).Append(" not available\n");
            return;
        }

        string dump = _target.DumpRegisters();
        output.Append("\nCPU#0\n").Append(dump);
        if (!dump.EndsWith('\n'))
            output.Append('\n');
    }

    private void InfoChardev(StringBuilder output)
    {
        foreach (var chardev in _target.Chardevs)
            output.Append(chardev.Id).Append(": filename=").Append(chardev.Filename).Append('\n');
    }

    /// <summary>`info block [device]`: each drive, separated by blank lines.</summary>
    private void InfoBlock(CommandLine line, StringBuilder output)
    {
        string? device = line.ReadWord();
        line.ExpectEnd();
        bool first = true;
        foreach (var drive in _target.BlockDevices)
        {
            if (device is not null && drive.Device != device)
                continue;
            if (!first)
                output.Append('\n');
            first = false;
            output.Append(drive.Device).Append(" (").Append(drive.NodeName).Append("): ").Append(drive.File)
                .Append(" (").Append(drive.Format).Append(drive.ReadOnly ? ", read-only)" : ")").Append('\n');
            if (drive.AttachedTo is not null)
                output.Append("    Attached to:      ").Append(drive.AttachedTo).Append('\n');
            else
                output.Append("    Removable device: not locked, tray closed\n");
            output.Append("    Cache mode:       writeback\n");
        }
    }

    /// <summary>`info mtree`: each address space as a tree, then a blank line.</summary>
    private void InfoMtree(StringBuilder output)
    {
        foreach (var space in _target.MemoryTree)
        {
            output.Append("address-space: ").Append(space.Name).Append('\n');
            AppendRegion(output, space.Root, 1);
            output.Append('\n');
        }
    }

    private static void AppendRegion(StringBuilder output, MtreeRegion region, int depth)
    {
        output.Append(' ', depth * 2)
            .Append(region.Start.ToString("x16")).Append('-').Append(region.End.ToString("x16"))
            .Append(" (prio ").Append(region.Priority).Append(", ").Append(KindName(region.Kind)).Append("): ")
            .Append(region.Name).Append('\n');
        if (region.Children is null)
            return;
        // QEMU lists subregions by address, the higher priority first where two start together.
        foreach (var child in region.Children.OrderBy(c => c.Start).ThenByDescending(c => c.Priority))
            AppendRegion(output, child, depth + 1);
    }

    private static string KindName(MtreeRegionKind kind) => kind switch
    {
        MtreeRegionKind.Ram => "ram",
        MtreeRegionKind.Rom => "rom",
        MtreeRegionKind.RomDevice => "romd",
        _ => "i/o",
    };
}
