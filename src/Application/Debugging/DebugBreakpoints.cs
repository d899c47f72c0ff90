using HexEmu.Domain.Debugging;

namespace HexEmu.Application.Debugging;

/// <summary>
/// The breakpoints and watchpoints gdb inserted, kept beside the CPU's traps so that a stop can
/// say which kind of breakpoint hit (gdb wants swbreak or hwbreak) and an address inserted twice
/// (a software and a hardware breakpoint) stays armed until both are removed.
/// </summary>
internal sealed class DebugBreakpoints(DebugTraps traps)
{
    private readonly Dictionary<uint, List<BreakpointType>> _breakpoints = [];
    private readonly List<Watchpoint> _watchpoints = [];

    public bool Insert(BreakpointType type, uint address, uint length)
    {
        if (type is BreakpointType.Software or BreakpointType.Hardware)
        {
            if (!_breakpoints.TryGetValue(address, out var types)) _breakpoints[address] = types = [];
            if (types.Count == 0) traps.AddBreakpoint(address);
            types.Add(type);
            return true;
        }
        if (length == 0) return false;
        var watch = new Watchpoint(address, length, KindOf(type));
        if (!_watchpoints.Contains(watch)) traps.AddWatchpoint(watch);
        _watchpoints.Add(watch);
        return true;
    }

    public bool Remove(BreakpointType type, uint address, uint length)
    {
        if (type is BreakpointType.Software or BreakpointType.Hardware)
        {
            if (!_breakpoints.TryGetValue(address, out var types) || !types.Remove(type)) return false;
            if (types.Count == 0)
            {
                _breakpoints.Remove(address);
                traps.RemoveBreakpoint(address);
            }
            return true;
        }
        var watch = new Watchpoint(address, length, KindOf(type));
        if (!_watchpoints.Remove(watch)) return false;
        if (!_watchpoints.Contains(watch)) traps.RemoveWatchpoint(watch);
        return true;
    }

    /// <summary>How the breakpoint at <paramref name="address"/> was inserted (software when both).</summary>
    public BreakpointType TypeAt(uint address) =>
        _breakpoints.TryGetValue(address, out var types) && types.Count > 0 && !types.Contains(BreakpointType.Software)
            ? BreakpointType.Hardware
            : BreakpointType.Software;

    public void Clear()
    {
        _breakpoints.Clear();
        _watchpoints.Clear();
        traps.ClearAll();
    }

    private static WatchKind KindOf(BreakpointType type) => type switch
    {
        BreakpointType.WriteWatch => WatchKind.Write,
        BreakpointType.ReadWatch => WatchKind.Read,
        _ => WatchKind.Access,
    };
}
