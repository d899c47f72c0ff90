using System.Globalization;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Application.Debugging;
using HexEmu.Domain.Debugging;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>
/// Stop reply packets (GDB manual, "Stop Reply Packets"): <c>T</c> + signal + <c>n:r;</c> pairs
/// naming the thread and the stop reason, or <c>W</c> + exit status.
/// </summary>
internal static class StopReplies
{
    private const int SigInt = 2;
    private const int SigTrap = 5;

    /// <param name="stop">Why the target stopped.</param>
    /// <param name="swbreak">gdb announced swbreak+: only then may a stop say "swbreak:".</param>
    /// <param name="hwbreak">gdb announced hwbreak+: only then may a stop say "hwbreak:".</param>
    public static string Format(TargetStop stop, bool swbreak, bool hwbreak) => stop switch
    {
        TargetStop.Stepped => Trap(SigTrap, ""),
        TargetStop.Breakpoint { Type: BreakpointType.Software } when swbreak => Trap(SigTrap, "swbreak:;"),
        TargetStop.Breakpoint { Type: BreakpointType.Hardware } when hwbreak => Trap(SigTrap, "hwbreak:;"),
        TargetStop.Breakpoint => Trap(SigTrap, ""),
        TargetStop.Watch watch => Trap(SigTrap, $"{WatchReason(watch.Kind)}:{watch.Address.ToString("x", CultureInfo.InvariantCulture)};"),
        TargetStop.HistoryEdge edge => Trap(SigTrap, edge.AtBegin ? "replaylog:begin;" : "replaylog:end;"),
        TargetStop.Interrupted => Trap(SigInt, ""),
        TargetStop.Exited exited => "W" + (exited.Code & 0xff).ToString("x2", CultureInfo.InvariantCulture),
        _ => Trap(SigTrap, ""),
    };

    private static string Trap(int signal, string reason) =>
        $"T{signal:x2}thread:{ThreadId.Ours};{reason}";

    private static string WatchReason(WatchKind kind) => kind switch
    {
        WatchKind.Write => "watch",
        WatchKind.Read => "rwatch",
        _ => "awatch",
    };
}
