using System.Text;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>What the session does after a request was handled.</summary>
internal abstract record Outcome
{
    /// <summary>Send these packets (console output first, the reply last); an empty payload is the empty reply.</summary>
    public sealed record Reply(IReadOnlyList<byte[]> Packets, bool EnterNoAckMode = false) : Outcome
    {
        public static Reply Text(string payload) => new([Encoding.ASCII.GetBytes(payload)]);
    }

    /// <summary>Run the target; the stop reply is sent when it stops.</summary>
    public sealed record Resume(ResumeAction Action) : Outcome;

    /// <summary>'k': the target was told to end; no reply, the connection closes.</summary>
    public sealed record Killed : Outcome;

    /// <summary>'D': reply OK, detach, and close.</summary>
    public sealed record Detach : Outcome;
}
