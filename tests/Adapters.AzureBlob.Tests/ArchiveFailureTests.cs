using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HexEmu.Application.Ports;
using HexEmu.Tests.Azurite;
using Xunit.Abstractions;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>What goes wrong with an archive: interrupted pushes, corrupt blobs, bad credentials, no service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ArchiveFailureTests(AzuriteFixture fixture, ITestOutputHelper output) : ArchiveTestBase(fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_push_cancelled_midway_leaves_no_manifest_is_not_listed_pulls_as_incomplete_and_can_be_pushed_again()
    {
        var archive = Archive();
        var first = File("a-first.bin", State(1000, 1));
        var big = File("b-big.img", State(6 * BlobTransfer.BlockSize, 2));
        using var cancel = new CancellationTokenSource();
        var push = archive.PushAsync("cut", [first, big], Options(), cancel.Token);
        // The small file is committed before the big one starts: cut the push once it shows.
        await WaitUntil(() => BehindTheStoresBack.GetBlobClient("recordings/cut/files/a-first.bin").Exists().Value || push.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => push);

        Assert.False(BehindTheStoresBack.GetBlobClient("recordings/cut/manifest.json").Exists().Value);
        Assert.Empty(await archive.ListAsync());
        string into = NewPullDirectory();
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PullAsync("cut", into));
        output.WriteLine(e.Message);
        Assert.Contains("archive cut is incomplete (interrupted push?)", e.Message);
        Assert.Empty(FilesUnder(into));

        await archive.PushAsync("cut", [first, big], Options());
        await archive.PullAsync("cut", into);
        Assert.Equal(["a-first.bin", "b-big.img"], FilesUnder(into));
        Assert.Equal(State(6 * BlobTransfer.BlockSize, 2), System.IO.File.ReadAllBytes(Path.Combine(into, "b-big.img")));
    }

    [Theory]
    [InlineData(300_000, 123_456)]
    [InlineData(3 * BlobTransfer.BlockSize - 1000, BlobTransfer.BlockSize + 42)]
    public async Task A_file_blob_overwritten_behind_the_archives_back_is_detected_on_pull_and_leaves_no_file(int size, int flipped)
    {
        var archive = Archive();
        await archive.PushAsync("rot", [File("good.bin", State(1000, 1)), File("disk.img", State(size, 2))], Options());
        var damaged = State(size, 2);
        damaged[flipped] ^= 0x10;
        BehindTheStoresBack.GetBlobClient("recordings/rot/files/disk.img").Upload(new BinaryData(damaged), overwrite: true);

        string into = NewPullDirectory();
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PullAsync("rot", into));
        output.WriteLine(e.Message);
        Assert.Contains("archive rot is corrupt", e.Message);
        Assert.Contains("'disk.img'", e.Message);
        Assert.DoesNotContain("disk.img", FilesUnder(into)); // no partial or temporary file either
        Assert.All(FilesUnder(into), f => Assert.DoesNotContain("partial", f));
    }

    [Fact]
    public async Task A_file_blob_of_another_size_is_detected_on_pull()
    {
        await Archive().PushAsync("short", [File("disk.img", State(50_000, 2))], Options());
        BehindTheStoresBack.GetBlobClient("recordings/short/files/disk.img").Upload(new BinaryData(State(49_999, 2)), overwrite: true);
        string into = NewPullDirectory();
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => Archive().PullAsync("short", into));
        Assert.Contains("is corrupt", e.Message);
        Assert.Empty(FilesUnder(into));
    }

    [Fact]
    public async Task A_wrong_account_key_is_a_clear_error_that_does_not_contain_the_key()
    {
        string wrongKey = Convert.ToBase64String(State(64, 99));
        var archive = AzureBlobRecordingArchive.Connect(Azurite.ConnectionStringWithKey(wrongKey), Container);
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PushAsync("k", [File("a", State(10, 1))], Options()));
        output.WriteLine(e.Message);
        Assert.Contains("refused access", e.Message);
        Assert.Contains(Container, e.Message);
        AssertOneLine(e, wrongKey, AzuriteProcess.Key, "AccountKey");
        var list = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.ListAsync());
        AssertOneLine(list, wrongKey, AzuriteProcess.Key);
    }

    [Fact]
    public async Task A_closed_port_is_a_clear_error_within_a_bounded_time()
    {
        int port = AzuriteProcess.FreeLoopbackPort();
        var archive = AzureBlobRecordingArchive.Connect(Unreachable(port), Container);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.ListAsync());
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.Contains("could not be reached", e.Message);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        AssertOneLine(e, AzuriteProcess.Key);
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_fails_a_pull_within_a_bounded_time()
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 64);
        try
        {
            var archive = AzureBlobRecordingArchive.Connect(Unreachable(((IPEndPoint)silent.LocalEndpoint).Port), Container);
            var clock = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => archive.PullAsync("any", NewPullDirectory()));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
            Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
            Assert.Contains("could not be reached", e.Message);
            AssertOneLine(e, AzuriteProcess.Key);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_missing_local_file_is_named_as_a_local_problem_not_a_storage_one()
    {
        var e = await Assert.ThrowsAsync<RecordingArchiveException>(() => Archive().PushAsync("local",
            [new ArchiveSource("a", Path.Combine(Local, "nowhere"), Application.Archive.ArchiveFileKind.Other)], Options()));
        output.WriteLine(e.Message);
        Assert.Contains("No such file", e.Message);
        Assert.DoesNotContain("Azure", e.Message);
    }

    private static string Unreachable(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.Account};AccountKey={AzuriteProcess.Key};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteProcess.Account};";

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after 30 s.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > Bound) Assert.Fail("the condition did not hold within 30 s");
            await Task.Delay(5);
        }
    }
}
