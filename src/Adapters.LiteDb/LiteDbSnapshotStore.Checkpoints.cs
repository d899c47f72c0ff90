using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HexEmu.Application.Ports;
using LiteDB;

namespace HexEmu.Adapters.LiteDb;

/// <summary>
/// Checkpoints are keyed by (recording, icount) in their _id: SHA-256 of the recording's identity,
/// then the icount big-endian with the sign bit flipped, so that LiteDB's byte-wise ordering of
/// binary keys is the order of icounts within one recording. "The nearest at or before" is then a
/// descending range seek on the primary-key index that stops at the first document: no scan,
/// whatever the number of checkpoints or recordings.
/// </summary>
public sealed partial class LiteDbSnapshotStore
{
    public void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state)
    {
        var key = CheckpointKey(recording, icount);
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
                    var replaced = checkpoints.FindById(key);
                    if (replaced is not null) RequireVersion(replaced, $"checkpoint at icount {icount} of '{recording}'");
                    byte[] index = chunks.Add(state);
                    checkpoints.Upsert(new BsonDocument
                    {
                        ["_id"] = key,
                        [Schema.Version] = Schema.DocumentVersion,
                        [Schema.Recording] = recording,
                        [Schema.Icount] = icount,
                        [Schema.Size] = (long)state.Length,
                        [Schema.ChunkIndex] = index,
                    });
                    if (replaced is not null) ReleaseCheckpoint(replaced);
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

    public StoredCheckpoint? FindCheckpoint(string recording, long icount) => Run(() =>
    {
        var found = NearestQuery(recording, icount).FirstOrDefault();
        if (found is null) return null;
        string what = $"checkpoint at icount {found[Schema.Icount].AsInt64} of '{recording}'";
        RequireVersion(found, what);
        return new StoredCheckpoint(found[Schema.Icount].AsInt64, chunks.Read(found[Schema.ChunkIndex].AsBinary, found[Schema.Size].AsInt64, what));
    });

    public IReadOnlyList<long> ListCheckpoints(string recording) => Run(() =>
        (IReadOnlyList<long>)[.. RecordingQuery(recording).ToEnumerable().Select(c => c[Schema.Icount].AsInt64)]);

    public void DeleteCheckpoints(string recording) => Run(() => Transact(() =>
    {
        foreach (var checkpoint in RecordingQuery(recording).ToList())
        {
            RequireVersion(checkpoint, $"checkpoint at icount {checkpoint[Schema.Icount].AsInt64} of '{recording}'");
            checkpoints.Delete(checkpoint["_id"]);
            ReleaseCheckpoint(checkpoint);
        }
    }));

    /// <summary>LiteDB's plan for the nearest-checkpoint query (tests check that it seeks the key index).</summary>
    internal BsonDocument NearestCheckpointPlan(string recording, long icount) => Run(() => NearestQuery(recording, icount).GetPlan());

    private ILiteQueryableResult<BsonDocument> NearestQuery(string recording, long icount) =>
        checkpoints.Query()
            .Where("_id BETWEEN @0 AND @1", CheckpointKey(recording, long.MinValue), CheckpointKey(recording, icount))
            .OrderByDescending("_id")
            .Limit(1);

    private ILiteQueryable<BsonDocument> RecordingQuery(string recording) =>
        checkpoints.Query()
            .Where("_id BETWEEN @0 AND @1", CheckpointKey(recording, long.MinValue), CheckpointKey(recording, long.MaxValue))
            .OrderBy("_id");

    private void ReleaseCheckpoint(BsonDocument checkpoint) =>
        chunks.Release(checkpoint[Schema.ChunkIndex].AsBinary, checkpoint[Schema.Size].AsInt64);

    internal static BsonValue CheckpointKey(string recording, long icount)
    {
        var key = new byte[32 + sizeof(long)];
        SHA256.HashData(Encoding.UTF8.GetBytes(recording), key);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(32), (ulong)icount ^ 0x8000_0000_0000_0000UL);
        return new BsonValue(key);
    }
}
