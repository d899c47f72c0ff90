using System.Diagnostics;
using Azure.Storage.Blobs;
using HexEmu.Adapters.AzureBlob;
using HexEmu.Tests.Azurite;

namespace HexEmu.Bench;

/// <summary>
/// Issue 7's throughput target for the Azure Blob store: push (savevm) and pull (loadvm's read)
/// of one state against a plain Azure SDK upload and download of the same bytes
/// (<c>BlobClient.Upload</c>/<c>DownloadTo</c> with the SDK's default options), on a real Azurite
/// started on a free loopback port. The target is a ratio of at least 0.8 each way. The store
/// does more than the plain calls (an id from the counter, a SHA-256 each way, a listing before
/// a read), and that is what the ratio prices.
/// </summary>
internal static class AzureBlobBench
{
    public static int Run(int megabytes, int runs)
    {
        using var azurite = AzuriteProcess.Start();
        var state = new byte[megabytes << 20];
        new Random(1).NextBytes(state); // incompressible, no zero pages: the worst case
        double mb = state.Length / 1e6;

        var store = AzureBlobSnapshotStore.Connect(azurite.ConnectionString, "bench-store");
        var plain = new BlobContainerClient(azurite.ConnectionString, "bench-plain");
        plain.CreateIfNotExists();
        var blob = plain.GetBlobClient("state");

        var push = new List<double>();
        var pull = new List<double>();
        var plainPush = new List<double>();
        var plainPull = new List<double>();
        for (int run = 0; run <= runs; run++) // run 0 warms up the JIT and the connections
        {
            var clock = Stopwatch.StartNew();
            blob.Upload(new BinaryData(state), overwrite: true);
            double up = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var copy = new MemoryStream(state.Length);
            blob.DownloadTo(copy);
            double down = clock.Elapsed.TotalSeconds;
            if (copy.Length != state.Length) throw new InvalidOperationException("the plain download came back short");

            clock.Restart();
            store.Save("bench", state, 0, run, DateTimeOffset.UtcNow);
            double save = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var read = store.ReadVmState("bench");
            double load = clock.Elapsed.TotalSeconds;
            if (!read.AsSpan().SequenceEqual(state)) throw new InvalidOperationException("the store read back other bytes");

            if (run == 0) continue;
            plainPush.Add(mb / up);
            plainPull.Add(mb / down);
            push.Add(mb / save);
            pull.Add(mb / load);
        }
        var hashClock = Stopwatch.StartNew();
        System.Security.Cryptography.SHA256.HashData(state);
        double hashMs = hashClock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"Azure Blob ({megabytes} MiB state, Azurite on loopback, median of {runs}; its SHA-256 alone takes {hashMs:F0} ms of one core):");
        Console.WriteLine($"  push: store {Median(push),6:F0} MB/s, plain BlobClient.Upload {Median(plainPush),6:F0} MB/s, ratio {Median(push) / Median(plainPush):F2}");
        Console.WriteLine($"  pull: store {Median(pull),6:F0} MB/s, plain BlobClient.DownloadTo {Median(plainPull),6:F0} MB/s, ratio {Median(pull) / Median(plainPull):F2}");
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
