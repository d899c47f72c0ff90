using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>
/// One entry of the command table: its names ("cont|c": the first is the name, the rest aliases), its
/// parameter synopsis and help text as `help` prints them ("cont|c  -- resume emulation"), and the
/// handler, which parses the rest of the line from <see cref="CommandLine.Position"/>.
/// </summary>
internal sealed record MonitorCommand(string Names, string Parameters, string Help, Action<CommandLine, StringBuilder> Run)
{
    public bool IsNamed(string name) => Names.Split('|').Contains(name, StringComparer.Ordinal);

    public string HelpLine => $"{Names} {Parameters} -- {Help}\n";
}

/// <summary>A command line being parsed: the text, the read position, and the help path for error hints.</summary>
internal sealed class CommandLine(string text, int position, string helpPath, string tableName)
{
    public string Text { get; } = text;
    public int Position { get; set; } = position;

    /// <summary>What "Try \"help …\"" names: "x", "info status".</summary>
    public string HelpPath { get; } = helpPath;

    /// <summary>The command's table names, used by QEMU in "stop|s: extraneous characters at the end of line".</summary>
    public string TableName { get; } = tableName;

    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return Position >= Text.Length;
        }
    }

    public void SkipSpaces()
    {
        while (Position < Text.Length && char.IsWhiteSpace(Text[Position]))
            Position++;
    }

    /// <summary>Fails with QEMU's message when anything but spaces is left.</summary>
    public void ExpectEnd()
    {
        if (!AtEnd)
            throw new MonitorCommandException($"{TableName}: extraneous characters at the end of line");
    }

    /// <summary>Reads a word up to the next space (a device name), or null at the end.</summary>
    public string? ReadWord()
    {
        SkipSpaces();
        int start = Position;
        while (Position < Text.Length && !char.IsWhiteSpace(Text[Position]))
            Position++;
        return Position > start ? Text[start..Position] : null;
    }

    /// <summary>Reads a command name: up to a space or a '/', so that "x/4x 0" names "x".</summary>
    public string ReadCommandName()
    {
        SkipSpaces();
        int start = Position;
        while (Position < Text.Length && Text[Position] != '/' && !char.IsWhiteSpace(Text[Position]))
            Position++;
        return Text[start..Position];
    }
}
