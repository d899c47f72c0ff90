using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>The top-level commands, in the alphabetical order `help` lists them (as QEMU sorts its table).</summary>
public sealed partial class MonitorInterpreter
{
    private MonitorCommand[] CreateCommands() =>
    [
        new("cont|c", "", "resume emulation", NoArguments(Continue)),
        new("delvm", "tag", "delete a VM snapshot from its tag", DelVm),
        new("help|?", "[cmd]", "show the help", Help),
        new("info", "[subcommand]", "show various information about the system state", Info),
        new("loadvm", "tag", "restore a VM snapshot from its tag", LoadVm),
        new("quit|q", "", "quit the emulator", NoArguments(Quit)),
        new("replay_break", "icount", "set breakpoint at the specified instruction count", ReplayBreak),
        new("replay_delete_break", "", "remove replay breakpoint", NoArguments(ReplayDeleteBreak)),
        new("replay_seek", "icount", "replay execution to the specified instruction count", ReplaySeek),
        new("savevm", "[tag]", "save a VM snapshot. If no tag is provided, a new snapshot is created", SaveVm),
        new("stop|s", "", "stop emulation", NoArguments(Stop)),
        new("system_reset", "", "reset the system", NoArguments(_ => _target.SystemReset())),
        new("x", "/fmt addr", "virtual memory dump starting at 'addr'", (line, output) => Dump(line, output, physical: false)),
        new("xp", "/fmt addr", "physical memory dump starting at 'addr'", (line, output) => Dump(line, output, physical: true)),
    ];

    private static Action<CommandLine, StringBuilder> NoArguments(Action<StringBuilder> run) => (line, output) =>
    {
        line.ExpectEnd();
        run(output);
    };

    private void Continue(StringBuilder output)
    {
        if (_target.RunState.NeedsReset())
        {
            output.Append("Error: Resetting the Virtual Machine is required\n");
            return;
        }
        _target.Continue();
    }

    private void Stop(StringBuilder output)
    {
        if (_target.RunState == MonitorRunState.Running)
            _target.Stop();
    }

    private void Quit(StringBuilder output)
    {
        QuitRequested = true;
        _target.RequestQuit();
    }

    /// <summary>`help [cmd]`: every command, or one ("help c", "help info status"); words after the command are ignored, as in QEMU.</summary>
    private void Help(CommandLine line, StringBuilder output)
    {
        string? name = line.ReadWord();
        if (name is null)
        {
            foreach (var command in _commands)
                output.Append(command.HelpLine);
            return;
        }

        var found = Find(_commands, name);
        if (found is null)
        {
            output.Append("unknown command: '").Append(name).Append("'\n");
            return;
        }
        if (found.Names != "info")
        {
            output.Append(found.HelpLine);
            return;
        }

        string? sub = line.ReadWord();
        if (sub is null)
        {
            ListInfoCommands(output);
            return;
        }
        var info = Find(_infoCommands, sub);
        if (info is null)
            output.Append("unknown command: 'info ").Append(sub).Append("'\n");
        else
            output.Append("info ").Append(info.HelpLine);
    }

    /// <summary>`info [subcommand]`: without one, the list of subcommands.</summary>
    private void Info(CommandLine line, StringBuilder output)
    {
        if (line.AtEnd)
        {
            ListInfoCommands(output);
            return;
        }
        string name = line.ReadCommandName();
        var command = Find(_infoCommands, name);
        if (command is null)
        {
            output.Append("unknown command: 'info ").Append(name).Append("'\n");
            return;
        }
        RunParsed(command, new CommandLine(line.Text, line.Position, "info " + name, command.Names), output);
    }

    private void ListInfoCommands(StringBuilder output)
    {
        foreach (var command in _infoCommands)
            output.Append("info ").Append(command.HelpLine);
    }

    /// <summary>`x /fmt addr` (linear address, 32 bits) and `xp /fmt addr` (physical, 64 bits).</summary>
    private void Dump(CommandLine line, StringBuilder output, bool physical)
    {
        int pos = line.Position;
        var format = _dumpFormat.Parse(line.Text, ref pos);
        line.Position = pos;
        long address = ParseExpression(line);
        line.ExpectEnd();
        MemoryDump.Write(output, format, physical ? (ulong)address : (uint)address, physical, _target);
    }
}
