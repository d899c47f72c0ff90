namespace HexEmu.Application.Monitor;

/// <summary>What the monitor's record/replay commands need (`info replay`, replay_break, replay_seek).</summary>
public interface IReplayMonitor
{
    /// <summary>True while replaying, false while recording.</summary>
    bool Replaying { get; }

    /// <summary>The log file (rrfile=).</summary>
    string File { get; }

    /// <summary>The machine's instruction count now.</summary>
    long Icount { get; }

    /// <summary>Pause the replay when it reaches <paramref name="icount"/> (replaying only; the caller checks it is ahead).</summary>
    void SetBreak(long icount);

    void DeleteBreak();

    /// <summary>
    /// Puts the machine back to the latest snapshot taken during this replay at or before
    /// <paramref name="icount"/> and returns that snapshot's icount; throws (with a message) if
    /// there is none.
    /// </summary>
    long GoBackTo(long icount);

    /// <summary>
    /// Under reverse debugging: moves straight to <paramref name="icount"/>, in either direction,
    /// through the checkpoints (this session's and those persisted by earlier ones), and pauses
    /// there; false, with nothing done, when the replay has no reverse debugging.
    /// </summary>
    bool TrySeekDirectly(long icount);

    /// <summary>What reverse debugging holds (checkpoints and their memory), one line; null without it.</summary>
    string? ReverseDebugging { get; }
}
