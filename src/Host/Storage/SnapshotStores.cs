using HexEmu.Adapters.Qcow2;
using HexEmu.Application.Ports;
using HexEmu.Host.Cli;
using HexEmu.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Host.Storage;

/// <summary>
/// Where savevm puts VM snapshots: by QEMU's rules in the qcow2 drives (every writable drive must be
/// qcow2; <see cref="Qcow2SnapshotStoreFactory"/> says which holds the VM state), or in the store
/// the configuration chose.
/// </summary>
public static class SnapshotStores
{
    /// <summary>
    /// The store <paramref name="settings"/> choose, or null with the reason savevm cannot work.
    /// LiteDB and Azure Blob keep bytes only: a VM state holds the written sectors of disks behind
    /// in-memory overlays (record/replay, -snapshot, snapshot=on), so those backends need every
    /// writable drive to be one; a drive written in place could not be put back.
    /// </summary>
    public static ISnapshotStore? For(SnapshotSettings settings, VmBuilder.Disks disks, IServiceProvider services, out string? unavailable)
    {
        if (settings.Backend == SnapshotBackend.Qcow2) return For(disks, services.GetRequiredService<Qcow2SnapshotStoreFactory>(), out unavailable);
        unavailable = null;
        var inPlace = disks.Drives.Where(d => !d.Drive.ReadOnly && !d.Overlaid && d.Drive.Interface != DriveInterface.None)
                                  .Select(d => d.Drive).FirstOrDefault();
        if (inPlace is not null)
        {
            unavailable = $"Device '{inPlace.Id}' is written in place, which {settings.Backend} snapshots cannot put back " +
                          "(use -snapshot, snapshot=on or record/replay, or Snapshots:Backend=Qcow2)";
            return null;
        }
        return Open(settings, services);
    }

    /// <summary>The configured store, as the composition root registered it (opened or connected here, on first use).</summary>
    private static ISnapshotStore Open(SnapshotSettings settings, IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<ISnapshotStore>();
        }
        catch (SnapshotStoreException e)
        {
            throw new ConfigurationError($"{SnapshotSettings.BackendKey}={settings.Backend}: {e.Message}");
        }
    }

    /// <summary>The qcow2 store, or null with the reason savevm cannot work (QEMU's messages).</summary>
    public static ISnapshotStore? For(VmBuilder.Disks disks, Qcow2SnapshotStoreFactory factory, out string? unavailable)
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
        var store = factory.Create([.. writable.Select(d => new WritableQcow2Drive(d.Drive.Id, (Qcow2Image)d.Image.Device))]);
        if (store is null) unavailable = "No block device can accept snapshots";
        return store;
    }
}
