using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using HexEmu.Application.Ports;
using HexEmu.Tests.Azurite;
using Xunit.Abstractions;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>What goes wrong with remote storage, each a one-line error and never a hang or a leaked secret.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FailureTests(AzuriteFixture fixture, ITestOutputHelper output) : ContainerTestBase(fixture)
{

    private static void AssertOneLine(SnapshotStoreException e, params string[] secrets)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, e.Message);
    }

    [Fact]
    public void A_snapshot_blob_overwritten_behind_the_stores_back_is_reported_corrupt_on_reading()
    {
        Open().Save("s", State(300_000, 1), 0, 1, When);
        var blob = BehindTheStoresBack.GetBlobClient("snapshots/1");
        var metadata = blob.GetProperties().Value.Metadata;
        var bytes = blob.DownloadContent().Value.Content.ToArray();
        bytes[123_456] ^= 0x40;
        blob.Upload(new BinaryData(bytes), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata });

        var e = Assert.Throws<SnapshotStoreException>(() => Open().ReadVmState("s"));
        output.WriteLine(e.Message);
        Assert.Contains("is corrupt", e.Message);
        Assert.Contains("'s'", e.Message);
        AssertOneLine(e, AzuriteProcess.Key);
    }

    [Fact]
    public void One_block_of_a_multi_block_state_replaced_behind_the_stores_back_is_reported_corrupt_on_reading()
    {
        var state = State(3 * BlobTransfer.BlockSize - 1000, 2);
        Open().Save("big", state, 0, 1, When);
        var blob = BehindTheStoresBack.GetBlockBlobClient("snapshots/1");
        var metadata = blob.GetProperties().Value.Metadata;
        var ids = blob.GetBlockList().Value.CommittedBlocks.Select(b => b.Name).ToList();
        Assert.Equal(3, ids.Count);
        var middle = state.AsSpan(BlobTransfer.BlockSize, BlobTransfer.BlockSize).ToArray();
        middle[42] ^= 1;
        blob.StageBlock(ids[1], new MemoryStream(middle));
        blob.CommitBlockList(ids, new Azure.Storage.Blobs.Models.CommitBlockListOptions { Metadata = metadata });

        var e = Assert.Throws<SnapshotStoreException>(() => Open().ReadVmState("big"));
        output.WriteLine(e.Message);
        Assert.Contains("is corrupt", e.Message);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_reported_and_the_others_still_read()
    {
        var store = Open();
        store.SaveCheckpoint("rec", 10, State(5_000, 1));
        store.SaveCheckpoint("rec", 20, State(5_000, 2));
        var blob = BehindTheStoresBack.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "checkpoints/", CancellationToken.None).Single(b => b.Name.EndsWith("00000000000000000020", StringComparison.Ordinal));
        var client = BehindTheStoresBack.GetBlobClient(blob.Name);
        var metadata = client.GetProperties().Value.Metadata;
        client.Upload(new BinaryData(State(5_000, 3)), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata });

        var e = Assert.Throws<SnapshotStoreException>(() => Open().FindCheckpoint("rec", 25));
        output.WriteLine(e.Message);
        Assert.Contains("is corrupt", e.Message);
        Assert.Equal(State(5_000, 1), Open().FindCheckpoint("rec", 15)!.State);
    }

    [Fact]
    public void A_wrong_account_key_is_a_clear_error_that_names_the_account_and_container_but_not_the_key()
    {
        string wrongKey = Convert.ToBase64String(State(64, 99));
        var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(Azurite.ConnectionStringWithKey(wrongKey), Container));
        output.WriteLine(e.Message);
        Assert.Contains(AzuriteProcess.Account, e.Message);
        Assert.Contains(Container, e.Message);
        Assert.Contains("refused access", e.Message);
        AssertOneLine(e, wrongKey, AzuriteProcess.Key, "AccountKey");
    }

    [Fact]
    public void A_malformed_connection_string_or_key_is_a_clear_error_that_does_not_quote_it()
    {
        foreach (string connectionString in new[] { "AccountName=x;AccountKey", Azurite.ConnectionStringWithKey("not!base64@@secretish") })
        {
            var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(connectionString, Container));
            output.WriteLine(e.Message);
            AssertOneLine(e, "secretish", connectionString);
        }
    }

    [Fact]
    public void A_tampered_sas_is_a_clear_error_that_does_not_show_the_signature()
    {
        BehindTheStoresBack.CreateIfNotExists();
        var sasUri = BehindTheStoresBack.GenerateSasUri(Azure.Storage.Sas.BlobContainerSasPermissions.All, When.AddYears(10));
        var query = System.Web.HttpUtility.ParseQueryString(sasUri.Query);
        string forged = Convert.ToBase64String(State(32, 7));
        query["sig"] = forged;
        var tampered = new UriBuilder(sasUri) { Query = query.ToString() }.Uri;

        var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(tampered));
        output.WriteLine(e.Message);
        Assert.Contains(Container, e.Message);
        AssertOneLine(e, forged, Uri.EscapeDataString(forged), "sig=");
    }

    [Fact]
    public void A_closed_port_is_a_clear_error_within_a_bounded_time()
    {
        int port = AzuriteProcess.FreeLoopbackPort();
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.Account};AccountKey={AzuriteProcess.Key};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteProcess.Account};";
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(connectionString, Container));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("could not be reached", e.Message);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        AssertOneLine(e, AzuriteProcess.Key);
    }

    [Fact]
    public void An_endpoint_that_accepts_connections_but_never_answers_is_a_clear_error_within_a_bounded_time()
    {
        // The kernel completes connections into the listener's backlog, and nobody ever reads
        // them: what a hung server or a black-holed network looks like to the client.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 64);
        try
        {
            int port = ((IPEndPoint)silent.LocalEndpoint).Port;
            string connectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.Account};AccountKey={AzuriteProcess.Key};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteProcess.Account};";
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(connectionString, Container));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
            Assert.Contains("could not be reached", e.Message);
            AssertOneLine(e, AzuriteProcess.Key);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public void A_container_of_an_unknown_format_is_refused()
    {
        Open().Save("s", State(1_000, 1), 0, 1, When);
        var marker = BehindTheStoresBack.GetBlobClient("snapshot-store");
        var metadata = marker.GetProperties().Value.Metadata;
        metadata["hexemuformat"] = "2";
        marker.SetMetadata(metadata);

        var e = Assert.Throws<SnapshotStoreException>(Open);
        output.WriteLine(e.Message);
        Assert.Contains("format 2", e.Message);
    }

    [Fact]
    public void A_snapshot_of_an_unknown_format_is_refused()
    {
        var store = Open();
        store.Save("s", State(1_000, 1), 0, 1, When);
        var blob = BehindTheStoresBack.GetBlobClient("snapshots/1");
        var metadata = blob.GetProperties().Value.Metadata;
        metadata["hexemuformat"] = "7";
        blob.SetMetadata(metadata);

        var e = Assert.Throws<SnapshotStoreException>(() => store.ReadVmState("s"));
        output.WriteLine(e.Message);
        Assert.Contains("format 7", e.Message);
    }

    [Fact]
    public void An_invalid_container_name_is_named_before_any_request()
    {
        var e = Assert.Throws<SnapshotStoreException>(() => AzureBlobSnapshotStore.Connect(Azurite.ConnectionString, "Bad_Name"));
        Assert.Contains("'Bad_Name' is not a valid", e.Message);
    }
}
