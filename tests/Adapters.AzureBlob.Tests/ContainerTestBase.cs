using Azure.Storage.Blobs;
using HexEmu.Tests.Azurite;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>A test with its own container on the shared Azurite, deleted afterwards, and a store over it.</summary>
public abstract class ContainerTestBase(AzuriteFixture fixture) : IDisposable
{
    protected static readonly DateTimeOffset When = new(2026, 11, 26, 10, 30, 15, TimeSpan.Zero);
    protected string Container { get; } = AzuriteFixture.NewContainerName();
    protected AzuriteProcess Azurite => fixture.Azurite;

    /// <summary>The container as the SDK sees it, to look at or damage what the store wrote.</summary>
    protected BlobContainerClient BehindTheStoresBack => new(Azurite.ConnectionString, Container);

    public void Dispose()
    {
        BehindTheStoresBack.DeleteIfExists();
        DisposeMore();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a derived test class cleans up besides the container.</summary>
    protected virtual void DisposeMore() { }

    protected AzureBlobSnapshotStore Open() => AzureBlobSnapshotStore.Connect(Azurite.ConnectionString, Container);

    protected static byte[] State(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
