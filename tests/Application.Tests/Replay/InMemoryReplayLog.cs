using HexEmu.Application.Ports;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Tests.Replay;

/// <summary>A replay log kept as a list of events: the sessions' logic tested without the byte format.</summary>
public sealed class InMemoryReplayLog : IReplayLogWriter
{
    public List<ReplayEvent> Events { get; } = [];
    public int Flushes { get; private set; }

    public void Append(ReplayEvent e) => Events.Add(e);
    public void Flush() => Flushes++;
    public void Dispose() { }

    /// <summary>A reader over <paramref name="events"/>.</summary>
    public static IReplayLogReader Reader(IEnumerable<ReplayEvent> events, ReplayHeader? header = null) =>
        new ListReader([.. events], header ?? new ReplayHeader(0, "test", []));

    private sealed class ListReader(List<ReplayEvent> events, ReplayHeader header) : IReplayLogReader
    {
        private int _next;
        public ReplayHeader Header => header;

        public bool TryReadNext(out ReplayEvent? e)
        {
            e = _next < events.Count ? events[_next++] : null;
            return e is not null;
        }

        public void Dispose() { }
    }
}
