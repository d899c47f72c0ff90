using HexEmu.Application.Ports;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Chardev;

/// <summary>
/// The opened character devices of one run, wired to their frontends: what the lead hands to the
/// UARTs, the monitor and the debug consoles. Disposing closes every backend (and restores the terminal).
/// </summary>
public sealed class CharDevices : IDisposable
{
    private readonly List<IDisposable> _owned;

    internal CharDevices(
        IReadOnlyList<ICharBackend> serial, ICharBackend? monitor, IReadOnlyList<(DebugConDevice, ICharBackend)> debugCons,
        IReadOnlyList<ICharBackend> chardevs, IReadOnlyList<CharMux> muxes, List<IDisposable> owned)
    {
        Serial = serial;
        Monitor = monitor;
        DebugCons = debugCons;
        Chardevs = chardevs;
        Muxes = muxes;
        _owned = owned;
        foreach (var mux in muxes) mux.QuitRequested += () => QuitRequested?.Invoke();
    }

    /// <summary>COM1, COM2, … in order (HostOptions.SerialPorts); a mux frontend where the port shares its chardev.</summary>
    public IReadOnlyList<ICharBackend> Serial { get; }

    /// <summary>The monitor's line-edited device (complete lines ending in '\n'), or null without a monitor.</summary>
    public ICharBackend? Monitor { get; }

    /// <summary>Each isa-debugcon with its output device.</summary>
    public IReadOnlyList<(DebugConDevice Device, ICharBackend Backend)> DebugCons { get; }

    /// <summary>Every chardev by its id, in declaration order: what `info chardev` lists.</summary>
    public IReadOnlyList<ICharBackend> Chardevs { get; }

    public IReadOnlyList<CharMux> Muxes { get; }

    /// <summary>Ctrl-a x on any multiplexed console.</summary>
    public event Action? QuitRequested;

    /// <summary>The monitor's focus events when it sits on a mux (null otherwise): true when Ctrl-a c gives it the keyboard.</summary>
    public MuxFrontend? MonitorMuxFrontend { get; internal init; }

    public void FlushAll()
    {
        foreach (var chardev in Chardevs) chardev.Flush();
    }

    public void Dispose()
    {
        for (int k = _owned.Count - 1; k >= 0; k--) _owned[k].Dispose();
    }
}
