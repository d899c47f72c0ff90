using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>
/// The human monitor's command interpreter (QEMU's HMP subset): executes one command line against an
/// <see cref="IMonitorTarget"/> and returns what QEMU would print, lines ended by '\n'. It never throws:
/// a bad command yields QEMU's error line. Not thread-safe; call it where the target may be touched.
/// </summary>
public sealed partial class MonitorInterpreter
{
    /// <summary>QEMU's monitor prompt.</summary>
    public const string Prompt = "(qemu) ";

    private readonly IMonitorTarget _target;
    private readonly DumpFormatState _dumpFormat = new();
    private readonly MonitorCommand[] _commands;
    private readonly MonitorCommand[] _infoCommands;

    public MonitorInterpreter(IMonitorTarget target)
    {
        _target = target;
        _commands = CreateCommands();
        _infoCommands = CreateInfoCommands();
    }

    /// <summary>The greeting QEMU prints when the monitor opens, in its shape: "HexEmu 0.1.0 monitor - type 'help' for more information\n".</summary>
    public string Banner => $"HexEmu {_target.Version} monitor - type 'help' for more information\n";

    /// <summary>True once `quit` ran: the session stops reading commands.</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>Runs one command line (without its line end) and returns its output ('\n' line ends, possibly empty).</summary>
    public string Execute(string line)
    {
        var output = new StringBuilder();
        try
        {
            Dispatch(line, output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault in the target (or a bug here) must not take the monitor down: end any partial line and
            // report it as QEMU reports errors.
            if (output.Length > 0 && output[^1] != '\n')
                output.Append('\n');
            output.Append("Error: ").Append(e.Message).Append('\n');
        }
        return output.ToString();
    }

    private void Dispatch(string line, StringBuilder output)
    {
        var parser = new CommandLine(line, 0, "", "");
        string name = parser.ReadCommandName();
        if (name.Length == 0)
            return;

        var command = Find(_commands, name);
        if (command is null)
        {
            output.Append("unknown command: '").Append(name).Append("'\n");
            return;
        }

        // QEMU's hint repeats the name as typed: "q 1" suggests "help q".
        RunParsed(command, new CommandLine(line, parser.Position, name, command.Names), output);
    }

    /// <summary>Runs a handler; an argument error prints QEMU's message and its "Try help" hint.</summary>
    private static void RunParsed(MonitorCommand command, CommandLine line, StringBuilder output)
    {
        try
        {
            command.Run(line, output);
        }
        catch (MonitorCommandException e)
        {
            output.Append(e.Message).Append('\n');
            output.Append("Try \"help ").Append(line.HelpPath).Append("\" for more information\n");
        }
    }

    private static MonitorCommand? Find(MonitorCommand[] table, string name) =>
        Array.Find(table, c => c.IsNamed(name));

    private long ParseExpression(CommandLine line)
    {
        int pos = line.Position;
        long value = ExpressionParser.Parse(line.Text, ref pos, name => RegisterNames.Read(_target, name));
        line.Position = pos;
        return value;
    }
}
