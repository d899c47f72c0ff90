using HexEmu.Application.Ports;
using LiteDB;

namespace HexEmu.Adapters.LiteDb;

/// <summary>One lock around every operation (LiteDB transactions belong to a thread), and LiteDB's and the file system's errors as one-line <see cref="SnapshotStoreException"/>s that name the file.</summary>
public sealed partial class LiteDbSnapshotStore
{
    private void Run(Action action) => Run(() => { action(); return 0; });

    private T Run<T>(Func<T> action)
    {
        lock (gate)
        {
            EnsureOpen();
            try
            {
                return action();
            }
            catch (Exception e) when (IsStorageFailure(e))
            {
                throw Failure(e);
            }
        }
    }

    private void Transact(Action action)
    {
        database.BeginTrans();
        try
        {
            action();
            database.Commit();
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(disposed, this);

    private static bool IsStorageFailure(Exception e) => e is LiteException or IOException or InvalidCastException;

    private SnapshotStoreException Failure(Exception e) =>
        new($"Snapshot database '{Path}': {DatabaseFile.OneLine(e.Message)}");
}
