using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb;

/// <summary>Starts GDB remote-protocol servers (what the host resolves once it knows the endpoint and the target).</summary>
public sealed class GdbServerFactory
{
    /// <inheritdoc cref="GdbServer.Listen"/>
    public GdbServer Listen(GdbEndpoint endpoint, IDebugTarget target, Action<string>? log = null) =>
        GdbServer.Listen(endpoint, target, log);
}
