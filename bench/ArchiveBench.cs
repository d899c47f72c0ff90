using System.Diagnostics;
using Azure.Storage.Blobs;
using HexEmu.Adapters.AzureBlob;
using HexEmu.Application.Archive;
using HexEmu.Application.Ports;
using HexEmu.Tests.Azurite;

namespace HexEmu.Bench;

/// <summary>
/// Issue 7's throughput target for the archive: push and pull of a recording-sized set of files
/// (a disk image and a replay log, from and to real files) through <see cref="AzureBlobRecordingArchive"/>
/// against a plain Azure SDK <c>BlobClient.Upload(path)</c>/<c>DownloadTo(path)</c> of the same
/// files with the SDK's default options, on a real Azurite on a free loopback port. The target is
/// a ratio of at least 0.8 each way. The archive does more than the plain calls (clearing the
/// name, a SHA-256 of the whole file and of each block going up, each block checked coming down,
/// the manifest), and that is what the ratio prices.
/// </summary>
internal static class ArchiveBench
{
    public static int Run(int imageMegabytes, int runs)
    {
        using var azurite = AzuriteProcess.Start();
        var work = Directory.CreateTempSubdirectory("hexemu-archive-bench-");
        try
        {
            string source = Directory.CreateDirectory(Path.Combine(work.FullName, "recording")).FullName;
            var random = new Random(1);
            var files = new (string Name, int Bytes, ArchiveFileKind Kind)[]
            {
                ("disk.qcow2", imageMegabytes << 20, ArchiveFileKind.Qcow2),
                ("recording.rr", 3 << 20, ArchiveFileKind.ReplayLog),
            };
            foreach (var (name, bytes, _) in files)
            {
                var data = new byte[bytes];
                random.NextBytes(data); // incompressible: the worst case
                File.WriteAllBytes(Path.Combine(source, name), data);
            }
            double mb = files.Sum(f => (double)f.Bytes) / 1e6;
            var sources = files.Select(f => new ArchiveSource(f.Name, Path.Combine(source, f.Name), f.Kind)).ToList();

            var archive = AzureBlobRecordingArchive.Connect(azurite.ConnectionString, "bench-archive");
            var plain = new BlobContainerClient(azurite.ConnectionString, "bench-plain");
            plain.CreateIfNotExists();

            var push = new List<double>();
            var pull = new List<double>();
            var plainPush = new List<double>();
            var plainPull = new List<double>();
            for (int run = 0; run <= runs; run++) // run 0 warms up the JIT and the connections
            {
                string plainInto = Directory.CreateDirectory(Path.Combine(work.FullName, $"plain-{run}")).FullName;
                var clock = Stopwatch.StartNew();
                foreach (var s in sources) plain.GetBlobClient(s.RelativePath).Upload(s.FullPath, overwrite: true);
                double up = clock.Elapsed.TotalSeconds;
                clock.Restart();
                foreach (var s in sources) plain.GetBlobClient(s.RelativePath).DownloadTo(Path.Combine(plainInto, s.RelativePath));
                double down = clock.Elapsed.TotalSeconds;

                string into = Path.Combine(work.FullName, $"pulled-{run}");
                clock.Restart();
                archive.PushAsync("bench", sources, new ArchivePushOptions("bench", DateTimeOffset.UtcNow, Replace: true)).GetAwaiter().GetResult();
                double save = clock.Elapsed.TotalSeconds;
                clock.Restart();
                archive.PullAsync("bench", into).GetAwaiter().GetResult();
                double load = clock.Elapsed.TotalSeconds;
                foreach (var s in sources)
                    if (new FileInfo(Path.Combine(into, s.RelativePath)).Length != new FileInfo(s.FullPath).Length)
                        throw new InvalidOperationException($"the archive pulled {s.RelativePath} short");
                Directory.Delete(into, recursive: true);
                Directory.Delete(plainInto, recursive: true);

                if (run == 0) continue;
                plainPush.Add(mb / up);
                plainPull.Add(mb / down);
                push.Add(mb / save);
                pull.Add(mb / load);
            }
            Console.WriteLine($"Archive ({imageMegabytes} MiB image + 3 MiB log from and to files, Azurite on loopback, median of {runs} [min–max]):");
            Console.WriteLine($"  push: archive {Median(push),6:F0} MB/s {Spread(push)}, plain BlobClient.Upload(path) {Median(plainPush),6:F0} MB/s {Spread(plainPush)}, ratio {Median(push) / Median(plainPush):F2}");
            Console.WriteLine($"  pull: archive {Median(pull),6:F0} MB/s {Spread(pull)}, plain BlobClient.DownloadTo(path) {Median(plainPull),6:F0} MB/s {Spread(plainPull)}, ratio {Median(pull) / Median(plainPull):F2}");
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Spread(List<double> values) => $"[{values.Min():F0}–{values.Max():F0}]";
}
