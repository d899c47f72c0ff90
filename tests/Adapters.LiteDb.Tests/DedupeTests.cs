namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>Pages that did not change between snapshots are stored once, and deleting releases them.</summary>
public sealed class DedupeTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    private long FileLengthAfterClose()
    {
        database.CloseAll(); // LiteDB's closing checkpoint moves everything from its log into the file
        return new FileInfo(database.Path).Length;
    }

    [Fact]
    public void A_second_snapshot_of_the_same_12_MiB_state_grows_the_file_far_less_than_the_first()
    {
        int chunks = (12 << 20) / Patterns.Chunk;
        byte[] state = Patterns.Chunks(chunks, seed: 1);
        long empty = FileLengthAfterClose_Of(() => database.Reopen());
        long afterFirst = FileLengthAfterClose_Of(() => database.Reopen().Save("first", state, 0, 1, Patterns.When));
        int chunksAfterFirst = RawDatabase.Count(database.Path, Schema.Chunks);
        long afterSecond = FileLengthAfterClose_Of(() => database.Reopen().Save("second", state, 0, 2, Patterns.When));

        Assert.True(afterFirst - empty > state.Length * 2 / 3, $"the first snapshot added only {afterFirst - empty} bytes");
        Assert.True(afterSecond - afterFirst < (afterFirst - empty) / 10, $"the second snapshot added {afterSecond - afterFirst} bytes, the first {afterFirst - empty}");
        Assert.Equal(chunksAfterFirst, RawDatabase.Count(database.Path, Schema.Chunks));
        Assert.Equal(Patterns.StoredChunks(chunks), chunksAfterFirst);
    }

    private long FileLengthAfterClose_Of(Action action)
    {
        action();
        return FileLengthAfterClose();
    }

    [Fact]
    public void A_snapshot_with_one_changed_byte_adds_its_chunk_and_one_chunk_of_the_hash_list()
    {
        byte[] state = Patterns.Chunks(1000, seed: 2);
        database.Reopen().Save("before", state, 0, 1, Patterns.When);
        database.CloseAll();
        int before = RawDatabase.Count(database.Path, Schema.Chunks);

        state[500 * Patterns.Chunk + 7] ^= 0xFF;
        database.Reopen().Save("after", state, 0, 2, Patterns.When);
        database.CloseAll();

        Assert.Equal(before + 2, RawDatabase.Count(database.Path, Schema.Chunks));
        Assert.Equal(state, database.Reopen().ReadVmState("after"));
    }

    [Fact]
    public void Deleting_snapshots_and_checkpoints_releases_the_chunks_no_longer_used()
    {
        byte[] state = Patterns.Chunks(600, seed: 3);
        var store = database.Reopen();
        store.Save("a", state, 0, 1, Patterns.When);
        store.Save("b", state, 0, 2, Patterns.When);
        store.SaveCheckpoint("rec", 100, state);
        store.SaveCheckpoint("rec", 200, Patterns.Chunks(600, seed: 4));
        database.CloseAll();
        int all = RawDatabase.Count(database.Path, Schema.Chunks);

        store = database.Reopen();
        store.Delete("a");
        store.DeleteCheckpoints("rec");
        database.CloseAll();
        int onlyB = RawDatabase.Count(database.Path, Schema.Chunks);
        Assert.True(onlyB < all, $"{onlyB} chunks after deleting, {all} before");

        store = database.Reopen();
        Assert.Equal(state, store.ReadVmState("b"));
        store.Delete("b");
        database.CloseAll();
        Assert.Equal(0, RawDatabase.Count(database.Path, Schema.Chunks));
        Assert.Equal(0, RawDatabase.Count(database.Path, Schema.ChunkUses));
    }

    [Fact]
    public void Replacing_a_snapshot_or_a_checkpoint_releases_what_only_the_old_one_used()
    {
        var store = database.Reopen();
        store.Save("s", Patterns.Chunks(50, seed: 10), 0, 1, Patterns.When);
        store.SaveCheckpoint("rec", 7, Patterns.Chunks(50, seed: 11));
        store.Save("s", Patterns.Chunks(50, seed: 12), 0, 1, Patterns.When);
        store.SaveCheckpoint("rec", 7, Patterns.Chunks(50, seed: 13));
        database.CloseAll();

        // The two states left share their zero chunk; nothing of the replaced ones is left.
        Assert.Equal(2 * Patterns.StoredChunks(50) - 1, RawDatabase.Count(database.Path, Schema.Chunks));
    }
}
