using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Requests;

/// <summary>A packet from gdb, parsed: the session never looks at packet text.</summary>
internal abstract record GdbRequest
{
    // Connection set-up.

    /// <summary>qSupported, with the features gdb announced (e.g. "swbreak+").</summary>
    public sealed record QuerySupported(IReadOnlyList<string> Features) : GdbRequest;

    /// <summary>QStartNoAckMode.</summary>
    public sealed record StartNoAckMode : GdbRequest;

    /// <summary>qXfer:features:read:ANNEX:OFFSET,LENGTH.</summary>
    public sealed record ReadFeatures(string Annex, uint Offset, uint Length) : GdbRequest;

    // Threads (there is one, thread 1) and the process.

    /// <summary>'?': why the target is stopped.</summary>
    public sealed record QueryStopReason : GdbRequest;

    /// <summary>qAttached: whether gdb attached to an existing process (so it detaches, not kills, on quit).</summary>
    public sealed record QueryAttached : GdbRequest;

    /// <summary>qC.</summary>
    public sealed record QueryCurrentThread : GdbRequest;

    /// <summary>qfThreadInfo (<paramref name="First"/>) or qsThreadInfo.</summary>
    public sealed record QueryThreadList(bool First) : GdbRequest;

    /// <summary>H op thread-id: selects a thread; with one thread every choice is fine.</summary>
    public sealed record SetThread : GdbRequest;

    /// <summary>T thread-id: whether that thread is alive.</summary>
    public sealed record ThreadAlive(bool IsOurThread) : GdbRequest;

    /// <summary>qSymbol: gdb offers symbol lookups; the stub needs none.</summary>
    public sealed record QuerySymbol : GdbRequest;

    // Registers and memory.

    /// <summary>'g'.</summary>
    public sealed record ReadRegisters : GdbRequest;

    /// <summary>'G' with the registers' bytes.</summary>
    public sealed record WriteRegisters(byte[] Data) : GdbRequest;

    /// <summary>'p n'.</summary>
    public sealed record ReadRegister(uint Number) : GdbRequest;

    /// <summary>'P n=value'.</summary>
    public sealed record WriteRegister(uint Number, byte[] Value) : GdbRequest;

    /// <summary>'m addr,length'.</summary>
    public sealed record ReadMemory(uint Address, uint Length) : GdbRequest;

    /// <summary>'M addr,length:hex' or 'X addr,length:binary' (the data already decoded).</summary>
    public sealed record WriteMemory(uint Address, byte[] Data) : GdbRequest;

    // Execution.

    /// <summary>c, s, C, S, vCont (forwards), bc, bs (backwards); <paramref name="Address"/> is where to resume, if given.</summary>
    public sealed record Resume(ResumeAction Action, uint? Address = null) : GdbRequest;

    /// <summary>vCont?.</summary>
    public sealed record QueryResumeActions : GdbRequest;

    /// <summary>Z type,addr,kind (<paramref name="Insert"/>) or z type,addr,kind.</summary>
    public sealed record Breakpoint(bool Insert, BreakpointType Type, uint Address, uint Kind) : GdbRequest;

    /// <summary>'k'.</summary>
    public sealed record Kill : GdbRequest;

    /// <summary>'D'.</summary>
    public sealed record Detach : GdbRequest;

    /// <summary>qRcmd: gdb's `monitor` command line.</summary>
    public sealed record Monitor(string Command) : GdbRequest;

    // Everything else.

    /// <summary>A packet the stub does not implement (or vMustReplyEmpty): the reply is empty.</summary>
    public sealed record Unsupported(string Name) : GdbRequest;

    /// <summary>A packet the stub knows whose arguments do not parse: an error reply.</summary>
    public sealed record Malformed(string Reason) : GdbRequest;
}
