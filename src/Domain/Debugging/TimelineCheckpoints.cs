namespace HexEmu.Domain.Debugging;

/// <summary>The timeline's checkpoints in ascending order of position, with the engine's handle and size of each.</summary>
internal sealed class TimelineCheckpoints
{
    private readonly List<long> positions = [];
    private readonly List<Entry> entries = [];

    public readonly record struct Entry(long Icount, CheckpointId Id, long Bytes);

    public int Count => entries.Count;

    public Entry this[int index] => entries[index];

    /// <summary>The positions, ascending (what the policy reads).</summary>
    public IReadOnlyList<long> Positions => positions;

    public IReadOnlyList<CheckpointInfo> Infos() => entries.ConvertAll(e => new CheckpointInfo(e.Icount, e.Bytes));

    /// <summary>Index of the latest checkpoint at or before <paramref name="icount"/>, or -1.</summary>
    public int LastAtOrBelow(long icount)
    {
        int index = positions.BinarySearch(icount);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Index of the latest checkpoint strictly before <paramref name="icount"/>, or -1.</summary>
    public int LastBelow(long icount)
    {
        int index = positions.BinarySearch(icount);
        return (index >= 0 ? index : ~index) - 1;
    }

    public bool Contains(long icount) => positions.BinarySearch(icount) >= 0;

    public void Add(Entry entry)
    {
        int index = positions.BinarySearch(entry.Icount);
        if (index >= 0) throw new InvalidOperationException($"A checkpoint at {entry.Icount} exists already.");
        positions.Insert(~index, entry.Icount);
        entries.Insert(~index, entry);
    }

    /// <summary>Removes the checkpoint at <paramref name="icount"/>, if any, and returns it.</summary>
    public Entry? Remove(long icount)
    {
        int index = positions.BinarySearch(icount);
        if (index < 0) return null;
        var entry = entries[index];
        positions.RemoveAt(index);
        entries.RemoveAt(index);
        return entry;
    }
}
