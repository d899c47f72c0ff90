using HexEmu.Tests.Azurite;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>One Azurite process for every test class of the collection; each test uses a container of its own.</summary>
public sealed class AzuriteFixture : IDisposable
{
    public AzuriteProcess Azurite { get; } = AzuriteProcess.Start();

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName() => "t" + Guid.NewGuid().ToString("N");

    public void Dispose() => Azurite.Dispose();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
