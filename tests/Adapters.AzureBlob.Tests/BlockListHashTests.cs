using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>
/// States of several blocks carry the hash of their blocks' digests beside the whole-state
/// SHA-256; a reader checks the former when present and the latter for blobs written without it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlockListHashTests(AzuriteFixture fixture) : ContainerTestBase(fixture)
{
    private readonly byte[] _state = State(2 * BlobTransfer.BlockSize + 777, 11);

    [Fact]
    public void A_multi_block_state_is_saved_with_both_hashes()
    {
        Open().Save("s", _state, 0, 1, When);
        var metadata = BehindTheStoresBack.GetBlobClient("snapshots/1").GetProperties().Value.Metadata;
        Assert.Equal(64, metadata[BlobLayout.BlockListSha256Key].Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_state)), metadata[BlobLayout.Sha256Key]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_state_without_the_block_list_hash_is_checked_against_the_whole_hash(bool damaged)
    {
        Open().Save("old", _state, 0, 1, When);
        var blob = BehindTheStoresBack.GetBlockBlobClient("snapshots/1");
        var metadata = blob.GetProperties().Value.Metadata;
        metadata.Remove(BlobLayout.BlockListSha256Key); // as a writer before it existed left it
        if (damaged)
        {
            var ids = blob.GetBlockList().Value.CommittedBlocks.Select(b => b.Name).ToList();
            var last = _state.AsSpan(2 * BlobTransfer.BlockSize).ToArray();
            last[5] ^= 0x80;
            blob.StageBlock(ids[2], new MemoryStream(last));
            blob.CommitBlockList(ids, new CommitBlockListOptions { Metadata = metadata });
            var e = Assert.Throws<Application.Ports.SnapshotStoreException>(() => Open().ReadVmState("old"));
            Assert.Contains("is corrupt", e.Message);
        }
        else
        {
            blob.SetMetadata(metadata);
            Assert.Equal(_state, Open().ReadVmState("old"));
        }
    }
}
