namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// Where diagnostic log text goes (`-d ITEMS`, `-D FILE`). The Domain only formats lines; the
/// host decides whether they end up in a file or on stderr, and when they are flushed.
/// </summary>
public interface ILogSink
{
    /// <summary>Appends <paramref name="text"/> (one or more complete lines, each ending in '\n').</summary>
    void Write(string text);
}
