using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// Replays a monitor session captured from qemu-system-i386 7.2: lines starting with "&gt;&gt;&gt; " are the
/// commands typed, the lines after each one are what QEMU printed (echo and "\r" stripped). The commands
/// run in order through one interpreter, so remembered /fmt defaults carry over exactly as they did in QEMU.
/// </summary>
internal static class Transcript
{
    public static void Replay(MonitorInterpreter monitor, string transcript)
    {
        var steps = Parse(transcript);
        Assert.NotEmpty(steps);
        foreach (var (command, expected) in steps)
        {
            string actual = monitor.Execute(command);
            Assert.True(expected == actual, $"after '{command}'\nexpected:\n{expected}\nactual:\n{actual}");
        }
    }

    private static List<(string Command, string Output)> Parse(string transcript)
    {
        var steps = new List<(string, string)>();
        string? command = null;
        var output = new System.Text.StringBuilder();
        foreach (string line in transcript.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.StartsWith(">>> ", StringComparison.Ordinal))
            {
                if (command is not null)
                    steps.Add((command, output.ToString()));
                command = line[4..];
                output.Clear();
            }
            else if (command is not null)
            {
                output.Append(line).Append('\n');
            }
        }
        if (command is not null)
            steps.Add((command, output.ToString()));
        return steps;
    }
}
