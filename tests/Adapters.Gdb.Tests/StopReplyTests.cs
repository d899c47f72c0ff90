using HexEmu.Adapters.Gdb.Session;
using HexEmu.Application.Debugging;
using HexEmu.Domain.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>Stop replies as the GDB manual's "Stop Reply Packets" spells them (SIGTRAP 5, SIGINT 2).</summary>
public sealed class StopReplyTests
{
    public static TheoryData<TargetStop, string> Cases => new()
    {
        { new TargetStop.Stepped(), "T05thread:01;" },
        { new TargetStop.Breakpoint(0x1010, BreakpointType.Software), "T05thread:01;swbreak:;" },
        { new TargetStop.Breakpoint(0x1010, BreakpointType.Hardware), "T05thread:01;hwbreak:;" },
        { new TargetStop.Watch(0xb8000, WatchKind.Write), "T05thread:01;watch:b8000;" },
        { new TargetStop.Watch(0x10, WatchKind.Read), "T05thread:01;rwatch:10;" },
        { new TargetStop.Watch(0xfffffffc, WatchKind.Access), "T05thread:01;awatch:fffffffc;" },
        { new TargetStop.HistoryEdge(AtBegin: true), "T05thread:01;replaylog:begin;" },
        { new TargetStop.HistoryEdge(AtBegin: false), "T05thread:01;replaylog:end;" },
        { new TargetStop.Interrupted(), "T02thread:01;" },
        { new TargetStop.Exited(0), "W00" },
        { new TargetStop.Exited(0x2a), "W2a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formats(TargetStop stop, string expected)
    {
        Assert.Equal(expected, StopReplies.Format(stop, swbreak: true, hwbreak: true));
    }

    [Fact]
    public void BreakpointReasonsOnlyWhenGdbAskedForThem()
    {
        // The manual: swbreak/hwbreak are sent only to a gdb that announced them in qSupported.
        Assert.Equal("T05thread:01;", StopReplies.Format(new TargetStop.Breakpoint(1, BreakpointType.Software), swbreak: false, hwbreak: true));
        Assert.Equal("T05thread:01;", StopReplies.Format(new TargetStop.Breakpoint(1, BreakpointType.Hardware), swbreak: true, hwbreak: false));
    }
}
