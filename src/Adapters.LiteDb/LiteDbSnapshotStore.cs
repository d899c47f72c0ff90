using HexEmu.Application.Ports;
using LiteDB;
using LiteDB.Engine;

namespace HexEmu.Adapters.LiteDb;

/// <summary>
/// VM snapshots and reverse-debugging checkpoints in one LiteDB file (issue 7). States are stored
/// as content-addressed 8 KiB chunks (<see cref="ChunkStore"/>), so pages that did not change
/// between snapshots are kept once; checkpoints are keyed by (recording, icount) so that the
/// nearest one at or before an icount is one index seek. Only one store may have a file open at
/// a time (<see cref="DatabaseFile"/>): a second one, in this process or another, is refused at
/// once. Snapshot ids are QEMU-like ("1", "2", …) and never reused within a database. The store
/// holds bytes only: the VM state already carries the disks' written sectors, so
/// <see cref="RestoreDisks"/> only checks that the snapshot exists.
/// </summary>
public sealed partial class LiteDbSnapshotStore : ISnapshotStore, ICheckpointStore, IDisposable
{
    private readonly DatabaseFile file;
    private readonly LiteDatabase database;
    private readonly ILiteCollection<BsonDocument> meta;
    private readonly ILiteCollection<BsonDocument> snapshots;
    private readonly ILiteCollection<BsonDocument> checkpoints;
    private readonly ChunkStore chunks;
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>The database file as it was given to <see cref="Open"/>.</summary>
    public string Path => file.Path;

    private LiteDbSnapshotStore(DatabaseFile file, LiteDatabase database)
    {
        this.file = file;
        this.database = database;
        meta = database.GetCollection(Schema.Meta);
        snapshots = database.GetCollection(Schema.Snapshots);
        checkpoints = database.GetCollection(Schema.Checkpoints);
        chunks = new ChunkStore(database.GetCollection(Schema.Chunks), database.GetCollection(Schema.ChunkUses), file.Path);
    }

    /// <summary>
    /// Opens the snapshot database at <paramref name="path"/>, creating it if the file does not
    /// exist. Throws <see cref="SnapshotStoreException"/> naming the path when the directory is
    /// missing, the file cannot be written, is not a LiteDB database (it is left unchanged), was
    /// written by a newer schema, or is open in another store.
    /// </summary>
    public static LiteDbSnapshotStore Open(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new SnapshotStoreException("The snapshot database path is empty");
        var file = DatabaseFile.Open(path);
        LiteDatabase? database = null;
        try
        {
            var engine = new LiteEngine(new EngineSettings { DataStream = file.Data, LogStream = file.Log });
            database = new LiteDatabase(engine);
            var store = new LiteDbSnapshotStore(file, database);
            store.CheckOrCreateSchema();
            return store;
        }
        catch (Exception e)
        {
            database?.Dispose();
            file.Dispose();
            if (e is SnapshotStoreException) throw;
            throw new SnapshotStoreException($"Cannot open snapshot database '{path}': {DatabaseFile.OneLine(e.Message)}");
        }
    }

    private void CheckOrCreateSchema()
    {
        var header = meta.FindById(Schema.MetaId);
        if (header is null)
        {
            if (database.GetCollectionNames().Any())
                throw new SnapshotStoreException($"'{Path}' is a LiteDB database but not a HexEmu snapshot database (it has no '{Schema.Meta}' document)");
            Transact(() =>
            {
                meta.Insert(new BsonDocument { ["_id"] = Schema.MetaId, [Schema.Version] = Schema.StoreVersion, [Schema.LastSnapshotId] = 0L });
                // Checkpoints need no index of their own: their _id is (recording, icount) already.
                snapshots.EnsureIndex(Schema.Icount);
            });
            return;
        }
        var version = header[Schema.Version];
        if (!version.IsInt32 || version.AsInt32 != Schema.StoreVersion)
            throw new SnapshotStoreException($"'{Path}' has snapshot database schema version {version}; this HexEmu reads version {Schema.StoreVersion} only (written by a newer HexEmu?)");
    }

    public IReadOnlyList<VmSnapshotInfo> List() => Run(() => (IReadOnlyList<VmSnapshotInfo>)[.. AllSnapshots().Select(ToInfo)]);

    public void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date)
    {
        if (string.IsNullOrEmpty(name)) throw new SnapshotStoreException("A snapshot needs a name");
        // Run and Transact written out: a lambda cannot capture the span (and copying a state to
        // an array first would cost its size again).
        lock (gate)
        {
            EnsureOpen();
            try
            {
                database.BeginTrans();
                try
                {
                    var replaced = AllSnapshots().Where(s => s[Schema.Name].AsString == name).ToList();
                    var header = meta.FindById(Schema.MetaId);
                    long id = header[Schema.LastSnapshotId].AsInt64 + 1;
                    header[Schema.LastSnapshotId] = id;
                    meta.Update(header);
                    // The new state's chunks are counted before the old one's are released, so
                    // pages the two share are never deleted and written again.
                    byte[] index = chunks.Add(vmState);
                    snapshots.Insert(new BsonDocument
                    {
                        ["_id"] = id,
                        [Schema.Version] = Schema.DocumentVersion,
                        [Schema.Name] = name,
                        [Schema.Size] = (long)vmState.Length,
                        [Schema.DateUtcTicks] = date.UtcTicks,
                        [Schema.DateOffsetMinutes] = (int)date.Offset.TotalMinutes,
                        [Schema.VmClockNs] = vmClockNs,
                        [Schema.Icount] = icount,
                        [Schema.ChunkIndex] = index,
                    });
                    foreach (var old in replaced) RemoveSnapshot(old);
                    database.Commit();
                }
                catch
                {
                    database.Rollback();
                    throw;
                }
            }
            catch (Exception e) when (IsStorageFailure(e))
            {
                throw Failure(e);
            }
        }
    }

    public byte[] ReadVmState(string idOrName) => Run(() =>
    {
        var snapshot = Find(idOrName);
        return chunks.Read(snapshot[Schema.ChunkIndex].AsBinary, snapshot[Schema.Size].AsInt64, $"snapshot '{idOrName}'");
    });

    /// <summary>The VM state holds the disks' written sectors; nothing else to put back (see the class summary).</summary>
    public void RestoreDisks(string idOrName) => Run(() => Find(idOrName));

    public void Delete(string idOrName) => Run(() =>
    {
        var snapshot = Find(idOrName);
        Transact(() => RemoveSnapshot(snapshot));
    });

    private void RemoveSnapshot(BsonDocument snapshot)
    {
        snapshots.Delete(snapshot["_id"]);
        chunks.Release(snapshot[Schema.ChunkIndex].AsBinary, snapshot[Schema.Size].AsInt64);
    }

    /// <summary>QEMU's rule: an id matches before a name.</summary>
    private BsonDocument Find(string idOrName)
    {
        var all = AllSnapshots();
        return all.FirstOrDefault(s => s["_id"].AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture) == idOrName)
            ?? all.FirstOrDefault(s => s[Schema.Name].AsString == idOrName)
            ?? throw new SnapshotStoreException($"Snapshot '{idOrName}' does not exist in '{Path}'");
    }

    /// <summary>Every snapshot document in the order taken (ids increase), each checked for a version this code reads.</summary>
    private List<BsonDocument> AllSnapshots()
    {
        var all = snapshots.FindAll().ToList();
        foreach (var snapshot in all) RequireVersion(snapshot, $"snapshot {snapshot["_id"]}");
        return all;
    }

    private static VmSnapshotInfo ToInfo(BsonDocument s)
    {
        var offset = TimeSpan.FromMinutes(s[Schema.DateOffsetMinutes].AsInt32);
        var date = new DateTimeOffset(s[Schema.DateUtcTicks].AsInt64, TimeSpan.Zero).ToOffset(offset);
        return new VmSnapshotInfo(
            s["_id"].AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture), s[Schema.Name].AsString,
            (ulong)s[Schema.Size].AsInt64, date, s[Schema.VmClockNs].AsInt64, s[Schema.Icount].AsInt64);
    }

    /// <summary>A document of a version this code reads, with every field it needs, of the right type — or a clear error, never a misreading.</summary>
    private void RequireVersion(BsonDocument document, string what)
    {
        var version = document[Schema.Version];
        if (!version.IsInt32 || version.AsInt32 != Schema.DocumentVersion)
            throw new SnapshotStoreException($"The {what} in '{Path}' has document version {version}; this HexEmu reads version {Schema.DocumentVersion} only");
        var fields = document.ContainsKey(Schema.Recording) ? Schema.CheckpointFields : Schema.SnapshotFields;
        foreach (var (field, type) in fields)
            if (document[field].Type != type)
                throw new SnapshotStoreException($"The {what} in '{Path}' is damaged: its field '{field}' is {document[field].Type}, not {type}");
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            try
            {
                database.Dispose(); // LiteDB's closing checkpoint moves the log into the data file
            }
            finally
            {
                file.Dispose();
            }
        }
    }
}
