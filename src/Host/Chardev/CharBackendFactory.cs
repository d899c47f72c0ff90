using HexEmu.Application.Ports;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Chardev;

/// <summary>Where stdio chardevs read and write, and where "waiting for connection" goes; tests substitute streams.</summary>
public sealed record CharHostConsole(Func<string, bool, StdioCharBackend> OpenStdio, TextWriter Announce)
{
    public static CharHostConsole Process { get; } = new((id, signal) => StdioCharBackend.OpenConsole(id, signal), Console.Error);
}

/// <summary>
/// Turns the typed chardev specs of <see cref="HostOptions"/> into open backends wired to their
/// frontends. Failures are <see cref="ChardevException"/>s with one line naming the chardev and the
/// problem ("chardev 'serial0': Could not open '/x/y': No such file or directory"); whatever was
/// opened before the failure is closed again.
/// </summary>
public static class CharBackendFactory
{
    public static CharDevices Open(HostOptions options, CharHostConsole? console = null)
    {
        console ??= CharHostConsole.Process;
        var owned = new List<IDisposable>();
        try
        {
            var backends = new Dictionary<string, ICharBackend>();
            var muxes = new Dictionary<string, CharMux>();
            foreach (var spec in options.Chardevs)
            {
                var backend = Create(spec, console);
                owned.Add(backend);
                backends[spec.Id] = backend;
                if (spec.Mux)
                {
                    var mux = new CharMux(backend);
                    owned.Remove(backend);
                    owned.Add(mux);
                    muxes[spec.Id] = mux;
                }
            }

            ICharBackend Frontend(string id) => muxes.TryGetValue(id, out var mux) ? mux.AddFrontend() : backends[id];

            var serial = options.SerialPorts.Select(Frontend).ToArray();
            ICharBackend? monitor = null;
            MuxFrontend? monitorMux = null;
            if (options.MonitorChardev is string monitorId)
            {
                // The monitor session does its own line editing and echo, as QEMU's readline does.
                monitor = Frontend(monitorId);
                monitorMux = monitor as MuxFrontend;
            }
            var debugCons = options.DebugCons
                .Select(d => (d, Frontend(d.ChardevId)))
                .ToArray();
            return new CharDevices(serial, monitor, debugCons, [.. backends.Values], [.. muxes.Values], owned)
            {
                MonitorMuxFrontend = monitorMux,
            };
        }
        catch
        {
            for (int k = owned.Count - 1; k >= 0; k--) owned[k].Dispose();
            throw;
        }
    }

    /// <summary>Opens one backend (without its mux).</summary>
    public static ICharBackend Create(ChardevSpec spec, CharHostConsole? console = null)
    {
        console ??= CharHostConsole.Process;
        try
        {
            return spec.Backend switch
            {
                ChardevBackend.Null => new NullCharBackend(spec.Id),
                ChardevBackend.VirtualConsole => new NullCharBackend(spec.Id, "vc"),
                ChardevBackend.Stdio s => console.OpenStdio(spec.Id, s.Signal),
                ChardevBackend.File f => new FileCharBackend(spec.Id, f.Path, f.Append),
                ChardevBackend.Pipe p => new PipeCharBackend(spec.Id, p.Path),
                ChardevBackend.Tcp t => SocketCharBackend.OpenTcp(spec.Id, t.Host, t.Port, t.Server, t.Wait, t.NoDelay, console.Announce),
                ChardevBackend.Unix u => SocketCharBackend.OpenUnix(spec.Id, u.Path, u.Server, u.Wait, console.Announce),
                _ => throw new ChardevException($"backend {spec.Backend.GetType().Name} not supported"),
            };
        }
        catch (ChardevException e)
        {
            throw new ChardevException($"chardev '{spec.Id}': {e.Message}");
        }
    }
}
