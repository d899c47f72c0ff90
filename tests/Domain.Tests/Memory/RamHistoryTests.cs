using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Tests.Memory;

/// <summary>
/// The incremental RAM history behind the reverse debugger's checkpoints, held against the
/// obvious oracle: a full copy of RAM at every point.
/// </summary>
public class RamHistoryTests
{
    private const int Page = (int)PhysicalMemory.PageSize;

    private static void Fill(PhysicalMemory memory, uint page, byte value)
    {
        // The slow path marks the page dirty, as every write path must.
        for (uint at = 0; at < Page; at += 4)
            memory.Write(page * (uint)Page + at, 4, value * 0x0101_0101u);
    }

    private static byte[] PageBytes(byte value) => Enumerable.Repeat(value, Page).ToArray();

    [Fact]
    public void The_first_point_copies_only_the_non_zero_pages()
    {
        var memory = new PhysicalMemory(64 * PhysicalMemory.PageSize);
        Fill(memory, 3, 0x33);
        Fill(memory, 40, 0x40);
        Fill(memory, 41, 0); // written, but zeros
        var history = new RamHistory(memory);
        history.Take();
        Assert.Equal(2, history.PageCopies);
        Assert.Equal(PageStore.SlabCost + 2 * (RamHistory.VersionCost + RamHistory.ListCost), history.BytesHeld);
    }

    [Fact]
    public void A_later_point_copies_only_pages_that_changed_since_the_one_before()
    {
        var memory = new PhysicalMemory(64 * PhysicalMemory.PageSize);
        Fill(memory, 3, 0x33);
        var history = new RamHistory(memory);
        history.Take();
        Fill(memory, 3, 0x33); // dirty, same bytes
        memory.MarkDirty(9);   // made writable to a TLB, never written
        history.Take();
        Assert.Equal(1, history.PageCopies);
        Fill(memory, 9, 0x99);
        history.Take();
        Assert.Equal(2, history.PageCopies);
    }

    [Fact]
    public void Restoring_puts_back_written_pages_and_pages_that_were_zero()
    {
        var memory = new PhysicalMemory(16 * PhysicalMemory.PageSize);
        Fill(memory, 1, 0x11);
        var history = new RamHistory(memory);
        var a = history.Take();
        Fill(memory, 1, 0x12);
        Fill(memory, 2, 0x22);
        var b = history.Take();
        Fill(memory, 1, 0x13);
        Fill(memory, 5, 0x55);

        history.Restore(a);
        Assert.Equal(PageBytes(0x11), memory.Ram.Slice(Page, Page).ToArray());
        Assert.Equal(PageBytes(0), memory.Ram.Slice(2 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0), memory.Ram.Slice(5 * Page, Page).ToArray());

        history.Restore(b);
        Assert.Equal(PageBytes(0x12), memory.Ram.Slice(Page, Page).ToArray());
        Assert.Equal(PageBytes(0x22), memory.Ram.Slice(2 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0), memory.Ram.Slice(5 * Page, Page).ToArray());
    }

    [Fact]
    public void A_point_taken_after_restoring_an_older_one_leaves_the_later_points_as_they_were()
    {
        var memory = new PhysicalMemory(16 * PhysicalMemory.PageSize);
        var history = new RamHistory(memory);
        Fill(memory, 1, 0xA1);
        var a = history.Take();
        Fill(memory, 2, 0xB2);
        var b = history.Take();           // page 2 = B2, page 3 = 0
        history.Restore(a);
        Fill(memory, 3, 0xC3);            // a page b never had
        var c = history.Take();           // between a and b in the sequence
        Fill(memory, 2, 0xD2);

        history.Restore(b);
        Assert.Equal(PageBytes(0xA1), memory.Ram.Slice(1 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0xB2), memory.Ram.Slice(2 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0), memory.Ram.Slice(3 * Page, Page).ToArray());
        history.Restore(c);
        Assert.Equal(PageBytes(0), memory.Ram.Slice(2 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0xC3), memory.Ram.Slice(3 * Page, Page).ToArray());

        history.Discard(a);
        history.Restore(b);
        Assert.Equal(PageBytes(0xA1), memory.Ram.Slice(1 * Page, Page).ToArray());
        Assert.Equal(PageBytes(0), memory.Ram.Slice(3 * Page, Page).ToArray());
    }

    [Fact]
    public void Discarding_every_point_releases_everything()
    {
        var memory = new PhysicalMemory(16 * PhysicalMemory.PageSize);
        var history = new RamHistory(memory);
        var points = new List<RamPoint>();
        for (int k = 0; k < 5; k++)
        {
            Fill(memory, (uint)k, (byte)(k + 1));
            Fill(memory, 10, (byte)(k + 1));
            points.Add(history.Take());
        }
        Assert.True(history.BytesHeld > 0);
        foreach (var p in new[] { points[2], points[0], points[4], points[1], points[3] }) history.Discard(p);
        Assert.Equal(0, history.Count);
        Assert.Equal(0, history.PageCopies);
        Assert.Equal(0, history.BytesHeld);
    }

    [Fact]
    public void A_discarded_or_foreign_point_is_refused()
    {
        var memory = new PhysicalMemory(16 * PhysicalMemory.PageSize);
        var history = new RamHistory(memory);
        var a = history.Take();
        history.Take();
        history.Discard(a);
        Assert.Throws<ArgumentException>(() => history.Restore(a));
        Assert.Throws<ArgumentException>(() => history.Discard(a));
        var other = new RamHistory(new PhysicalMemory(16 * PhysicalMemory.PageSize)).Take();
        Assert.Throws<ArgumentException>(() => history.Restore(other));
    }

    /// <summary>
    /// Random writes (slow path, direct writes after MarkDirty, dirty marks without a change,
    /// pages written back to zeros), takes, restores and discards in any order; after every
    /// restore RAM equals the full copy made when the point was taken, and so does every live
    /// point's view of every page now and then.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_operations_match_full_copies(int seed)
    {
        const int pages = 160; // copies fill several slabs of the page store
        var memory = new PhysicalMemory(pages * PhysicalMemory.PageSize);
        var history = new RamHistory(memory);
        var copies = new Dictionary<RamPoint, byte[]>();
        var live = new List<RamPoint>();
        var rng = new Random(seed);
        int restores = 0, takesAfterRestore = 0, discards = 0;
        bool restoredSinceTake = false;

        for (int step = 0; step < 2500; step++)
        {
            int op = rng.Next(20);
            if (op < 10 || live.Count == 0 && op >= 13)
            {
                uint page = (uint)rng.Next(pages);
                switch (rng.Next(4))
                {
                    case 0:
                        memory.Write(page * (uint)Page + (uint)rng.Next(Page / 4) * 4, 4, (uint)rng.Next());
                        break;
                    case 1:
                        memory.MarkDirty(page); // the TLB path: marked first, then written directly
                        rng.NextBytes(memory.Ram.Slice((int)page * Page + rng.Next(Page - 64), 64));
                        break;
                    case 2:
                        memory.MarkDirty(page);
                        break;
                    default:
                        memory.MarkDirty(page);
                        memory.Ram.Slice((int)page * Page, Page).Clear();
                        break;
                }
            }
            else if (op < 13)
            {
                var p = history.Take();
                copies[p] = memory.Ram.ToArray();
                live.Add(p);
                if (restoredSinceTake) takesAfterRestore++;
                restoredSinceTake = false;
            }
            else if (op < 17)
            {
                var p = live[rng.Next(live.Count)];
                history.Restore(p);
                Assert.True(copies[p].AsSpan().SequenceEqual(memory.Ram), $"step {step}: RAM differs after a restore");
                restores++;
                restoredSinceTake = true;
            }
            else
            {
                var p = live[rng.Next(live.Count)];
                history.Discard(p);
                live.Remove(p);
                copies.Remove(p);
                discards++;
            }

            if (step % 100 == 99)
                foreach (var p in live)
                    for (uint page = 0; page < pages; page++)
                    {
                        var expected = copies[p].AsSpan((int)page * Page, Page);
                        var held = history.PageAt(p, page);
                        Assert.True(held.IsEmpty ? !expected.ContainsAnyExcept((byte)0) : held.SequenceEqual(expected),
                                    $"step {step}: a point's page {page} differs");
                    }
        }
        Assert.True(restores > 50 && takesAfterRestore > 20 && discards > 20, $"{restores} restores, {takesAfterRestore} takes after a restore, {discards} discards");
        foreach (var p in live) history.Discard(p);
        Assert.Equal(0, history.BytesHeld);
    }
}
