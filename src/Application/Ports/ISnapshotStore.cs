namespace HexEmu.Application.Ports;

/// <summary>One VM snapshot as a store lists it (what `info snapshots` and `qemu-img snapshot -l` show).</summary>
public sealed record VmSnapshotInfo(string Id, string Name, ulong VmStateSize, DateTimeOffset Date, long VmClockNs, long Icount);

/// <summary>
/// Where VM snapshots live (ARCHITECTURE.md §4): the machine's state bytes plus the disks' state at
/// the same moment. Implementations: qcow2 internal snapshots (QEMU-compatible), later LiteDB and
/// blob storage. Errors are <see cref="SnapshotStoreException"/> with a one-line message.
/// </summary>
public interface ISnapshotStore
{
    IReadOnlyList<VmSnapshotInfo> List();

    /// <summary>Saves a snapshot called <paramref name="name"/> (replacing one of that name) on every disk.</summary>
    void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date);

    /// <summary>The VM state saved in <paramref name="idOrName"/>, without changing anything.</summary>
    byte[] ReadVmState(string idOrName);

    /// <summary>Puts every disk back to its state in <paramref name="idOrName"/>.</summary>
    void RestoreDisks(string idOrName);

    void Delete(string idOrName);
}

public sealed class SnapshotStoreException(string message) : Exception(message);
