using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.Gdb;

public static class DependencyInjection
{
    /// <summary>The GDB stub: a factory that listens on an endpoint for debuggers of a target.</summary>
    public static IServiceCollection AddGdbServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<GdbServerFactory>();
        return services;
    }
}
