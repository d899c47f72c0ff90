namespace HexEmu.Adapters.Qcow2;

/// <summary>A writable qcow2 drive of the VM: its -drive id and its open image.</summary>
public readonly record struct WritableQcow2Drive(string? Id, Qcow2Image Image);

/// <summary>
/// The qcow2 snapshot store of a VM, by QEMU's rule: every writable drive gets the snapshot of
/// its disk, and the VM state goes to the drive with id "rr" (the orphan image of a diskless
/// record/replay setup) or else to the first writable drive.
/// </summary>
public sealed class Qcow2SnapshotStoreFactory
{
    /// <summary>The drive id QEMU's record/replay documentation gives the image that holds the VM state.</summary>
    public const string VmStateDriveId = "rr";

    /// <summary>The store over <paramref name="drives"/> (every writable drive, all qcow2); null when there is none.</summary>
    public Qcow2SnapshotStore? Create(IReadOnlyList<WritableQcow2Drive> drives)
    {
        ArgumentNullException.ThrowIfNull(drives);
        if (drives.Count == 0) return null;
        var state = drives.FirstOrDefault(d => d.Id == VmStateDriveId);
        if (state.Image is null) state = drives[0];
        return new Qcow2SnapshotStore(state.Image, [.. drives.Where(d => d.Image != state.Image).Select(d => d.Image)]);
    }
}
