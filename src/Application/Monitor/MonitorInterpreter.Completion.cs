namespace HexEmu.Application.Monitor;

/// <summary>Tab completion, as QEMU's monitor does it: the command name, and the subcommand after `info`.</summary>
public sealed partial class MonitorInterpreter
{
    /// <summary>The candidates for the word being typed at the end of <paramref name="textBeforeCursor"/>.</summary>
    internal LineCompletion Complete(string textBeforeCursor)
    {
        var words = textBeforeCursor.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        // A line ending in a space means the next word is being started.
        if (textBeforeCursor.Length > 0 && char.IsWhiteSpace(textBeforeCursor[^1]))
            words.Add("");

        if (words.Count <= 1)
            return NamesStartingWith(_commands, words.Count == 0 ? "" : words[0]);
        if (words.Count == 2 && Find(_commands, words[0])?.Names == "info")
            return NamesStartingWith(_infoCommands, words[1]);
        return LineCompletion.None;
    }

    /// <summary>Every name and alias in table order ("cont", then "c") that starts with <paramref name="prefix"/>.</summary>
    private static LineCompletion NamesStartingWith(MonitorCommand[] table, string prefix)
    {
        var names = table.SelectMany(c => c.Names.Split('|'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
        return new LineCompletion(names, prefix.Length);
    }
}
