using HexEmu.Application.Ports;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>
/// One writer per database file: a second store — in a real second process, or on another thread
/// of this one — is refused at once with an error naming the file, and the first is unharmed.
/// </summary>
public sealed class SingleWriterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public void A_second_process_opening_the_file_is_refused_with_the_files_name()
    {
        var store = database.Reopen();
        store.Save("mine", Patterns.Chunks(8, seed: 31), 0, 1, Patterns.When);

        using var second = SecondProcess.Start("open", database.Path);
        string answer = SecondProcess.ReadLine(second, Bound);
        Assert.True(second.WaitForExit(Bound), "the second process did not end");

        Assert.StartsWith("refused: ", answer);
        Assert.Contains(database.Path, answer);
        Assert.Contains("another process", answer);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(Patterns.Chunks(8, seed: 31), store.ReadVmState("mine"));
    }

    [Fact]
    public void A_second_store_on_another_thread_is_refused_within_a_bounded_time()
    {
        var store = database.Reopen();
        var attempt = Task.Run(() => LiteDbSnapshotStore.Open(database.Path));
        Assert.True(((IAsyncResult)attempt).AsyncWaitHandle.WaitOne(Bound), "opening a held file did not return");

        var e = Assert.IsType<SnapshotStoreException>(attempt.Exception?.InnerException);
        Assert.Contains(database.Path, e.Message);
        store.Save("still-mine", Patterns.Chunks(2, seed: 32), 0, 1, Patterns.When);
        Assert.Single(store.List());
    }

    [Fact]
    public void A_file_held_by_another_process_is_refused_and_usable_again_once_that_process_is_killed_keeping_what_it_saved()
    {
        using var holder = SecondProcess.Start("hold", database.Path, "from-holder");
        Assert.Equal("holding", SecondProcess.ReadLine(holder, Bound));

        var e = Assert.Throws<SnapshotStoreException>(() => LiteDbSnapshotStore.Open(database.Path));
        Assert.Contains(database.Path, e.Message);

        // Killed without closing: the OS drops its lock, and its committed save is in LiteDB's log.
        holder.Kill();
        Assert.True(holder.WaitForExit(Bound));
        var store = database.Reopen();
        Assert.Equal(["from-holder"], store.List().Select(s => s.Name));
        Assert.Equal(Patterns.Chunks(64, seed: 5), store.ReadVmState("from-holder"));
    }

    [Fact]
    public void After_a_store_is_closed_another_process_can_open_the_file()
    {
        database.Reopen().Save("s", Patterns.Chunks(2, seed: 33), 0, 1, Patterns.When);
        database.CloseAll();

        using var second = SecondProcess.Start("open", database.Path);
        Assert.Equal("opened", SecondProcess.ReadLine(second, Bound));
        Assert.True(second.WaitForExit(Bound));
        Assert.Equal(0, second.ExitCode);
    }
}
