namespace HexEmu.Domain.Memory;

/// <summary>
/// RAM's contents at a set of points in time, kept incrementally: per 4 KiB page a short list of
/// versions, each owned by one point. Points stand in a sequence, and a page at a point reads as
/// its latest version at or before that point in the sequence (zeros when there is none). So the
/// first point copies every non-zero page, and each later one only the pages that differ from the
/// point it was taken after — found through <see cref="PhysicalMemory"/>'s dirty bits.
/// <para>
/// RAM always reads as its <em>reference</em> point plus the pages dirtied since (plus pages noted
/// as pending when a reference point is discarded). A new point goes into the sequence just after
/// the reference — also when that reference was restored and other points follow it — and the
/// point after it gets an explicit version of every page the new one changed and it did not, so
/// that it keeps reading as before. Discarding a point hands each of its versions to the point
/// after it when that point has none of its own for the page. Such carried-over versions share
/// the copy they stand for (copies live in a <see cref="PageStore"/>, counted by holders); a page
/// written back with the bytes it had at the reference costs nothing.
/// </para>
/// <para>
/// Restoring a point rewrites the pages that are dirty plus those with a version between the
/// reference and the point (in either direction), and makes the point the reference.
/// </para>
/// </summary>
internal sealed class RamHistory
{
    private const int PageBytes = (int)PhysicalMemory.PageSize;

    /// <summary>A version: its entry in the page's list (two references) and the page number in its owner's list.</summary>
    internal const long VersionCost = 16 + 4;

    /// <summary>A page's version list when it has one: the list object and its array's header.</summary>
    internal const long ListCost = 32 + 24;

    private const int Zeros = -1;

    private readonly PhysicalMemory _memory;
    private readonly PageStore _store = new();
    private readonly uint _pages;
    private readonly List<RamPoint> _order = [];
    private readonly List<PageVersion>?[] _versions;
    private readonly ulong[] _pending;
    private readonly ulong[] _scratch;
    private RamPoint? _reference;
    private long _bookkeepingBytes;

    public RamHistory(PhysicalMemory memory)
    {
        _memory = memory;
        _pages = memory.RamPages;
        _versions = new List<PageVersion>?[_pages];
        int words = (int)((_pages + 63) / 64);
        _pending = new ulong[words];
        _scratch = new ulong[words];
    }

    /// <summary>Bytes held by page copies (whole slabs, see <see cref="PageStore"/>) and version bookkeeping.</summary>
    public long BytesHeld => _store.BytesHeld + _bookkeepingBytes;

    /// <summary>Live points.</summary>
    public int Count => _order.Count;

    /// <summary>Distinct page copies held (shared copies count once).</summary>
    public int PageCopies => _store.Copies;

    /// <summary>Records RAM as it is now; returns the new point, which becomes the reference.</summary>
    public RamPoint Take()
    {
        var point = new RamPoint();
        int basePosition = _reference?.Position ?? -1;
        int at = basePosition + 1;
        _order.Insert(at, point);
        Renumber(at);
        RamPoint? next = at + 1 < _order.Count ? _order[at + 1] : null;

        Span<byte> ram = _memory.Ram;
        _store.BeginBatch();
        if (_reference is null)
            MarkAll(_scratch);
        else
            CollectDirty(_scratch);
        foreach (uint page in SetBits(_scratch))
        {
            var current = ram.Slice((int)(page * PhysicalMemory.PageSize), PageBytes);
            int before = SlotAt(page, basePosition);
            int copy;
            if (before == Zeros)
            {
                if (!current.ContainsAnyExcept((byte)0)) continue;
                copy = _store.Store(current);
            }
            else
            {
                if (current.SequenceEqual(_store.Bytes(before))) continue;
                copy = current.ContainsAnyExcept((byte)0) ? _store.Store(current) : Zeros;
            }
            int index = AddVersion(page, new PageVersion(point, copy), stored: true);
            var versions = _versions[page]!;
            if (next is not null && !(index + 1 < versions.Count && versions[index + 1].Owner == next))
                AddVersion(page, new PageVersion(next, before), stored: false); // the next point keeps reading what it read
        }
        _reference = point;
        Array.Clear(_pending);
        _memory.StartDirtyEpoch(); // no TLB flush: taking a point must not change how the guest runs
        return point;
    }

    /// <summary>Puts RAM back as it was at <paramref name="point"/>, which becomes the reference.</summary>
    public void Restore(RamPoint point)
    {
        CheckLive(point);
        int from = _reference!.Position, to = point.Position;
        CollectDirty(_scratch);
        for (int position = Math.Min(from, to) + 1; position <= Math.Max(from, to); position++)
            foreach (uint page in _order[position].Pages)
                _scratch[page >> 6] |= 1UL << (int)(page & 63);
        foreach (uint page in SetBits(_scratch))
            _memory.RestorePage(page, BytesOf(SlotAt(page, to)));
        _reference = point;
        Array.Clear(_pending);
        _memory.ClearDirty();
    }

    /// <summary>Forgets <paramref name="point"/>; every other point reads as before.</summary>
    public void Discard(RamPoint point)
    {
        CheckLive(point);
        int position = point.Position;
        RamPoint? previous = position > 0 ? _order[position - 1] : null;
        RamPoint? next = position + 1 < _order.Count ? _order[position + 1] : null;
        bool wasReference = point == _reference;
        if (wasReference && previous is not null)
        {
            // RAM reads as the previous point except where this one had versions (and where dirty).
            _reference = previous;
            foreach (uint page in point.Pages) _pending[page >> 6] |= 1UL << (int)(page & 63);
        }

        foreach (uint page in point.Pages)
        {
            var versions = _versions[page]!;
            int index = IndexOf(versions, point);
            var version = versions[index];
            if (next is not null && !(index + 1 < versions.Count && versions[index + 1].Owner == next))
            {
                versions[index] = version with { Owner = next };
                next.Pages.Add(page);
            }
            else
                RemoveVersion(page, index);
        }
        point.Pages.Clear();
        _order.RemoveAt(position);
        Renumber(position);
        point.Position = -1;

        if (_order.Count == 0) _store.DropSpares();
        if (wasReference && previous is null)
        {
            // The next point differs from the discarded one only where it has versions of its own.
            _reference = next;
            if (next is not null)
                foreach (uint page in next.Pages) _pending[page >> 6] |= 1UL << (int)(page & 63);
        }
    }

    /// <summary>The bytes of <paramref name="page"/> at <paramref name="point"/> (for tests); empty for zeros.</summary>
    internal ReadOnlySpan<byte> PageAt(RamPoint point, uint page)
    {
        CheckLive(point);
        return BytesOf(SlotAt(page, point.Position));
    }

    private void CheckLive(RamPoint point)
    {
        if (point.Position < 0 || point.Position >= _order.Count || _order[point.Position] != point)
            throw new ArgumentException("not a live point of this history", nameof(point));
    }

    private void Renumber(int from)
    {
        for (int i = from; i < _order.Count; i++) _order[i].Position = i;
    }

    private ReadOnlySpan<byte> BytesOf(int slot) => slot == Zeros ? default : _store.Bytes(slot);

    /// <summary>The page's copy at a position: its latest version at or before it; <see cref="Zeros"/> when none.</summary>
    private int SlotAt(uint page, int position)
    {
        var versions = _versions[page];
        if (versions is null) return Zeros;
        int index = LastAtOrBefore(versions, position);
        return index < 0 ? Zeros : versions[index].Slot;
    }

    /// <summary>Index of the last version whose owner stands at or before <paramref name="position"/>, or −1.</summary>
    private static int LastAtOrBefore(List<PageVersion> versions, int position)
    {
        int lo = 0, hi = versions.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (versions[mid].Owner.Position <= position) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    private static int IndexOf(List<PageVersion> versions, RamPoint owner)
    {
        int index = LastAtOrBefore(versions, owner.Position);
        if (index < 0 || versions[index].Owner != owner) throw new InvalidOperationException("RAM history lost a version");
        return index;
    }

    /// <summary>
    /// Inserts a version in position order (its owner has none for the page yet); returns its
    /// index. <paramref name="stored"/>: its copy was just stored (held once already), else it
    /// shares one that other versions hold.
    /// </summary>
    private int AddVersion(uint page, PageVersion version, bool stored)
    {
        var versions = _versions[page];
        if (versions is null)
        {
            _versions[page] = versions = new List<PageVersion>(2);
            _bookkeepingBytes += ListCost;
        }
        int index = LastAtOrBefore(versions, version.Owner.Position) + 1;
        versions.Insert(index, version);
        version.Owner.Pages.Add(page);
        _bookkeepingBytes += VersionCost;
        if (!stored && version.Slot != Zeros) _store.Hold(version.Slot);
        return index;
    }

    private void RemoveVersion(uint page, int index)
    {
        var versions = _versions[page]!;
        if (versions[index].Slot != Zeros) _store.Release(versions[index].Slot);
        versions.RemoveAt(index);
        _bookkeepingBytes -= VersionCost;
        if (versions.Count == 0)
        {
            _versions[page] = null;
            _bookkeepingBytes -= ListCost;
        }
    }

    /// <summary>The pages whose contents may differ from the reference point: dirty ones and pending ones.</summary>
    private void CollectDirty(ulong[] into)
    {
        var dirty = _memory.DirtyPageBits;
        for (int i = 0; i < into.Length; i++) into[i] = dirty[i] | _pending[i];
    }

    private void MarkAll(ulong[] into)
    {
        Array.Fill(into, ulong.MaxValue);
        int tail = (int)(_pages & 63);
        if (tail != 0) into[^1] = (1UL << tail) - 1;
    }

    /// <summary>The set bits' page numbers, clearing them as it goes (the scratch bitmap is left empty).</summary>
    private static IEnumerable<uint> SetBits(ulong[] bits)
    {
        for (int i = 0; i < bits.Length; i++)
        {
            while (bits[i] != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(bits[i]);
                bits[i] &= bits[i] - 1;
                yield return (uint)(i * 64 + bit);
            }
        }
    }

    /// <summary>A page's bytes from <paramref name="Owner"/> on: a slot of the page store, or <see cref="Zeros"/>.</summary>
    private readonly record struct PageVersion(RamPoint Owner, int Slot);
}

/// <summary>One point of a <see cref="RamHistory"/>.</summary>
internal sealed class RamPoint
{
    /// <summary>Where the point stands in its history's sequence; −1 once discarded.</summary>
    internal int Position;

    /// <summary>The pages the point has a version of.</summary>
    internal readonly List<uint> Pages = [];
}
