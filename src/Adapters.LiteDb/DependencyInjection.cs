using HexEmu.Application.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.LiteDb;

public static class DependencyInjection
{
    /// <summary>
    /// Keeps VM snapshots and reverse-debugging checkpoints in the LiteDB file at
    /// <paramref name="path"/>: one store (the file's single writer), opened when first asked for
    /// and closed with the container.
    /// </summary>
    public static IServiceCollection AddLiteDbSnapshots(this IServiceCollection services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.AddSingleton(_ => LiteDbSnapshotStore.Open(path));
        services.AddSingleton<ISnapshotStore>(provider => provider.GetRequiredService<LiteDbSnapshotStore>());
        services.AddSingleton<ICheckpointStore>(provider => provider.GetRequiredService<LiteDbSnapshotStore>());
        return services;
    }
}
