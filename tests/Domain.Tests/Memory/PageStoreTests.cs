using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Tests.Memory;

/// <summary>The slab store behind the RAM history's page copies.</summary>
public class PageStoreTests
{
    private static byte[] Page(int seed)
    {
        var bytes = new byte[PhysicalMemory.PageSize];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Copies_keep_their_bytes_until_their_last_holder_lets_go()
    {
        var store = new PageStore();
        store.BeginBatch();
        var slots = Enumerable.Range(0, 150).Select(k => store.Store(Page(k))).ToList();
        Assert.Equal(150, slots.Distinct().Count());
        Assert.Equal(3, store.Slabs); // 64 to a slab
        store.Hold(slots[7]);
        store.Release(slots[7]);
        for (int k = 0; k < 150; k++) Assert.True(store.Bytes(slots[k]).SequenceEqual(Page(k)));
        store.Release(slots[7]);
        Assert.Equal(149, store.Copies);
        int reused = store.Store(Page(1000));
        Assert.Equal(slots[7], reused); // the freed slot is filled before a new slab is taken
        Assert.Equal(3, store.Slabs);
        Assert.True(store.Bytes(slots[8]).SequenceEqual(Page(8)));
    }

    [Fact]
    public void Emptied_slabs_stay_as_spares_for_as_many_as_the_last_batch_took()
    {
        var store = new PageStore();
        store.BeginBatch();
        var first = Enumerable.Range(0, 128).Select(k => store.Store(Page(k))).ToList(); // 2 slabs
        store.BeginBatch();
        var second = Enumerable.Range(0, 64).Select(k => store.Store(Page(k))).ToList(); // 1 slab
        foreach (int slot in first) store.Release(slot);
        Assert.Equal(1, store.Slabs);
        Assert.Equal(1, store.Spares); // the last batch took one slab: one spare is kept
        Assert.Equal(2 * PageStore.SlabCost, store.BytesHeld);

        store.BeginBatch();
        int again = store.Store(Page(5));
        Assert.Equal(0, store.Spares);
        Assert.Equal(2, store.Slabs);
        Assert.True(store.Bytes(again).SequenceEqual(Page(5)));
        foreach (int slot in second) store.Release(slot);
        store.Release(again);
        store.DropSpares();
        Assert.Equal(0, store.BytesHeld);
    }
}
