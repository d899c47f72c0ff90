using HexEmu.Adapters.AzureBlob;
using HexEmu.Adapters.Gdb;
using HexEmu.Adapters.LiteDb;
using HexEmu.Adapters.Qcow2;
using HexEmu.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Host.Composition;

/// <summary>
/// The composition root: which adapter serves each port, from the settings. Each adapter brings
/// its own registration (its DependencyInjection.cs); nothing is opened or connected until first
/// asked for, and the container disposes what it opened (a LiteDB file's lock, …) when the run ends.
/// </summary>
public static class HostServices
{
    public static ServiceProvider Build(SnapshotSettings snapshots)
    {
        var services = new ServiceCollection();
        services.AddSingleton(snapshots);
        services.AddGdbServer();
        services.AddQcow2Storage();
        switch (snapshots.Backend)
        {
            case SnapshotBackend.LiteDb:
                services.AddLiteDbSnapshots(snapshots.LiteDbPath!);
                break;
            case SnapshotBackend.AzureBlob when snapshots.AzureContainerUri is { } uri:
                services.AddAzureBlobSnapshots(uri);
                break;
            case SnapshotBackend.AzureBlob:
                services.AddAzureBlobSnapshots(snapshots.AzureConnectionString!, snapshots.AzureContainer!);
                break;
        }
        return services.BuildServiceProvider(Validated);
    }

    /// <summary>The recording archive of <c>hexemu archive</c> and <c>archive:</c> references, for <paramref name="archive"/>'s settings.</summary>
    public static ServiceProvider BuildArchive(Archive.ArchiveSettings archive)
    {
        var services = new ServiceCollection();
        if (archive.Location.ContainerUri is { } uri) services.AddAzureBlobArchive(uri);
        else services.AddAzureBlobArchive(archive.Location.ConnectionString!, archive.Location.Container!);
        return services.BuildServiceProvider(Validated);
    }

    private static readonly ServiceProviderOptions Validated = new() { ValidateOnBuild = true, ValidateScopes = true };
}
