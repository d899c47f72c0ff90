using HexEmu.Application.Ports;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// VM snapshots the way QEMU keeps them: an internal snapshot of the same name on every writable
/// qcow2 drive, with the VM state in the first one's VM-state area.
/// </summary>
public sealed partial class Qcow2SnapshotStore(Qcow2Image vmStateImage, IReadOnlyList<Qcow2Image> otherDrives) : ISnapshotStore
{
    private IEnumerable<Qcow2Image> AllDrives => [vmStateImage, .. otherDrives];

    public IReadOnlyList<VmSnapshotInfo> List() =>
        [.. vmStateImage.Snapshots
            .Where(s => !IsCheckpoint(s.Name) && otherDrives.All(d => d.FindSnapshot(s.Name) is not null))
            .Select(s => new VmSnapshotInfo(s.Id, s.Name, s.VmStateSize, s.Date, s.VmClockNs, s.Icount))];

    public void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date)
    {
        var state = vmState.ToArray();
        Run(() =>
        {
            foreach (var drive in AllDrives)
            {
                if (drive.FindSnapshot(name) is not null) drive.DeleteSnapshot(name);
                drive.CreateSnapshot(name, drive == vmStateImage ? state : [], vmClockNs, icount, date);
            }
        });
    }

    public byte[] ReadVmState(string idOrName) => Run(() =>
    {
        Require(idOrName);
        return vmStateImage.ReadSnapshotVmState(idOrName);
    });

    public void RestoreDisks(string idOrName) => Run(() =>
    {
        Require(idOrName);
        foreach (var drive in AllDrives) drive.ApplySnapshot(idOrName);
    });

    public void Delete(string idOrName) => Run(() =>
    {
        bool any = false;
        foreach (var drive in AllDrives)
        {
            if (drive.FindSnapshot(idOrName) is null) continue;
            drive.DeleteSnapshot(idOrName);
            any = true;
        }
        if (!any) throw new SnapshotStoreException($"Snapshot '{idOrName}' not found");
    });

    /// <summary>QEMU's rule: a snapshot is usable only if every drive has it.</summary>
    private void Require(string idOrName)
    {
        foreach (var drive in AllDrives)
            if (drive.FindSnapshot(idOrName) is null)
                throw new SnapshotStoreException(drive == vmStateImage
                    ? $"Snapshot '{idOrName}' does not exist in device '{drive.Path}'"
                    : $"Snapshot '{idOrName}' does not exist on drive '{drive.Path}'");
    }

    private static void Run(Action action) => Run(() => { action(); return 0; });

    private static T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Qcow2Exception e)
        {
            throw new SnapshotStoreException(e.Message);
        }
    }
}
