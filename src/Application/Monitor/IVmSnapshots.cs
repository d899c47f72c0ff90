using HexEmu.Application.Ports;

namespace HexEmu.Application.Monitor;

/// <summary>What savevm, loadvm, delvm and `info snapshots` need; every member may throw with a one-line message.</summary>
public interface IVmSnapshots
{
    IReadOnlyList<VmSnapshotInfo> List();

    /// <summary>Saves the VM as <paramref name="name"/>, or under a generated name (QEMU's vm-YYYYMMDDHHMMSS) when null.</summary>
    void Save(string? name);

    void Load(string name);

    void Delete(string name);
}
