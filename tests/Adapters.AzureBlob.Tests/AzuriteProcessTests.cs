using HexEmu.Tests.Azurite;

namespace HexEmu.Adapters.AzureBlob.Tests;

public sealed class AzuriteProcessTests
{
    [Fact]
    public void Without_node_modules_the_fixture_says_how_to_install_azurite()
    {
        string empty = Directory.CreateTempSubdirectory("hexemu-no-azurite-").FullName;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => AzuriteProcess.Start(empty));
            Assert.Contains("npm ci --prefix tools/azurite", e.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
