using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.LiteDb;

/// <summary>
/// The database file and LiteDB's write-ahead log beside it ("name-log.db", as LiteDB itself names
/// it), both opened by us with <see cref="FileShare.None"/> and handed to LiteDB as streams.
/// Why not let LiteDB open the file: in its direct mode it opens the file with FileShare.Read,
/// which on Linux .NET turns into a shared flock, so a second writer (another process, or another
/// store in this one) would open the same file and the two would corrupt it; its shared mode
/// serialises writers with a named mutex per operation but lets both write, and reopens the file
/// on every call. An exclusive open is an OS lock (flock LOCK_EX on Unix, a deny-share open on
/// Windows) that a second opener fails at once, and that the OS drops if the holder dies.
/// </summary>
internal sealed class DatabaseFile : IDisposable
{
    /// <summary>LiteDB 5's page size and where its header page says what the file is.</summary>
    private const int PageSize = 8192;
    private const int HeaderInfoOffset = 32;
    private static readonly byte[] HeaderInfo = Encoding.ASCII.GetBytes("** This is a LiteDB file **");

    public string Path { get; }
    public FileStream Data { get; }
    public FileStream Log { get; }
    private readonly string logPath;

    private DatabaseFile(string path, string logPath, FileStream data, FileStream log)
    {
        Path = path;
        this.logPath = logPath;
        Data = data;
        Log = log;
    }

    public static DatabaseFile Open(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
            throw new SnapshotStoreException($"Cannot open snapshot database '{path}': directory '{directory}' does not exist");
        if (Directory.Exists(fullPath))
            throw new SnapshotStoreException($"Cannot open snapshot database '{path}': it is a directory");

        var data = OpenExclusive(path, fullPath);
        try
        {
            RefuseWhatIsNotLiteDb(path, data);
            // LiteDB's own name for its log, so a crash leaves what LiteDB tools would look for.
            string logPath = System.IO.Path.Combine(directory ?? "", System.IO.Path.GetFileNameWithoutExtension(fullPath) + "-log" + System.IO.Path.GetExtension(fullPath));
            var log = OpenExclusive(path, logPath);
            return new DatabaseFile(path, logPath, data, log);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// No buffering (bufferSize 0): every page LiteDB writes reaches the OS before its call returns,
    /// so a committed save survives the process being killed.
    /// </summary>
    private static FileStream OpenExclusive(string path, string file)
    {
        try
        {
            return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.RandomAccess);
        }
        catch (UnauthorizedAccessException)
        {
            throw new SnapshotStoreException($"Cannot open snapshot database '{path}': permission denied for '{file}'");
        }
        catch (IOException e) when (File.Exists(file) && IsLockedElsewhere(e))
        {
            throw new SnapshotStoreException($"Snapshot database '{path}' is open for writing by another process or store; only one writer at a time");
        }
        catch (IOException e)
        {
            throw new SnapshotStoreException($"Cannot open snapshot database '{path}': {OneLine(e.Message)}");
        }
    }

    /// <summary>ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION, which .NET also reports on Unix when the flock is held.</summary>
    private static bool IsLockedElsewhere(IOException e) =>
        (e.HResult & 0xFFFF) is 32 or 33 || e.HResult == 11 /* EWOULDBLOCK */;

    /// <summary>
    /// LiteDB would "repair" a file whose length is not a whole number of pages by cutting it, and
    /// would overwrite an empty header: a file that is not a LiteDB database must be refused before
    /// LiteDB sees it, unchanged.
    /// </summary>
    private static void RefuseWhatIsNotLiteDb(string path, FileStream data)
    {
        if (data.Length == 0) return;
        var header = new byte[HeaderInfoOffset + HeaderInfo.Length];
        data.Position = 0;
        int read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (data.Length < PageSize || read < header.Length || !header.AsSpan(HeaderInfoOffset).SequenceEqual(HeaderInfo))
            throw new SnapshotStoreException($"'{path}' is not a LiteDB database (or is encrypted); refusing to use it as a snapshot database");
        data.Position = 0;
    }

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>LiteDB leaves an empty log after its closing checkpoint; like LiteDB's own file mode, remove it then.</summary>
    public void Dispose()
    {
        // The data file's lock is still held, so nobody else can be using the log in between.
        bool logIsEmpty = Log.Length == 0;
        Log.Dispose();
        if (logIsEmpty) File.Delete(logPath);
        Data.Dispose();
    }
}
