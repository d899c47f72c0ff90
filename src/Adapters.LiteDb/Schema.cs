using LiteDB;

namespace HexEmu.Adapters.LiteDb;

/// <summary>
/// The collections and fields of a snapshot database, and its versions (ARCHITECTURE.md §8.6:
/// version every byte you persist). <see cref="StoreVersion"/> is in the one document of "meta";
/// every snapshot and checkpoint document also carries <see cref="DocumentVersion"/>, so a reader
/// refuses what a newer HexEmu wrote instead of misreading it.
/// </summary>
internal static class Schema
{
    public const int StoreVersion = 1;
    public const int DocumentVersion = 1;

    public const string Meta = "meta";
    public const string MetaId = "store";
    public const string Snapshots = "snapshots";
    public const string Checkpoints = "checkpoints";
    public const string Chunks = "chunks";
    public const string ChunkUses = "chunkRefs";

    /// <summary>Fields: short names, because a checkpoint document is written many times.</summary>
    public const string Version = "v";
    public const string LastSnapshotId = "lastId";
    public const string Name = "name";
    public const string Recording = "rec";
    public const string Size = "size";
    public const string DateUtcTicks = "dateTicks";
    public const string DateOffsetMinutes = "dateOffset";
    public const string VmClockNs = "clock";
    public const string Icount = "icount";
    public const string ChunkIndex = "index";
    public const string ChunkData = "d";
    public const string ChunkRefs = "n";

    public static readonly (string Field, BsonType Type)[] SnapshotFields =
    [
        ("_id", BsonType.Int64), (Name, BsonType.String), (Size, BsonType.Int64), (DateUtcTicks, BsonType.Int64), (DateOffsetMinutes, BsonType.Int32),
        (VmClockNs, BsonType.Int64), (Icount, BsonType.Int64), (ChunkIndex, BsonType.Binary),
    ];

    public static readonly (string Field, BsonType Type)[] CheckpointFields =
        [("_id", BsonType.Binary), (Recording, BsonType.String), (Icount, BsonType.Int64), (Size, BsonType.Int64), (ChunkIndex, BsonType.Binary)];
}
