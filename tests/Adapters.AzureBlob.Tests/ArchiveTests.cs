using System.Security.Cryptography;
using HexEmu.Application.Archive;
using HexEmu.Application.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>The archive of recordings on a real Azurite: round trips, listing, replacing, deleting.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ArchiveTests(AzuriteFixture fixture) : ArchiveTestBase(fixture)
{
    [Fact]
    public async Task Several_files_one_spread_over_blocks_come_back_byte_for_byte_with_their_hashes_in_the_manifest()
    {
        var log = State(5_000, 1);
        var image = State(2 * BlobTransfer.BlockSize + 12_345, 2); // three blocks, the last one short
        var kernel = State(40_000, 3);
        var pushed = await Archive().PushAsync("run-1", [
            File("recording.rr", log, ArchiveFileKind.ReplayLog) with { FormatVersion = 7 },
            File("disks/disk.qcow2", image, ArchiveFileKind.Qcow2) with { FormatVersion = 3 },
            File("kernel.elf", kernel),
            File("empty.txt", []),
        ], Options());

        Assert.Equal(3, pushed.Find("disks/disk.qcow2")!.BlockSha256.Count);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), pushed.Find("disks/disk.qcow2")!.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image.AsSpan(BlobTransfer.BlockSize, BlobTransfer.BlockSize))),
                     pushed.Find("disks/disk.qcow2")!.BlockSha256[1]);

        string into = NewPullDirectory();
        var pulled = await Archive().PullAsync("run-1", into);
        Assert.True(pulled.SameAs(pushed));
        Assert.Equal(["disks/disk.qcow2", "empty.txt", "kernel.elf", "recording.rr"], FilesUnder(into));
        Assert.Equal(log, System.IO.File.ReadAllBytes(Path.Combine(into, "recording.rr")));
        Assert.Equal(image, System.IO.File.ReadAllBytes(Path.Combine(into, "disks", "disk.qcow2")));
        Assert.Equal(kernel, System.IO.File.ReadAllBytes(Path.Combine(into, "kernel.elf")));
        Assert.Empty(System.IO.File.ReadAllBytes(Path.Combine(into, "empty.txt")));

        var manifest = await Archive().ReadManifestAsync("run-1");
        Assert.Equal(RecordingManifest.CurrentFormat, manifest.Format);
        Assert.Equal(ArchiveFileKind.ReplayLog, manifest.Find("recording.rr")!.Kind);
        Assert.Equal(7, manifest.Find("recording.rr")!.FormatVersion);
        Assert.Equal(3, manifest.Find("disks/disk.qcow2")!.FormatVersion);
        Assert.Equal(When, manifest.Created);
    }

    [Fact]
    public async Task The_manifest_is_versioned_json_that_names_each_files_kind()
    {
        await Archive().PushAsync("json", [File("recording.rr", State(100, 1), ArchiveFileKind.ReplayLog) with { FormatVersion = 5 }], Options());
        string json = BehindTheStoresBack.GetBlobClient("recordings/json/manifest.json").DownloadContent().Value.Content.ToString();
        Assert.Contains("\"format\": 1", json);
        Assert.Contains("\"kind\": \"replay-log\"", json);
        Assert.Contains("\"formatVersion\": 5", json);
        Assert.Contains("\"hexemu\": \"test\"", json);
    }

    [Fact]
    public async Task List_shows_complete_recordings_sorted_with_files_bytes_and_date_and_nothing_else()
    {
        var archive = Archive();
        Assert.Empty(await archive.ListAsync()); // not even a container yet
        await archive.PushAsync("b", [File("x", State(10, 1)), File("y", State(20, 2))], Options());
        await archive.PushAsync("a", [File("z", State(30, 3))], Options());
        // Files without a manifest: what an interrupted push leaves.
        BehindTheStoresBack.GetBlobClient("recordings/c/files/x").Upload(new BinaryData(State(10, 4)));
        // The snapshot store may share the container.
        AzureBlobSnapshotStore.Connect(Azurite.ConnectionString, Container).Save("snap", State(100, 5), 0, 1, When);

        var listed = await archive.ListAsync();
        Assert.Equal([new ArchivedRecording("a", 1, 30, When), new ArchivedRecording("b", 2, 30, When)], listed);
    }

    [Fact]
    public async Task Pushing_over_a_complete_recording_is_refused_unless_replacing_and_a_replacement_leaves_none_of_the_old_files()
    {
        var archive = Archive();
        await archive.PushAsync("r", [File("old.bin", State(100, 1)), File("same.bin", State(100, 2))], Options());

        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PushAsync("r", [File("new.bin", State(10, 3))], Options()));
        Assert.Contains("already exists", e.Message);
        Assert.Contains("--replace", e.Message);

        await archive.PushAsync("r", [File("new.bin", State(10, 3)), File("same.bin", State(50, 4))], Options(replace: true));
        string into = NewPullDirectory();
        await archive.PullAsync("r", into);
        Assert.Equal(["new.bin", "same.bin"], FilesUnder(into));
        Assert.Equal(State(50, 4), System.IO.File.ReadAllBytes(Path.Combine(into, "same.bin")));
        Assert.DoesNotContain(BehindTheStoresBack.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "recordings/r/", CancellationToken.None), b => b.Name.EndsWith("old.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_removes_every_blob_of_the_recording_and_a_second_delete_says_not_found()
    {
        var archive = Archive();
        await archive.PushAsync("gone", [File("a", State(10, 1)), File("b/c", State(10, 2))], Options());
        await archive.PushAsync("kept", [File("a", State(10, 1))], Options());
        await archive.DeleteAsync("gone");
        Assert.Empty(BehindTheStoresBack.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "recordings/gone/", CancellationToken.None));
        Assert.Equal(["kept"], (await archive.ListAsync()).Select(r => r.Name));

        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.DeleteAsync("gone"));
        Assert.Contains("not found", e.Message);
        var pull = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PullAsync("gone", NewPullDirectory()));
        Assert.Contains("archive gone not found", pull.Message);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("sp ace")]
    [InlineData("")]
    public async Task Unsafe_recording_names_are_refused_before_any_request(string name)
    {
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => Archive().PushAsync(name, [File("a", State(1, 1))], Options()));
        Assert.Contains("recording name", e.Message);
        Assert.False(BehindTheStoresBack.Exists());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public async Task Unsafe_file_paths_are_refused(string path)
    {
        string real = Path.Combine(Local, "real");
        System.IO.File.WriteAllBytes(real, [1]);
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => Archive().PushAsync("ok", [new ArchiveSource(path, real, ArchiveFileKind.Other)], Options()));
        Assert.Contains("not a valid file path", e.Message);
    }

    [Fact]
    public async Task AddAzureBlobArchive_provides_the_port()
    {
        using var provider = new ServiceCollection().AddAzureBlobArchive(Azurite.ConnectionString, Container).BuildServiceProvider();
        var archive = provider.GetRequiredService<IRecordingArchive>();
        await archive.PushAsync("di", [File("a", State(10, 1))], Options());
        Assert.Single(await archive.ListAsync());
    }
}
