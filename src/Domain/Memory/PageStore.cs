namespace HexEmu.Domain.Memory;

/// <summary>
/// Copies of 4 KiB pages for <see cref="RamHistory"/>, 64 to a 256 KiB slab, each with a count of
/// the versions that hold it. Slabs live on the large object heap, so the garbage collector
/// neither tracks one object per page nor copies pages from generation to generation, and a slot
/// freed by a discarded checkpoint is filled by the next copy instead of fresh memory.
/// <para>
/// A slab whose last page is released is kept as a spare, up to as many as the last batch of
/// copies (one checkpoint's) needed: under a memory budget each new checkpoint replaces an old
/// one, and copying into memory that is already mapped is many times faster than into fresh
/// memory the system must first provide. Spares count in <see cref="BytesHeld"/>.
/// </para>
/// </summary>
internal sealed class PageStore
{
    public const int PagesPerSlab = 64;
    private const int PageBytes = (int)PhysicalMemory.PageSize;

    /// <summary>What one slab costs: its pages, its hold counts, and the arrays' and object's headers.</summary>
    public const long SlabCost = PagesPerSlab * (PageBytes + sizeof(int)) + 3 * 24 + 32;

    private readonly List<Slab?> _slabs = [];
    private readonly Stack<int> _withRoom = new(); // may hold stale entries (full or freed slabs): checked when used
    private readonly Stack<int> _vacant = new();   // indices of freed slabs, reused first
    private readonly Stack<Slab> _spares = new();
    private int _batchSlabs; // slabs the latest batch took: as many spares are worth keeping

    /// <summary>Slabs holding pages now.</summary>
    public int Slabs { get; private set; }

    /// <summary>Empty slabs kept for the next copies.</summary>
    public int Spares => _spares.Count;

    /// <summary>Distinct page copies held.</summary>
    public int Copies { get; private set; }

    public long BytesHeld => (Slabs + (long)_spares.Count) * SlabCost;

    /// <summary>
    /// Starts a batch of copies (one checkpoint's): the slabs it takes set how many spares are
    /// worth keeping for the next one.
    /// </summary>
    public void BeginBatch() => _batchSlabs = 0;

    /// <summary>Lets every spare go (nothing is held any more, say).</summary>
    public void DropSpares() => _spares.Clear();

    /// <summary>Stores a copy of <paramref name="page"/>, held once; returns its slot.</summary>
    public int Store(ReadOnlySpan<byte> page)
    {
        var (index, slab) = SlabWithRoom();
        int bit = System.Numerics.BitOperations.TrailingZeroCount(~slab.Used);
        page.CopyTo(slab.Bytes.AsSpan(bit * PageBytes, PageBytes));
        slab.Used |= 1UL << bit;
        slab.Holders[bit] = 1;
        Copies++;
        return index * PagesPerSlab + bit;
    }

    public ReadOnlySpan<byte> Bytes(int slot) =>
        _slabs[slot / PagesPerSlab]!.Bytes.AsSpan(slot % PagesPerSlab * PageBytes, PageBytes);

    /// <summary>One more version holds the copy in <paramref name="slot"/>.</summary>
    public void Hold(int slot) => _slabs[slot / PagesPerSlab]!.Holders[slot % PagesPerSlab]++;

    /// <summary>One version fewer holds it; the last one frees it.</summary>
    public void Release(int slot)
    {
        int index = slot / PagesPerSlab, bit = slot % PagesPerSlab;
        var slab = _slabs[index]!;
        if (--slab.Holders[bit] > 0) return;
        bool wasFull = slab.Used == ulong.MaxValue;
        slab.Used &= ~(1UL << bit);
        Copies--;
        if (slab.Used == 0)
        {
            _slabs[index] = null;
            _vacant.Push(index);
            Slabs--;
            if (_spares.Count < _batchSlabs) _spares.Push(slab);
        }
        else if (wasFull)
            _withRoom.Push(index);
    }

    private (int Index, Slab Slab) SlabWithRoom()
    {
        while (_withRoom.TryPeek(out int candidate))
        {
            if (_slabs[candidate] is { } slab && slab.Used != ulong.MaxValue) return (candidate, slab);
            _withRoom.Pop();
        }
        int index;
        if (_vacant.Count > 0)
            index = _vacant.Pop();
        else
        {
            index = _slabs.Count;
            _slabs.Add(null);
        }
        var fresh = _spares.Count > 0 ? _spares.Pop() : new Slab();
        fresh.Used = 0;
        _batchSlabs++;
        _slabs[index] = fresh;
        _withRoom.Push(index);
        Slabs++;
        return (index, fresh);
    }

    private sealed class Slab
    {
        public readonly byte[] Bytes = GC.AllocateUninitializedArray<byte>(PagesPerSlab * PageBytes);
        public readonly int[] Holders = new int[PagesPerSlab];
        public ulong Used;
    }
}
