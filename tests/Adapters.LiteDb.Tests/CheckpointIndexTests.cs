using System.Diagnostics;
using Xunit.Abstractions;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>The nearest checkpoint at or before an icount is an index seek on (recording, icount), not a scan.</summary>
public sealed class CheckpointIndexTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public void The_nearest_checkpoint_query_seeks_the_key_index()
    {
        var store = database.Reopen();
        store.SaveCheckpoint("rec", 10, [1, 2, 3]);
        var plan = store.NearestCheckpointPlan("rec", 15);
        output.WriteLine(plan.ToString());

        Assert.Equal("$._id", plan["index"]["expr"].AsString);
        Assert.StartsWith("INDEX RANGE SCAN", plan["index"]["mode"].AsString);
        // Walked backwards from the icount asked for, stopping at the first: no sort of all the matches.
        Assert.Equal(-1, plan["index"]["order"].AsInt32);
        Assert.False(plan.ContainsKey("orderBy"), "the order should come from the index, not a sort of the matches");
        Assert.Equal(1, plan["limit"].AsInt32);
    }

    [Fact]
    public void Among_10_000_checkpoints_of_two_recordings_lookups_find_the_nearest_at_or_before()
    {
        var store = database.Reopen();
        var save = Stopwatch.StartNew();
        for (long i = 1; i <= 10_000; i++)
        {
            store.SaveCheckpoint("long-run", i * 1_000, BitConverter.GetBytes(i));
            if (i % 10 == 0) store.SaveCheckpoint("other", i * 1_000 + 500, BitConverter.GetBytes(-i));
        }
        save.Stop();
        store = database.Reopen();

        var random = new Random(41);
        var find = Stopwatch.StartNew();
        const int lookups = 1_000;
        for (int n = 0; n < lookups; n++)
        {
            long icount = random.NextInt64(0, 10_002_000);
            var found = store.FindCheckpoint("long-run", icount);
            long expected = Math.Min(icount / 1_000, 10_000);
            if (expected == 0) Assert.Null(found);
            else
            {
                Assert.Equal(expected * 1_000, found!.Icount);
                Assert.Equal(BitConverter.GetBytes(expected), found.State);
            }
        }
        find.Stop();
        Assert.Equal(1_000, store.ListCheckpoints("other").Count);
        Assert.Equal(10_500, store.FindCheckpoint("other", 20_499)!.Icount);
        output.WriteLine($"11 000 checkpoints saved in {save.Elapsed.TotalSeconds:F1} s; nearest-at-or-before lookup {find.Elapsed.TotalMicroseconds / lookups:F0} µs each (with the state read)");
    }

    [Fact]
    public void Negative_and_extreme_icounts_keep_their_order()
    {
        var store = database.Reopen();
        foreach (long icount in new[] { long.MaxValue, -5, 0, long.MinValue, 7 })
            store.SaveCheckpoint("r", icount, BitConverter.GetBytes(icount));
        Assert.Equal([long.MinValue, -5L, 0, 7, long.MaxValue], store.ListCheckpoints("r"));
        Assert.Equal(-5, store.FindCheckpoint("r", -1)!.Icount);
        Assert.Equal(long.MinValue, store.FindCheckpoint("r", -6)!.Icount);
    }
}
