using HexEmu.Domain.Diagnostics;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>Keeps everything logged, for tests to look at line by line.</summary>
internal sealed class RecordingLogSink : ILogSink
{
    private readonly System.Text.StringBuilder _text = new();

    public int Writes { get; private set; }

    public void Write(string text)
    {
        Writes++;
        _text.Append(text);
    }

    public string Text => _text.ToString();

    /// <summary>The lines logged, without their newlines (the last, empty one after the final newline dropped).</summary>
    public string[] Lines
    {
        get
        {
            var lines = Text.Split('\n');
            return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
        }
    }
}
