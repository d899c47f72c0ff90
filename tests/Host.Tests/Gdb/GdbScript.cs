using System.Globalization;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The commands one gdb batch session runs after connecting, with markers the tests read back:
/// a <see cref="Section"/> names the output of the commands after it, a <see cref="Probe"/>
/// prints values on a line of their own ("@@label …"), so nothing depends on the layout of
/// gdb's own messages except where a test asserts exactly that message.
/// </summary>
public sealed class GdbScript
{
    /// <summary>Starts every marker line; gdb itself never prints it.</summary>
    public const string MarkerPrefix = "@@";

    private readonly List<string> _commands = [];

    public IReadOnlyList<string> Commands => _commands;

    /// <summary>Any gdb command.</summary>
    public GdbScript Run(string command)
    {
        _commands.Add(command);
        return this;
    }

    /// <summary>Each of <paramref name="commands"/> in turn.</summary>
    public GdbScript Run(params string[] commands)
    {
        _commands.AddRange(commands);
        return this;
    }

    /// <summary>Marks where the output of section <paramref name="name"/> starts (it ends at the next marker).</summary>
    public GdbScript Section(string name)
    {
        _commands.Add($"echo \\n{MarkerPrefix}>{name}\\n");
        return this;
    }

    /// <summary>
    /// Prints "@@<paramref name="label"/> " and then <paramref name="format"/> (gdb's printf
    /// format) applied to <paramref name="expressions"/>, on one line.
    /// </summary>
    public GdbScript Probe(string label, string format, params string[] expressions)
    {
        string args = expressions.Length == 0 ? "" : ", " + string.Join(", ", expressions);
        _commands.Add($"printf \"\\n{MarkerPrefix}{label} {format}\\n\"{args}");
        return this;
    }

    /// <summary>Probes $pc as 8 hex digits under <paramref name="label"/>.</summary>
    public GdbScript ProbePc(string label = "pc") => Probe(label, "%08x", "$pc");

    /// <summary>
    /// Probes where gdb stands: "@@where PC FUNCTION LINE" (LINE 0 when there is no line
    /// information), with gdb's Python API so the values are exact.
    /// </summary>
    public GdbScript ProbeWhere(string label = "where") =>
        Run("python f = gdb.selected_frame(); sal = f.find_sal(); " +
            $"print('\\n{MarkerPrefix}{label} %08x %s %d' % (f.pc(), f.name() or '?', sal.line if sal.symtab else 0))");

    /// <summary>
    /// Runs `monitor <paramref name="command"/>` and prints its output as section
    /// <paramref name="section"/>. gdb writes a monitor command's output to stderr, apart from
    /// everything else; captured through Python it lands in stdout in its place.
    /// </summary>
    public GdbScript Monitor(string section, string command)
    {
        string literal = "\"monitor " + command.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return Run($"python print('\\n{MarkerPrefix}>{section}\\n' + gdb.execute({literal}, to_string=True))");
    }

    /// <summary>Probes the value of a C expression (a decimal integer) under <paramref name="label"/>.</summary>
    public GdbScript ProbeInt(string label, string expression) => Probe(label, "%d", expression);

    public static string Hex(uint value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
