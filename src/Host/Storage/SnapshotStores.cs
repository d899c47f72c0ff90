using HexEmu.Adapters.Qcow2;
using HexEmu.Application.Ports;
using HexEmu.Host.Cli;
using HexEmu.Host.Configuration;

namespace HexEmu.Host.Storage;

/// <summary>
/// Where savevm puts VM snapshots, by QEMU's rules: every writable drive must be qcow2 (each gets
/// the snapshot of its disk), and the VM state goes to the drive with id "rr" (the orphan image of
/// a diskless record/replay setup) or else to the first writable qcow2 drive.
/// </summary>
public static class SnapshotStores
{
    /// <summary>The store <paramref name="settings"/> choose, or null with the reason savevm cannot work.</summary>
    public static ISnapshotStore? For(SnapshotSettings settings, VmBuilder.Disks disks, out string? unavailable) => settings.Backend switch
    {
        SnapshotBackend.Qcow2 => For(disks, out unavailable),
        _ => throw new ConfigurationError($"{SnapshotSettings.BackendKey}={settings.Backend} is not available in this build yet (only Qcow2 is)"),
    };

    /// <summary>The qcow2 store, or null with the reason savevm cannot work (QEMU's messages).</summary>
    public static ISnapshotStore? For(VmBuilder.Disks disks, out string? unavailable)
    {
        unavailable = null;
        var writable = disks.Drives.Where(d => !d.Drive.ReadOnly && !d.Overlaid).ToList();
        foreach (var d in writable)
        {
            if (d.Image.Format != DriveFormat.Qcow2)
            {
                unavailable = $"Device '{d.Drive.Id}' is writable but does not support snapshots";
                return null;
            }
        }
        var images = writable.Select(d => (d.Drive, Image: (Qcow2Image)d.Image.Device)).ToList();
        if (images.Count == 0)
        {
            unavailable = "No block device can accept snapshots";
            return null;
        }
        var state = images.FirstOrDefault(d => d.Drive.Id == "rr");
        if (state.Image is null) state = images[0];
        return new Qcow2SnapshotStore(state.Image, [.. images.Where(d => d.Image != state.Image).Select(d => d.Image)]);
    }
}
