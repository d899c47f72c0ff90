using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.Qcow2;

public static class DependencyInjection
{
    /// <summary>
    /// VM snapshots in the VM's own qcow2 drives (QEMU's way): the factory that makes the store
    /// once the drives are open.
    /// </summary>
    public static IServiceCollection AddQcow2Storage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<Qcow2SnapshotStoreFactory>();
        return services;
    }
}
