namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// A local file could not be read or written during a transfer. Kept apart from the SDK's
/// failures, which are I/O exceptions too: a full disk must not read as "the connection broke".
/// </summary>
internal sealed class LocalFileException(string path, string doing, Exception inner)
    : Exception($"could not {doing} '{path}': {Reason(inner)}", inner)
{
    /// <summary>Whether the file was there to be deleted: false when creating it failed (it may be someone else's).</summary>
    public bool Created { get; } = doing != "create";

    public static T Wrap<T>(string path, string doing, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalFileException(path, doing, e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message.Split('\n', 2)[0].Trim(),
    };
}
