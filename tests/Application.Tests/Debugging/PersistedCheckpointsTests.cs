using HexEmu.Application.Debugging;
using HexEmu.Application.Ports;

namespace HexEmu.Application.Tests.Debugging;

/// <summary>
/// Which states get persisted and which persisted states are worth loading, over an in-memory
/// store (a unit test: the real stores run the contract suite in their adapter projects, and
/// Host.Tests' PersistedCheckpointTests runs the whole path with a real LiteDB file).
/// </summary>
public sealed class PersistedCheckpointsTests
{
    private const long Spacing = 1000;

    private sealed class MemoryStore : ICheckpointStore
    {
        public readonly SortedDictionary<long, byte[]> States = [];
        public int Finds;
        public bool Broken;
        /// <summary>Writes wait for this (a slow store).</summary>
        public readonly ManualResetEventSlim WritesMayFinish = new(initialState: true);

        public void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state)
        {
            if (!WritesMayFinish.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the test never let the write finish");
            if (Broken) throw new SnapshotStoreException("the store is unreachable");
            States[icount] = state.ToArray();
        }

        public StoredCheckpoint? FindCheckpoint(string recording, long icount)
        {
            Finds++;
            if (Broken) throw new SnapshotStoreException("the store is unreachable");
            var at = States.Keys.Where(k => k <= icount).DefaultIfEmpty(-1).Max();
            return at < 0 ? null : new StoredCheckpoint(at, States[at]);
        }

        public IReadOnlyList<long> ListCheckpoints(string recording) => [.. States.Keys];

        public void DeleteCheckpoints(string recording) => States.Clear();
    }

    [Fact]
    public void A_state_is_due_a_spacing_away_from_the_origin_and_from_every_persisted_one()
    {
        var store = new MemoryStore();
        store.States[5000] = [1];
        var persisted = new PersistedCheckpoints(store, "rec", Spacing, _ => { }, origin: 0);

        Assert.False(persisted.IsDue(999));      // too near the origin
        Assert.True(persisted.IsDue(1000));
        Assert.False(persisted.IsDue(4500));     // too near the one at 5000
        Assert.False(persisted.IsDue(5999));
        Assert.True(persisted.IsDue(6000));

        persisted.Save(6000, [2]);
        Assert.True(persisted.Complete(TimeSpan.FromSeconds(30)));
        Assert.False(persisted.IsDue(6500));
        Assert.Equal(2, persisted.Count);
        Assert.Equal(1, persisted.Saves);
    }

    [Fact]
    public void Only_a_state_saving_half_a_spacing_of_replay_is_offered_and_the_store_is_asked_only_then()
    {
        var store = new MemoryStore();
        store.States[5000] = [1];
        var persisted = new PersistedCheckpoints(store, "rec", Spacing, _ => { });

        Assert.Null(persisted.FindUseful(atOrBefore: 4999, after: 0));   // after the target
        Assert.Null(persisted.FindUseful(atOrBefore: 9000, after: 4600)); // saves only 400
        Assert.Equal(0, store.Finds);
        Assert.Equal(5000, persisted.FindUseful(atOrBefore: 9000, after: 4500)!.Icount);
        Assert.Equal(1, store.Finds);
    }

    [Fact]
    public void A_state_is_written_in_the_background_and_nothing_else_is_due_until_it_is_stored()
    {
        var store = new MemoryStore();
        store.WritesMayFinish.Reset();
        var persisted = new PersistedCheckpoints(store, "rec", Spacing, _ => { });

        byte[] state = [1, 2, 3];
        persisted.Save(1000, state);
        state[0] = 9; // the caller's buffer is reused at once: the write has its own copy
        Assert.False(persisted.IsDue(5000));
        Assert.Equal(0, persisted.Saves);
        Assert.False(persisted.Complete(TimeSpan.FromMilliseconds(50)));

        store.WritesMayFinish.Set();
        Assert.True(persisted.Complete(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, persisted.Saves);
        Assert.Equal([1, 2, 3], store.States[1000]);
        Assert.True(persisted.IsDue(5000));
    }

    [Fact]
    public void A_failing_store_is_reported_once_and_then_left_alone()
    {
        var store = new MemoryStore();
        store.States[5000] = [1];
        var warnings = new List<string>();
        var persisted = new PersistedCheckpoints(store, "rec", Spacing, warnings.Add);
        store.Broken = true;

        persisted.Save(2000, [2]);
        Assert.True(persisted.Complete(TimeSpan.FromSeconds(30)));
        Assert.False(persisted.IsDue(8000));
        Assert.Null(persisted.FindUseful(9000, 0));
        Assert.Equal(0, store.Finds);
        Assert.Equal(["checkpoints are no longer persisted in this session: the store is unreachable"], warnings);
    }

    [Fact]
    public void A_state_that_did_not_load_is_never_offered_again()
    {
        var store = new MemoryStore();
        store.States[5000] = [1];
        var warnings = new List<string>();
        var persisted = new PersistedCheckpoints(store, "rec", Spacing, warnings.Add);

        persisted.Forget(5000, "damaged");
        Assert.Null(persisted.FindUseful(9000, 0));
        Assert.Equal(["persisted checkpoint at icount 5000 not used: damaged"], warnings);
    }
}
