namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// The process dies before the N-th write to the image file, for N across the whole workload
/// (new L2 tables, refcount blocks, refcount table growth, COW over backing files and snapshots).
/// qemu-img check must then find no corruption (exit 0, or 3 = leaks only), and every guest write
/// that had completed must read back.
/// </summary>
public sealed class CrashSafetyTests
{
    private sealed class SimulatedCrash : Exception;

    [Fact]
    public void KilledDuringWritesOverABackingFile()
    {
        using var dir = new TempDir();
        dir.CopyFixture("base.qcow2");
        dir.CopyFixture("overlay.qcow2");
        AssertEveryCrashPointIsSafe(dir, "overlay.qcow2", Workload(0x1f_0000, 11));
    }

    [Fact]
    public void KilledDuringWritesIntoAnImageWithSnapshots()
    {
        using var dir = new TempDir();
        dir.CopyFixture("snapshots.qcow2");
        AssertEveryCrashPointIsSafe(dir, "snapshots.qcow2", Workload(0xf_0000, 12));
    }

    [Fact]
    public void KilledDuringWritesOnExtendedL2()
    {
        using var dir = new TempDir();
        dir.CopyFixture("ext-l2.qcow2");
        AssertEveryCrashPointIsSafe(dir, "ext-l2.qcow2", Workload(0xf_0000, 13));
    }

    [Fact]
    public void KilledWhileTheRefcountTableGrows()
    {
        using var dir = new TempDir();
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "cluster_size=512", dir["disk.qcow2"], "16M");
        using (var image = Qcow2Image.Open(dir["disk.qcow2"]))
            image.Write(0, Patterns.Mixed(7_900_000, 14, 512));
        var work = new List<(long, byte[])> { (8_000_000, Patterns.Mixed(600_000, 15, 512)), (100, new byte[] { 1, 2, 3 }) };
        AssertEveryCrashPointIsSafe(dir, "disk.qcow2", work, maxPoints: 25, mustSwitchRefcountTable: true);
    }

    private static List<(long Offset, byte[] Data)> Workload(long span, int seed)
    {
        var random = new Random(seed);
        var list = new List<(long, byte[])>();
        for (var i = 0; i < 12; i++)
        {
            var length = random.Next(1, 70_000);
            list.Add((random.NextInt64(span - length), Patterns.Mixed(length, random.Next(), 700)));
        }
        return list;
    }

    private static void AssertEveryCrashPointIsSafe(TempDir dir, string name, List<(long Offset, byte[] Data)> work, int maxPoints = 80, bool mustSwitchRefcountTable = false)
    {
        var pristine = dir[name + ".pristine"];
        File.Copy(dir[name], pristine);
        var before = QemuImg.ToRaw(pristine, dir.Path);

        var offsets = new List<long>();
        var totalWrites = Run(dir[name], work, crashAt: -1, offsets).Writes;
        Assert.True(totalWrites > work.Count);
        var step = Math.Max(1, totalWrites / maxPoints);
        var points = Enumerable.Range(0, totalWrites).Where(n => n % step == 0).ToHashSet();
        // Every write around the switch of the refcount table (the header write at offset 48).
        var switchAt = offsets.IndexOf(48);
        Assert.True(!mustSwitchRefcountTable || switchAt >= 0, "the workload should have grown the refcount table");
        if (switchAt >= 0) points.UnionWith(Enumerable.Range(Math.Max(0, switchAt - 12), 16));
        foreach (var crashAt in points.Order())
        {
            File.Copy(pristine, dir[name], overwrite: true);
            var (completed, _) = Run(dir[name], work, crashAt);
            var (exit, output) = QemuImg.Run("check", dir[name]);
            Assert.True(exit is 0 or 3, $"crash before write {crashAt}/{totalWrites}: qemu-img check exit {exit}: {output}");
            Assert.DoesNotContain("ERROR", output);

            var expected = (byte[])before.Clone();
            for (var i = 0; i < completed; i++) work[i].Data.CopyTo(expected, work[i].Offset);
            var actual = QemuImg.ToRaw(dir[name], dir.Path);
            // The interrupted guest write may be partly there; everything else must be exact.
            if (completed < work.Count)
            {
                var (offset, data) = work[completed];
                for (var b = 0; b < data.Length; b++)
                    if (actual[offset + b] == data[b]) expected[offset + b] = data[b];
            }
            QemuMadeImageTests.AssertSame(expected, actual);
        }
    }

    /// <summary>Runs the workload, dying before write number <paramref name="crashAt"/> (never when negative).</summary>
    private static (int Completed, int Writes) Run(string path, List<(long Offset, byte[] Data)> work, int crashAt, List<long>? offsets = null)
    {
        var writes = 0;
        var completed = 0;
        var image = Qcow2Image.Open(path);
        image.HostFile.BeforeWrite = offset =>
        {
            offsets?.Add(offset);
            if (writes == crashAt) throw new SimulatedCrash();
            writes++;
        };
        try
        {
            foreach (var (offset, data) in work)
            {
                image.Write(offset, data);
                completed++;
            }
        }
        catch (SimulatedCrash)
        {
        }
        finally
        {
            image.HostFile.BeforeWrite = null;
            image.Dispose();
        }
        return (completed, writes);
    }
}
