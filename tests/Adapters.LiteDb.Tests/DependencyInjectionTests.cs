using HexEmu.Application.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.LiteDb.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public void AddLiteDbSnapshots_registers_one_store_as_snapshot_and_checkpoint_store_closed_with_the_container()
    {
        var services = new ServiceCollection().AddLiteDbSnapshots(database.Path);
        using (var provider = services.BuildServiceProvider())
        {
            var snapshots = provider.GetRequiredService<ISnapshotStore>();
            var checkpoints = provider.GetRequiredService<ICheckpointStore>();
            Assert.IsType<LiteDbSnapshotStore>(snapshots);
            Assert.Same(snapshots, checkpoints);
            Assert.Same(snapshots, provider.GetRequiredService<ISnapshotStore>());
            snapshots.Save("s", [1, 2, 3], 0, 1, Patterns.When);
        }
        // The container disposed the store, so the file is free again.
        Assert.Equal([(byte)1, 2, 3], database.Reopen().ReadVmState("s"));
    }
}
