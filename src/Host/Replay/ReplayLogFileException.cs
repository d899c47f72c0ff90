namespace HexEmu.Host.Replay;

/// <summary>
/// A replay log file that cannot be created, opened or written: one line naming the path and the
/// reason ("could not open replay log 'x.rr': No such file or directory"). An IOException, so the
/// CLI prints it like any other host I/O failure.
/// </summary>
public sealed class ReplayLogFileException(string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>"could not {verb} replay log 'path': reason", the reason said as the OS says it where we can tell.</summary>
    public static ReplayLogFileException For(string verb, string path, Exception e) =>
        new($"could not {verb} replay log '{path}': {Reason(path, e)}", e);

    private static string Reason(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        IOException when Directory.Exists(path) => "Is a directory",
        _ => e.Message,
    };
}
