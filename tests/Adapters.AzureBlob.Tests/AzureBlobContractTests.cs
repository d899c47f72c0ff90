using Azure.Storage.Blobs;
using HexEmu.Application.Ports;
using HexEmu.Tests.Contracts;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>The snapshot-store contract against a real Azurite blob service, one container per test.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobContractTests(AzuriteFixture fixture) : SnapshotStoreContract
{
    private readonly string _container = AzuriteFixture.NewContainerName();

    protected override ISnapshotStore Reopen() => AzureBlobSnapshotStore.Connect(fixture.Azurite.ConnectionString, _container);

    public override void Dispose()
    {
        new BlobContainerClient(fixture.Azurite.ConnectionString, _container).DeleteIfExists();
        base.Dispose();
    }
}
