using HexEmu.Application.Ports;
using LiteDB;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>What the store refuses to misread: damaged chunks and documents of a schema it does not know.</summary>
public sealed class CorruptionTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public void A_byte_flipped_in_a_chunk_inside_the_file_is_detected_on_read_with_a_clear_error()
    {
        byte[] state = Patterns.Chunks(30, seed: 21);
        database.Reopen().Save("s", state, 0, 1, Patterns.When);
        database.CloseAll();

        // A run of chunk 4's random bytes (within one LiteDB page) occurs once in the file; flip one byte of it.
        byte[] file = File.ReadAllBytes(database.Path);
        var needle = state.AsSpan(4 * Patterns.Chunk + 100, 64);
        int at = file.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "chunk 4's bytes are not in the file");
        Assert.Equal(-1, file.AsSpan(at + 1).IndexOf(needle));
        file[at + 10] ^= 0x01;
        File.WriteAllBytes(database.Path, file);

        var e = Assert.Throws<SnapshotStoreException>(() => database.Reopen().ReadVmState("s"));
        Assert.Contains("corrupt", e.Message);
        Assert.Contains(database.Path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_chunk_whose_content_no_longer_matches_its_hash_is_detected_on_read()
    {
        byte[] state = Patterns.Chunks(10, seed: 22);
        database.Reopen().Save("s", state, 0, 1, Patterns.When);
        database.CloseAll();
        using (var raw = RawDatabase.Open(database.Path))
        {
            var chunks = raw.GetCollection(Schema.Chunks);
            var victim = chunks.FindAll().First(c => c[Schema.ChunkData].AsBinary.Length == Patterns.Chunk && c[Schema.ChunkData].AsBinary.Any(b => b != 0));
            byte[] data = victim[Schema.ChunkData].AsBinary;
            data[0] ^= 0x80;
            victim[Schema.ChunkData] = data;
            chunks.Update(victim);
        }

        var e = Assert.Throws<SnapshotStoreException>(() => database.Reopen().ReadVmState("s"));
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void A_database_of_a_newer_schema_version_is_refused_at_open_and_left_as_it_was()
    {
        database.Reopen().Save("s", Patterns.Chunks(4, seed: 23), 0, 1, Patterns.When);
        database.CloseAll();
        using (var raw = RawDatabase.Open(database.Path))
        {
            var meta = raw.GetCollection(Schema.Meta);
            var header = meta.FindById(Schema.MetaId);
            header[Schema.Version] = 2;
            meta.Update(header);
        }
        byte[] before = File.ReadAllBytes(database.Path);

        var e = Assert.Throws<SnapshotStoreException>(() => LiteDbSnapshotStore.Open(database.Path));
        Assert.Contains("schema version 2", e.Message);
        Assert.Contains(database.Path, e.Message);
        Assert.Equal(before, File.ReadAllBytes(database.Path));
    }

    [Fact]
    public void A_snapshot_or_checkpoint_document_of_an_unknown_version_is_refused_on_read()
    {
        var store = database.Reopen();
        store.Save("s", Patterns.Chunks(4, seed: 24), 0, 1, Patterns.When);
        store.SaveCheckpoint("rec", 10, Patterns.Chunks(4, seed: 25));
        database.CloseAll();
        using (var raw = RawDatabase.Open(database.Path))
        {
            foreach (var name in new[] { Schema.Snapshots, Schema.Checkpoints })
            {
                var collection = raw.GetCollection(name);
                var document = collection.FindAll().Single();
                document[Schema.Version] = 9;
                collection.Update(document);
            }
        }

        store = database.Reopen();
        Assert.Contains("document version 9", Assert.Throws<SnapshotStoreException>(() => store.List()).Message);
        Assert.Contains("document version 9", Assert.Throws<SnapshotStoreException>(() => store.FindCheckpoint("rec", 10)).Message);
    }

    [Fact]
    public void A_snapshot_document_with_a_field_of_the_wrong_type_is_a_clear_error()
    {
        database.Reopen().Save("s", Patterns.Chunks(2, seed: 26), 0, 1, Patterns.When);
        database.CloseAll();
        using (var raw = RawDatabase.Open(database.Path))
        {
            var snapshots = raw.GetCollection(Schema.Snapshots);
            var document = snapshots.FindAll().Single();
            document[Schema.Size] = "large";
            snapshots.Update(document);
        }

        var e = Assert.Throws<SnapshotStoreException>(() => database.Reopen().ReadVmState("s"));
        Assert.Contains($"field '{Schema.Size}'", e.Message);
        Assert.Contains(database.Path, e.Message);
    }

    [Fact]
    public void A_snapshot_whose_hash_list_is_corrupt_can_still_be_replaced_and_deleted_without_harming_the_others()
    {
        byte[] shared = Patterns.Chunks(20, seed: 27);
        var store = database.Reopen();
        store.Save("damaged", shared, 0, 1, Patterns.When);
        store.Save("sound", shared, 0, 2, Patterns.When);
        store.Save("other", Patterns.Chunks(20, seed: 28), 0, 3, Patterns.When);
        database.CloseAll();
        using (var raw = RawDatabase.Open(database.Path))
        {
            // "damaged" and "sound" share their chunks; break "damaged" alone by pointing its index
            // at a hash-list chunk that does not exist.
            var snapshots = raw.GetCollection(Schema.Snapshots);
            var damaged = snapshots.FindAll().First(d => d[Schema.Name] == "damaged");
            byte[] index = damaged[Schema.ChunkIndex].AsBinary;
            index[0] ^= 0xFF;
            damaged[Schema.ChunkIndex] = index;
            snapshots.Update(damaged);
        }

        store = database.Reopen();
        Assert.Throws<SnapshotStoreException>(() => store.ReadVmState("damaged"));
        store.Save("damaged", Patterns.Chunks(3, seed: 29), 0, 4, Patterns.When);
        store.Delete("damaged");
        Assert.Equal(shared, store.ReadVmState("sound"));
        Assert.Equal(Patterns.Chunks(20, seed: 28), store.ReadVmState("other"));
        Assert.Equal(["sound", "other"], store.List().Select(s => s.Name));
    }
}
