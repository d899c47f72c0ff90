using HexEmu.Application.Ports;

namespace HexEmu.Application.Debugging;

/// <summary>
/// Reverse-debugging checkpoints of one recording kept in a snapshot store beyond the process:
/// while a replay runs under the debugger, every <see cref="Spacing"/> instructions of new history
/// a whole VM state goes to the store; a later session of the same recording then jumps to the
/// nearest one instead of replaying everything before it. The store is asked for a state only
/// when one is known to lie where it helps (a sorted list of the recording's icounts is read
/// once at start and kept up to date), so stepping backwards never waits on a slow store.
/// A failing store is reported once and then left alone: persisting is an optimisation, never a
/// reason to stop debugging. Used on the machine thread only; the store it is given must accept
/// calls from the background writer too (<see cref="Storage.SharedSnapshotStore"/>).
/// </summary>
public sealed class PersistedCheckpoints
{
    private readonly ICheckpointStore _store;
    private readonly string _recording;
    private readonly Action<string> _warn;
    private readonly List<long> _known;
    private readonly long _origin;
    private bool _failed;
    /// <summary>The checkpoint being written in the background, if any.</summary>
    private (long Icount, Task Write)? _pending;

    /// <param name="recording">The recording's key in the store (its log's content hash).</param>
    /// <param name="spacing">Instructions of history between two persisted checkpoints (> 0).</param>
    /// <param name="warn">Where a store failure is reported (once).</param>
    /// <param name="origin">Where this session's replay begins: reached without any checkpoint, so none is persisted within a spacing of it.</param>
    public PersistedCheckpoints(ICheckpointStore store, string recording, long spacing, Action<string> warn, long origin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(spacing, 0);
        _store = store;
        _recording = recording;
        Spacing = spacing;
        _warn = warn;
        _origin = origin;
        _known = Guarded(() => new List<long>(store.ListCheckpoints(recording))) ?? [];
    }

    public long Spacing { get; }

    /// <summary>How many checkpoints of this recording the store holds, as far as this session knows.</summary>
    public int Count
    {
        get
        {
            Collect();
            return _known.Count;
        }
    }

    /// <summary>How many times a session jumped to a persisted checkpoint.</summary>
    public int Restores { get; private set; }

    /// <summary>How many checkpoints this session wrote.</summary>
    public int Saves
    {
        get
        {
            Collect();
            return _saves;
        }
    }

    private int _saves;

    /// <summary>Whether a state at <paramref name="icount"/> should be persisted: no persisted one lies within a spacing of it.</summary>
    public bool IsDue(long icount)
    {
        Collect();
        if (_failed || _pending is not null || icount - _origin < Spacing) return false;
        int index = _known.BinarySearch(icount);
        if (index >= 0) return false;
        index = ~index;
        bool farFromBelow = index == 0 || icount - _known[index - 1] >= Spacing;
        bool farFromAbove = index == _known.Count || _known[index] - icount >= Spacing;
        return farFromBelow && farFromAbove;
    }

    /// <summary>
    /// Starts writing <paramref name="state"/> (copied) as the checkpoint at <paramref name="icount"/>
    /// on a background thread, so the replay does not wait for the store (a whole state may take
    /// seconds to reach it). One write at a time: while it runs, nothing else is due.
    /// </summary>
    public void Save(long icount, ReadOnlySpan<byte> state)
    {
        Collect();
        if (_failed || _pending is not null) return;
        byte[] copy = state.ToArray();
        _pending = (icount, Task.Run(() => _store.SaveCheckpoint(_recording, icount, copy)));
    }

    /// <summary>
    /// Waits (at most <paramref name="bound"/>) for a write in progress, as the process ends: a
    /// store is not closed under it. False if it was still running then.
    /// </summary>
    public bool Complete(TimeSpan bound)
    {
        if (_pending is { } pending && !((IAsyncResult)pending.Write).AsyncWaitHandle.WaitOne(bound)) return false;
        Collect(); // a failed write is reported here
        return true;
    }

    /// <summary>Takes note of a finished background write: a known checkpoint more, or a failing store.</summary>
    private void Collect()
    {
        if (_pending is not { } pending || !pending.Write.IsCompleted) return;
        _pending = null;
        if (pending.Write.Exception?.InnerException is { } error)
        {
            Fail(error.Message);
            return;
        }
        int index = _known.BinarySearch(pending.Icount);
        if (index < 0) _known.Insert(~index, pending.Icount);
        _saves++;
    }

    /// <summary>
    /// The latest persisted checkpoint in (<paramref name="after"/>, <paramref name="atOrBefore"/>]
    /// worth loading instead of replaying from <paramref name="after"/>: it must save at least half
    /// a spacing of replay (loading a whole state costs about as much). Null if there is none or
    /// the store fails.
    /// </summary>
    public StoredCheckpoint? FindUseful(long atOrBefore, long after)
    {
        Collect();
        if (_failed) return null;
        int index = _known.BinarySearch(atOrBefore);
        index = index >= 0 ? index : ~index - 1;
        if (index < 0 || _known[index] - after < Math.Max(1, Spacing / 2)) return null;
        var found = Guarded(() => _store.FindCheckpoint(_recording, atOrBefore));
        if (found is null || found.Icount <= after) return null;
        return found;
    }

    /// <summary>A persisted checkpoint was loaded.</summary>
    public void NoteRestored() => Restores++;

    /// <summary>A persisted checkpoint could not be loaded (damaged, or of an incompatible build): never offer it again.</summary>
    public void Forget(long icount, string why)
    {
        int index = _known.BinarySearch(icount);
        if (index >= 0) _known.RemoveAt(index);
        _warn($"persisted checkpoint at icount {icount} not used: {why}");
    }

    private T? Guarded<T>(Func<T?> call) where T : class
    {
        try
        {
            return call();
        }
        catch (SnapshotStoreException e)
        {
            Fail(e.Message);
            return null;
        }
    }

    private void Fail(string why)
    {
        _failed = true;
        _warn($"checkpoints are no longer persisted in this session: {why}");
    }
}
