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
    /// <summary>
    /// The store <paramref name="settings"/> choose, or null with the reason savevm cannot work.
    /// LiteDB and Azure Blob keep bytes only: a VM state holds the written sectors of disks behind
    /// in-memory overlays (record/replay, -snapshot, snapshot=on), so those backends need every
    /// writable drive to be one; a drive written in place could not be put back.
    /// </summary>
    public static ISnapshotStore? For(SnapshotSettings settings, VmBuilder.Disks disks, out string? unavailable)
    {
        if (settings.Backend == SnapshotBackend.Qcow2) return For(disks, out unavailable);
        unavailable = null;
        var inPlace = disks.Drives.Where(d => !d.Drive.ReadOnly && !d.Overlaid && d.Drive.Interface != DriveInterface.None)
                                  .Select(d => d.Drive).FirstOrDefault();
        if (inPlace is not null)
        {
            unavailable = $"Device '{inPlace.Id}' is written in place, which {settings.Backend} snapshots cannot put back " +
                          "(use -snapshot, snapshot=on or record/replay, or Snapshots:Backend=Qcow2)";
            return null;
        }
        return Open(settings);
    }

    private static ISnapshotStore Open(SnapshotSettings settings)
    {
        try
        {
            return settings.Backend switch
            {
                SnapshotBackend.LiteDb => Adapters.LiteDb.LiteDbSnapshotStore.Open(settings.LiteDbPath!),
                _ when settings.AzureContainerUri is { } uri => Adapters.AzureBlob.AzureBlobSnapshotStore.Connect(uri),
                _ => Adapters.AzureBlob.AzureBlobSnapshotStore.Connect(settings.AzureConnectionString!, settings.AzureContainer!),
            };
        }
        catch (SnapshotStoreException e)
        {
            throw new ConfigurationError($"{SnapshotSettings.BackendKey}={settings.Backend}: {e.Message}");
        }
    }

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
