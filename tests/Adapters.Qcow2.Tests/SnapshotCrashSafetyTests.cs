using System.Globalization;
using System.Text.RegularExpressions;
using static HexEmu.Adapters.Qcow2.Tests.QemuMadeImageTests;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// The process dies before the N-th write of a snapshot creation, deletion or apply. qemu-img check
/// must then find no corruption: leaks are fine, and so is a COPIED flag left clear on a cluster of
/// refcount 1 (an interrupted flag fix-up; harmless, it only costs a copy-on-write, and no write
/// order can avoid every such window). A flag SET on a shared cluster would be real corruption and
/// fails. The older snapshot stays readable, the active disk is either wholly old or wholly new, and
/// a snapshot that made it into the table is complete. The next open for writing (the dirty bit was
/// set during the operation) leaves an image qemu-img check finds entirely clean.
/// </summary>
public sealed partial class SnapshotCrashSafetyTests
{
    private const int Size = 1024 * 1024;
    private static readonly DateTimeOffset Date = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private sealed class SimulatedCrash : Exception;

    [GeneratedRegex(@"^ERROR OFLAG_COPIED (?:data cluster: l2_entry|L2 cluster: l1_index=\d+ l1_entry)=([0-9a-f]+) refcount=1$")]
    private static partial Regex HarmlessFlagError();

    [Fact]
    public void KilledWhileCreatingASnapshot() =>
        AssertEveryCrashPointIsSafe((image, _) => image.CreateSnapshot("new", Patterns.Mixed(300_000, 21, 2000), 5, 6, Date), "create");

    [Fact]
    public void KilledWhileDeletingASnapshot() =>
        AssertEveryCrashPointIsSafe((image, older) => image.DeleteSnapshot(older), "delete");

    [Fact]
    public void KilledWhileApplyingASnapshot() =>
        AssertEveryCrashPointIsSafe((image, older) => image.ApplySnapshot(older), "apply");

    private static void AssertEveryCrashPointIsSafe(Action<Qcow2Image, string> operation, string kind)
    {
        using var dir = new TempDir();
        var path = dir["disk.qcow2"];
        var pristine = dir["pristine.qcow2"];
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "cluster_size=4096", path, Size.ToString(CultureInfo.InvariantCulture));
        var olderDisk = Patterns.Mixed(Size, 1, 3000);
        var olderVm = Patterns.Mixed(200_000, 2, 2000);
        var activeDisk = (byte[])olderDisk.Clone();
        string older;
        using (var image = Qcow2Image.Open(path))
        {
            image.Write(0, olderDisk);
            older = image.CreateSnapshot("older", olderVm, 1, 2, Date);
            var update = Patterns.Mixed(300_000, 3, 1000);
            image.Write(100_000, update);
            update.CopyTo(activeDisk, 100_000);
        }
        QemuImg.AssertClean(path);
        File.Copy(path, pristine);

        var total = Run(path, operation, older, crashAt: -1);
        QemuImg.AssertClean(path);
        var step = Math.Max(1, total / 30);
        for (var crashAt = 0; crashAt < total; crashAt += step)
        {
            File.Copy(pristine, path, overwrite: true);
            Run(path, operation, older, crashAt);
            var context = $"{kind}: crash before write {crashAt}/{total}";

            var (exit, output) = QemuImg.Run("check", path);
            Assert.True(exit is 0 or 2 or 3, $"{context}: qemu-img check exit {exit}: {output}");
            foreach (var line in output.Split('\n').Where(l => l.Contains("ERROR", StringComparison.Ordinal)))
            {
                var match = HarmlessFlagError().Match(line.Trim());
                Assert.True(match.Success, $"{context}: {line}\n{output}");
                Assert.Equal(0UL, ulong.Parse(match.Groups[1].Value, NumberStyles.HexNumber) >> 63); // the flag is clear, not wrongly set
            }

            using var image = Qcow2Image.Open(path, readOnly: true);
            var active = QemuImg.ToRaw(path, dir.Path);
            if (kind == "apply" && active.AsSpan().SequenceEqual(olderDisk)) { } // switched
            else AssertSame(activeDisk, active);
            if (image.FindSnapshot(older) is not null)
            {
                Assert.Equal(olderVm, image.ReadSnapshotVmState(older));
                AssertSame(olderDisk, SnapshotDisk(dir, path, older));
            }
            else Assert.Equal("delete", kind);
            if (image.FindSnapshot("new") is { } made)
            {
                Assert.Equal(Patterns.Mixed(300_000, 21, 2000), image.ReadSnapshotVmState("new"));
                AssertSame(activeDisk, SnapshotDisk(dir, path, made.Id));
            }
            image.Dispose();
            // The operation left the dirty bit set: opening for writing repairs what it left behind.
            Qcow2Image.Open(path).Dispose();
            QemuImg.AssertClean(path);
            AssertSame(active, QemuImg.ToRaw(path, dir.Path));
        }
    }

    private static byte[] SnapshotDisk(TempDir dir, string path, string id)
    {
        var raw = dir["snapshot.raw"];
        QemuImg.MustRun("convert", "-l", "snapshot.id=" + id, "-O", "raw", path, raw);
        var bytes = File.ReadAllBytes(raw);
        File.Delete(raw);
        return bytes;
    }

    /// <summary>Runs the operation, dying before write number <paramref name="crashAt"/> (never when negative); returns the writes done.</summary>
    private static int Run(string path, Action<Qcow2Image, string> operation, string older, int crashAt)
    {
        var writes = 0;
        var image = Qcow2Image.Open(path);
        image.HostFile.BeforeWrite = _ =>
        {
            if (writes == crashAt) throw new SimulatedCrash();
            writes++;
        };
        try
        {
            operation(image, older);
        }
        catch (SimulatedCrash)
        {
        }
        finally
        {
            image.HostFile.BeforeWrite = null;
            image.Dispose();
        }
        return writes;
    }
}
