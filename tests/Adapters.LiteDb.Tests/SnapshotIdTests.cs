namespace HexEmu.Adapters.LiteDb.Tests;

public sealed class SnapshotIdTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public void Ids_are_small_increasing_numbers_never_reused_even_after_deletes_and_replacements()
    {
        var store = database.Reopen();
        store.Save("a", [1], 0, 1, Patterns.When);
        store.Save("b", [2], 0, 2, Patterns.When);
        store.Delete("b");
        store = database.Reopen();
        store.Save("c", [3], 0, 3, Patterns.When);
        store.Save("a", [4], 0, 4, Patterns.When);

        var list = database.Reopen().List();
        Assert.Equal([("c", "3"), ("a", "4")], list.Select(s => (s.Name, s.Id)));
        Assert.Equal([(byte)3], database.Reopen().ReadVmState("3"));
    }

    [Fact]
    public void An_id_is_matched_before_a_name_and_names_are_case_sensitive()
    {
        var store = database.Reopen();
        store.Save("2", [1], 0, 1, Patterns.When);
        store.Save("Boot", [2], 0, 2, Patterns.When);

        Assert.Equal([(byte)2], store.ReadVmState("2"));
        Assert.Throws<HexEmu.Application.Ports.SnapshotStoreException>(() => store.ReadVmState("boot"));
    }
}
