using HexEmu.Domain.Io;

namespace HexEmu.Application.Debugging;

/// <summary>
/// Going back in a replay re-executes history, and with it every byte the guest wrote to its
/// serial ports and debug consoles. The user saw those bytes once; this gate passes on only the
/// ones the replay has not produced before. A replay is deterministic, so counting bytes per
/// sink is exact: each checkpoint keeps the counts (<see cref="Capture"/>), restoring it puts
/// them back (<see cref="Restore"/>), and a byte goes out only once its count passes the most
/// ever sent.
/// </summary>
public sealed class ReplayOutputGate
{
    private readonly List<GatedSink> _sinks = [];

    /// <summary>Puts <paramref name="sink"/> behind the gate (null stays null).</summary>
    public IByteSink? Wrap(IByteSink? sink)
    {
        if (sink is null) return null;
        var gated = new GatedSink(sink);
        _sinks.Add(gated);
        return gated;
    }

    /// <summary>How many bytes each sink has been given on the way to the current position.</summary>
    public long[] Capture() => [.. _sinks.Select(s => s.Produced)];

    /// <summary>Back at a checkpoint: the counts it captured.</summary>
    public void Restore(long[] produced)
    {
        for (int k = 0; k < _sinks.Count && k < produced.Length; k++) _sinks[k].Produced = produced[k];
    }

    private sealed class GatedSink(IByteSink inner) : IByteSink
    {
        /// <summary>Bytes written on the way to the current position.</summary>
        public long Produced;
        /// <summary>The most bytes ever passed on.</summary>
        private long _sent;

        public void Write(byte value)
        {
            if (++Produced <= _sent) return; // history repeating itself
            _sent = Produced;
            inner.Write(value);
        }
    }
}
