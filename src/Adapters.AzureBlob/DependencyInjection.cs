using HexEmu.Application.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.AzureBlob;

public static class DependencyInjection
{
    /// <summary>
    /// VM snapshots and reverse-debugging checkpoints in an Azure Blob Storage container. The
    /// store connects when first asked for, so a bad setting shows there as a SnapshotStoreException.
    /// </summary>
    public static IServiceCollection AddAzureBlobSnapshots(this IServiceCollection services, string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(container);
        return services.AddStore(() => AzureBlobSnapshotStore.Connect(connectionString, container));
    }

    /// <summary>The same, for a container URI authorised by the SAS in its query.</summary>
    public static IServiceCollection AddAzureBlobSnapshots(this IServiceCollection services, Uri containerUri)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        return services.AddStore(() => AzureBlobSnapshotStore.Connect(containerUri));
    }

    /// <summary>
    /// The archive of recordings (IRecordingArchive) in an Azure Blob Storage container, which may
    /// be the snapshots' container. Nothing is sent until the archive is first used.
    /// </summary>
    public static IServiceCollection AddAzureBlobArchive(this IServiceCollection services, string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(container);
        return services.AddSingleton<IRecordingArchive>(_ => AzureBlobRecordingArchive.Connect(connectionString, container));
    }

    /// <summary>The same, for a container URI authorised by the SAS in its query.</summary>
    public static IServiceCollection AddAzureBlobArchive(this IServiceCollection services, Uri containerUri)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        return services.AddSingleton<IRecordingArchive>(_ => AzureBlobRecordingArchive.Connect(containerUri));
    }

    private static IServiceCollection AddStore(this IServiceCollection services, Func<AzureBlobSnapshotStore> connect)
    {
        services.AddSingleton(_ => connect());
        services.AddSingleton<ISnapshotStore>(provider => provider.GetRequiredService<AzureBlobSnapshotStore>());
        services.AddSingleton<ICheckpointStore>(provider => provider.GetRequiredService<AzureBlobSnapshotStore>());
        return services;
    }
}
