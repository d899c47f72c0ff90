using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using HexEmu.Application.Ports;
using HexEmu.Tests.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>What the Azure store promises beyond the contract: chunked transfers, ids, SAS access, DI.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StoreTests(AzuriteFixture fixture, ITestOutputHelper output) : ContainerTestBase(fixture)
{

    [Fact]
    public void A_64_MiB_state_goes_up_in_parallel_blocks_and_reads_back_exactly()
    {
        var state = State(64 << 20, 1);
        var clock = Stopwatch.StartNew();
        Open().Save("ram", state, 0, 1, When);
        var saved = clock.Elapsed;
        clock.Restart();
        var read = Open().ReadVmState("ram");
        output.WriteLine($"64 MiB: save {saved.TotalMilliseconds:F0} ms, read {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(state, read);
        var blocks = BehindTheStoresBack.GetBlockBlobClient("snapshots/1").GetBlockList().Value.CommittedBlocks.ToList();
        Assert.Equal((64 << 20) / BlobTransfer.BlockSize, blocks.Count);
        Assert.All(blocks, b => Assert.Equal(BlobTransfer.BlockSize, b.SizeLong));
    }

    [Fact]
    public void A_large_checkpoint_goes_up_in_blocks_and_reads_back_exactly()
    {
        var state = State(BlobTransfer.BlockSize * 2 + 12_345, 2);
        Open().SaveCheckpoint("rec", 1_000_000, state);
        var found = Open().FindCheckpoint("rec", 2_000_000)!;
        Assert.Equal(1_000_000, found.Icount);
        Assert.Equal(state, found.State);
    }

    [Fact]
    public void An_empty_state_round_trips()
    {
        Open().Save("empty", [], 0, 0, When);
        Assert.Empty(Open().ReadVmState("empty"));
        Assert.Equal(0UL, Assert.Single(Open().List()).VmStateSize);
    }

    [Fact]
    public void Ids_are_never_reused_after_a_delete_and_names_of_any_text_survive()
    {
        var store = Open();
        store.Save("a", State(100, 1), 0, 1, When);
        store.Save("b", State(100, 2), 0, 2, When);
        store.Delete("b");
        store.Save("ç/ü %20 \"snap\"", State(100, 3), 0, 3, When);
        var list = Open().List();
        Assert.Equal(["1", "3"], list.Select(s => s.Id));
        Assert.Equal(["a", "ç/ü %20 \"snap\""], list.Select(s => s.Name));
        Assert.Equal(State(100, 3), Open().ReadVmState("3"));
    }

    [Fact]
    public void An_id_is_looked_up_before_a_name()
    {
        var store = Open();
        store.Save("2", State(100, 1), 0, 1, When); // id 1, named "2"
        store.Save("x", State(100, 2), 0, 2, When); // id 2
        Assert.Equal(State(100, 2), store.ReadVmState("2"));
        Assert.Equal(State(100, 1), store.ReadVmState("1"));
    }

    [Fact]
    public void Processes_saving_at_once_get_distinct_ids()
    {
        Open();
        var stores = Enumerable.Range(0, 6).Select(_ => Open()).ToList();
        Parallel.For(0, stores.Count, new ParallelOptions { MaxDegreeOfParallelism = stores.Count },
            i => stores[i].Save($"s{i}", State(1_000, i), 0, i, When));
        var list = Open().List();
        Assert.Equal(6, list.Count);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], list.Select(s => s.Id).Order());
        foreach (var snapshot in list)
            Assert.Equal(State(1_000, int.Parse(snapshot.Name[1..])), Open().ReadVmState(snapshot.Id));
    }

    [Fact]
    public void A_save_interrupted_before_the_old_snapshot_of_its_name_went_leaves_the_newer_in_force()
    {
        Open().Save("s", State(1_000, 1), 0, 1, When);
        // What a crash between committing the new blob and deleting the old one leaves: two blobs of one name.
        var old = BehindTheStoresBack.GetBlobClient("snapshots/1");
        BehindTheStoresBack.GetBlobClient("snapshots/5").StartCopyFromUri(old.Uri).WaitForCompletion();
        var copy = BehindTheStoresBack.GetBlobClient("snapshots/5");
        var metadata = copy.GetProperties().Value.Metadata;
        metadata["icount"] = "55";
        copy.SetMetadata(metadata);

        var info = Assert.Single(Open().List());
        Assert.Equal(("5", 55L), (info.Id, info.Icount));
        Open().Delete("s");
        Assert.Empty(Open().List());
        Assert.Empty(BehindTheStoresBack.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "snapshots/", CancellationToken.None));
    }

    [Fact]
    public void A_container_sas_opens_an_existing_container()
    {
        Open().Save("s", State(10_000, 1), 0, 1, When);
        var sas = BehindTheStoresBack.GenerateSasUri(BlobContainerSasPermissions.All, When.AddYears(10));
        var store = AzureBlobSnapshotStore.Connect(sas);
        Assert.Equal(State(10_000, 1), store.ReadVmState("s"));
        store.Save("t", State(10_000, 2), 0, 2, When);
        Assert.Equal(["s", "t"], Open().List().Select(s => s.Name));
    }

    [Fact]
    public void An_account_sas_with_a_service_uri_creates_the_container()
    {
        var service = new BlobServiceClient(Azurite.ConnectionString);
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.All, When.AddYears(10), AccountSasResourceTypes.All);
        var store = AzureBlobSnapshotStore.Connect(sas, Container);
        store.Save("s", State(10_000, 1), 0, 1, When);
        Assert.True(BehindTheStoresBack.Exists().Value);
        Assert.Equal(State(10_000, 1), Open().ReadVmState("s"));
    }

    [Fact]
    public void The_dependency_injection_extension_gives_one_store_as_both_ports()
    {
        using var provider = new ServiceCollection().AddAzureBlobSnapshots(Azurite.ConnectionString, Container).BuildServiceProvider();
        var snapshots = provider.GetRequiredService<ISnapshotStore>();
        Assert.IsType<AzureBlobSnapshotStore>(snapshots);
        Assert.Same(snapshots, provider.GetRequiredService<ICheckpointStore>());
        snapshots.Save("s", State(100, 1), 0, 1, When);
        Assert.Equal(State(100, 1), Open().ReadVmState("s"));
    }
}
