namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>A temporary directory with a database path in it; every store opened through it is disposed with it.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly List<LiteDbSnapshotStore> opened = [];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("hexemu-litedb-").FullName;
    public string Path => System.IO.Path.Combine(Directory, "snapshots.db");

    /// <summary>A new store over the file, after closing the previous one (a file has one writer at a time).</summary>
    public LiteDbSnapshotStore Reopen()
    {
        foreach (var store in opened) store.Dispose();
        var next = LiteDbSnapshotStore.Open(Path);
        opened.Add(next);
        return next;
    }

    public void CloseAll()
    {
        foreach (var store in opened) store.Dispose();
    }

    public void Dispose()
    {
        CloseAll();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
