namespace HexEmu.Application.Ports;

/// <summary>One persisted reverse-debugging checkpoint: the machine's whole state at an icount of a recording.</summary>
public sealed record StoredCheckpoint(long Icount, byte[] State);

/// <summary>
/// Reverse-debugging checkpoints kept beyond the process, so that a later debugging session of
/// the same recording starts from a near one instead of replaying from the start. Checkpoints
/// belong to a recording (its identity string) and are found by icount; they never show among
/// the VM snapshots. Every snapshot store implements it (qcow2, LiteDB, Azure Blob). Errors are
/// <see cref="SnapshotStoreException"/> with a one-line message.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Keeps <paramref name="state"/> as the checkpoint of <paramref name="recording"/> at <paramref name="icount"/> (replacing one there).</summary>
    void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state);

    /// <summary>The checkpoint of <paramref name="recording"/> with the largest icount at or before <paramref name="icount"/>; null if none.</summary>
    StoredCheckpoint? FindCheckpoint(string recording, long icount);

    /// <summary>The icounts of <paramref name="recording"/>'s checkpoints, ascending.</summary>
    IReadOnlyList<long> ListCheckpoints(string recording);

    /// <summary>Forgets every checkpoint of <paramref name="recording"/>.</summary>
    void DeleteCheckpoints(string recording);
}
