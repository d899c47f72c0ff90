using HexEmu.Application.Ports;

namespace HexEmu.Tests.Contracts;

/// <summary>
/// What every snapshot store promises (issue 7: one contract, the same behaviour on qcow2, LiteDB
/// and Azure Blob). An adapter's test project includes this file and derives a class that opens
/// its store; <see cref="Reopen"/> must give a new store object over the same storage, so the
/// tests also show that what was saved outlives the object that saved it.
/// </summary>
public abstract class SnapshotStoreContract : IDisposable
{
    /// <summary>A store over this test's storage (new object each call, same storage).</summary>
    protected abstract ISnapshotStore Reopen();

    /// <summary>The same storage as a checkpoint store.</summary>
    protected ICheckpointStore Checkpoints(ISnapshotStore store) =>
        store as ICheckpointStore ?? throw new InvalidOperationException($"{store.GetType().Name} does not keep checkpoints");

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private static readonly DateTimeOffset When = new(2026, 11, 26, 10, 30, 15, TimeSpan.Zero);

    /// <summary>A state with a recognisable, position-dependent pattern and long runs of zeros (as RAM has).</summary>
    protected static byte[] State(int length, int seed)
    {
        var bytes = new byte[length];
        var random = new Random(seed);
        for (int at = 0; at < length; at += 4096)
            if (random.Next(3) > 0) random.NextBytes(bytes.AsSpan(at, Math.Min(4096, length - at)));
        return bytes;
    }

    [Fact]
    public void A_new_store_lists_nothing()
    {
        Assert.Empty(Reopen().List());
    }

    [Fact]
    public void A_saved_snapshot_is_listed_with_its_icount_clock_date_and_size_and_reads_back_exactly()
    {
        byte[] state = State(300_000, 1);
        Reopen().Save("boot", state, vmClockNs: 123_456_789, icount: 4_242, When);

        var store = Reopen();
        var info = Assert.Single(store.List());
        Assert.Equal("boot", info.Name);
        Assert.Equal(4_242, info.Icount);
        Assert.Equal(123_456_789, info.VmClockNs);
        Assert.Equal(When, info.Date);
        Assert.Equal((ulong)state.Length, info.VmStateSize);
        Assert.Equal(state, store.ReadVmState("boot"));
        Assert.Equal(state, store.ReadVmState(info.Id));
        store.RestoreDisks("boot");
    }

    [Fact]
    public void Snapshots_are_listed_in_the_order_they_were_taken_with_distinct_ids()
    {
        var store = Reopen();
        foreach (var (name, k) in new[] { ("one", 1), ("two", 2), ("three", 3) })
            store.Save(name, State(10_000, k), k * 1000, k, When.AddSeconds(k));
        var list = Reopen().List();
        Assert.Equal(["one", "two", "three"], list.Select(s => s.Name));
        Assert.Equal(3, list.Select(s => s.Id).Distinct().Count());
        Assert.Equal(State(10_000, 2), Reopen().ReadVmState("two"));
    }

    [Fact]
    public void Saving_under_a_name_that_exists_replaces_that_snapshot()
    {
        Reopen().Save("s", State(5_000, 1), 1, 10, When);
        Reopen().Save("s", State(7_000, 2), 2, 20, When.AddMinutes(1));
        var store = Reopen();
        var info = Assert.Single(store.List());
        Assert.Equal(20, info.Icount);
        Assert.Equal(State(7_000, 2), store.ReadVmState("s"));
    }

    [Fact]
    public void Deleting_removes_one_snapshot_and_unknown_names_are_one_line_errors()
    {
        var store = Reopen();
        store.Save("a", State(1_000, 1), 0, 1, When);
        store.Save("b", State(1_000, 2), 0, 2, When);
        store.Delete("a");
        Assert.Equal(["b"], Reopen().List().Select(s => s.Name));
        foreach (var attempt in new Action<ISnapshotStore>[] { s => s.Delete("a"), s => s.ReadVmState("nope"), s => s.RestoreDisks("nope") })
        {
            var e = Assert.Throws<SnapshotStoreException>(() => attempt(Reopen()));
            Assert.DoesNotContain('\n', e.Message);
            Assert.NotEmpty(e.Message);
        }
    }

    [Fact]
    public void A_large_state_with_repeated_pages_reads_back_exactly()
    {
        byte[] state = State(12 << 20, 7);
        Reopen().Save("big", state, 0, 1, When);
        Reopen().Save("big-again", state, 0, 2, When);
        var store = Reopen();
        Assert.Equal(state, store.ReadVmState("big"));
        Assert.Equal(state, store.ReadVmState("big-again"));
        store.Delete("big");
        Assert.Equal(state, Reopen().ReadVmState("big-again"));
    }

    [Fact]
    public void Checkpoints_are_found_at_or_before_an_icount_per_recording()
    {
        var checkpoints = Checkpoints(Reopen());
        foreach (long icount in new long[] { 300, 100, 200 })
            checkpoints.SaveCheckpoint("rec-a", icount, State(20_000, (int)icount));
        checkpoints.SaveCheckpoint("rec-b", 150, State(20_000, 150));

        var again = Checkpoints(Reopen());
        Assert.Equal([100L, 200, 300], again.ListCheckpoints("rec-a"));
        Assert.Equal([150L], again.ListCheckpoints("rec-b"));
        Assert.Empty(again.ListCheckpoints("rec-c"));
        Assert.Null(again.FindCheckpoint("rec-a", 99));
        var at250 = again.FindCheckpoint("rec-a", 250)!;
        Assert.Equal(200, at250.Icount);
        Assert.Equal(State(20_000, 200), at250.State);
        Assert.Equal(300, again.FindCheckpoint("rec-a", 300)!.Icount);
        Assert.Equal(300, again.FindCheckpoint("rec-a", long.MaxValue)!.Icount);
        Assert.Equal(150, again.FindCheckpoint("rec-b", 1_000)!.Icount);
    }

    [Fact]
    public void A_checkpoint_at_the_same_icount_replaces_the_old_one_and_checkpoints_are_not_snapshots()
    {
        var store = Reopen();
        store.Save("vm", State(1_000, 9), 0, 5, When);
        var checkpoints = Checkpoints(store);
        checkpoints.SaveCheckpoint("rec", 500, State(8_000, 1));
        checkpoints.SaveCheckpoint("rec", 500, State(8_000, 2));

        var again = Reopen();
        Assert.Equal(["vm"], again.List().Select(s => s.Name));
        Assert.Equal([500L], Checkpoints(again).ListCheckpoints("rec"));
        Assert.Equal(State(8_000, 2), Checkpoints(again).FindCheckpoint("rec", 500)!.State);
    }

    [Fact]
    public void Deleting_a_recordings_checkpoints_leaves_the_others_and_the_snapshots()
    {
        var store = Reopen();
        store.Save("vm", State(1_000, 9), 0, 5, When);
        var checkpoints = Checkpoints(store);
        checkpoints.SaveCheckpoint("rec-a", 10, State(4_000, 1));
        checkpoints.SaveCheckpoint("rec-a", 20, State(4_000, 2));
        checkpoints.SaveCheckpoint("rec-b", 10, State(4_000, 3));
        checkpoints.DeleteCheckpoints("rec-a");

        var again = Reopen();
        Assert.Empty(Checkpoints(again).ListCheckpoints("rec-a"));
        Assert.Null(Checkpoints(again).FindCheckpoint("rec-a", 100));
        Assert.Equal(State(4_000, 3), Checkpoints(again).FindCheckpoint("rec-b", 10)!.State);
        Assert.Equal(State(1_000, 9), again.ReadVmState("vm"));
    }
}
