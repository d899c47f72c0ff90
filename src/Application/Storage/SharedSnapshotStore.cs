using HexEmu.Application.Ports;

namespace HexEmu.Application.Storage;

/// <summary>
/// One snapshot store used from two threads: the machine thread (savevm, loadvm, info snapshots,
/// looking up persisted checkpoints) and the background writer of persisted checkpoints
/// (<see cref="Debugging.PersistedCheckpoints"/>). The stores are not all safe for that (a qcow2
/// image is one file with one cache), so every call holds one lock; a savevm that comes while a
/// checkpoint is being written waits for it.
/// </summary>
public sealed class SharedSnapshotStore : ISnapshotStore, ICheckpointStore, IDisposable
{
    private readonly ISnapshotStore _store;
    private readonly ICheckpointStore? _checkpoints;
    private readonly Lock _lock = new();

    private SharedSnapshotStore(ISnapshotStore store)
    {
        _store = store;
        _checkpoints = store as ICheckpointStore;
    }

    /// <summary><paramref name="store"/> behind one lock (null stays null).</summary>
    public static SharedSnapshotStore? Wrap(ISnapshotStore? store) => store is null ? null : new SharedSnapshotStore(store);

    private ICheckpointStore Checkpoints => _checkpoints ?? throw new SnapshotStoreException("this snapshot store keeps no checkpoints");

    public IReadOnlyList<VmSnapshotInfo> List()
    {
        lock (_lock) return _store.List();
    }

    public void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date)
    {
        lock (_lock) _store.Save(name, vmState, vmClockNs, icount, date);
    }

    public byte[] ReadVmState(string idOrName)
    {
        lock (_lock) return _store.ReadVmState(idOrName);
    }

    public void RestoreDisks(string idOrName)
    {
        lock (_lock) _store.RestoreDisks(idOrName);
    }

    public void Delete(string idOrName)
    {
        lock (_lock) _store.Delete(idOrName);
    }

    public void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state)
    {
        lock (_lock) Checkpoints.SaveCheckpoint(recording, icount, state);
    }

    public StoredCheckpoint? FindCheckpoint(string recording, long icount)
    {
        lock (_lock) return Checkpoints.FindCheckpoint(recording, icount);
    }

    public IReadOnlyList<long> ListCheckpoints(string recording)
    {
        lock (_lock) return Checkpoints.ListCheckpoints(recording);
    }

    public void DeleteCheckpoints(string recording)
    {
        lock (_lock) Checkpoints.DeleteCheckpoints(recording);
    }

    public void Dispose()
    {
        lock (_lock) (_store as IDisposable)?.Dispose();
    }
}
