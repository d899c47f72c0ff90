using HexEmu.Adapters.Gdb;
using HexEmu.Adapters.LiteDb;
using HexEmu.Adapters.Qcow2;
using HexEmu.Application.Ports;
using HexEmu.Host.Composition;
using HexEmu.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Host.Tests;

/// <summary>
/// The composition root: each backend setting puts its adapter behind the ports (a real LiteDB
/// file here; Azure Blob is covered end to end by its adapter's tests against Azurite), nothing is
/// opened before it is asked for, and the qcow2 factory follows QEMU's rule for the VM state drive.
/// </summary>
public sealed class CompositionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-composition-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_qcow2_default_registers_no_byte_store_and_the_drive_factory_and_gdb_server()
    {
        using var services = HostServices.Build(new SnapshotSettings(SnapshotBackend.Qcow2));
        Assert.Null(services.GetService<ISnapshotStore>());
        Assert.NotNull(services.GetService<Qcow2SnapshotStoreFactory>());
        Assert.NotNull(services.GetService<GdbServerFactory>());
    }

    [Fact]
    public void LiteDb_puts_one_store_behind_both_ports_opened_on_first_use_and_closed_with_the_container()
    {
        string path = Path.Combine(_dir, "vm.db");
        var services = HostServices.Build(new SnapshotSettings(SnapshotBackend.LiteDb, LiteDbPath: path));
        Assert.False(File.Exists(path));
        var store = services.GetRequiredService<ISnapshotStore>();
        Assert.IsType<LiteDbSnapshotStore>(store);
        Assert.Same(store, services.GetRequiredService<ICheckpointStore>());
        Assert.True(File.Exists(path));

        services.Dispose();
        // Closed: another store can take the file's single-writer lock now.
        using var again = LiteDbSnapshotStore.Open(path);
        Assert.Empty(again.List());
    }

    [Fact]
    public void The_qcow2_factory_puts_the_vm_state_on_the_drive_with_id_rr_else_on_the_first()
    {
        using var first = Qcow2Image.Create(Path.Combine(_dir, "a.qcow2"), 1 << 20);
        using var rr = Qcow2Image.Create(Path.Combine(_dir, "rr.qcow2"), 1 << 20);
        var factory = new Qcow2SnapshotStoreFactory();
        Assert.Null(factory.Create([]));

        factory.Create([new("disk0", first), new("rr", rr)])!.Save("s1", [1, 2, 3], vmClockNs: 0, icount: 0, DateTimeOffset.UnixEpoch);
        Assert.Equal(3UL, rr.Snapshots.Single(s => s.Name == "s1").VmStateSize);
        Assert.Equal(0UL, first.Snapshots.Single(s => s.Name == "s1").VmStateSize); // its disk's snapshot only

        factory.Create([new("disk0", first)])!.Save("s2", [4, 5], vmClockNs: 0, icount: 0, DateTimeOffset.UnixEpoch);
        Assert.Equal(2UL, first.Snapshots.Single(s => s.Name == "s2").VmStateSize);
    }
}
