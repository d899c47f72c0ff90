using System.Globalization;
using System.Text.Json;
using static HexEmu.Adapters.Qcow2.Tests.QemuMadeImageTests;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// Internal snapshots judged by the real qemu-img: after every create/apply/delete, <c>check</c>
/// finds no error and no leak, <c>info</c> lists exactly our snapshots with their fields, and
/// <c>convert -l snapshot.id=N</c> gives each snapshot's disk as it was when it was taken.
/// </summary>
public sealed class SnapshotTests
{
    private static readonly DateTimeOffset SomeDate = new(2026, 11, 25, 19, 34, 19, TimeSpan.Zero);

    private sealed record Expected(string Name, byte[] Disk, byte[] VmState, DateTimeOffset Date, long VmClockNs, long Icount);

    [Fact]
    public void QemuMadeSnapshotsAreListedWithAllFields()
    {
        // Values from MANIFEST.md (qemu-img info of the committed fixture).
        using var image = Qcow2Image.Open(Fixtures.PathOf("snapshots.qcow2"), readOnly: true);
        Assert.Equal(2, image.Snapshots.Count);
        var (first, second) = (image.Snapshots[0], image.Snapshots[1]);
        Assert.Equal(("1", "snap1", 0UL, 0L, 0L, 1048576L), (first.Id, first.Name, first.VmStateSize, first.VmClockNs, first.Icount, first.DiskSize));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795635259).AddTicks(4843150), first.Date);
        Assert.Equal(("2", "snap2"), (second.Id, second.Name));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795635259).AddTicks(5092290), second.Date);
        Assert.Equal(0x8000, first.L1TableOffset);
        Assert.Equal(0xd000, second.L1TableOffset);
        Assert.Same(second, image.FindSnapshot("snap2"));
        Assert.Same(second, image.FindSnapshot("2"));
        Assert.Null(image.FindSnapshot("snap3"));
    }

    [Fact]
    public void QemuMadeSnapshotsApplyAndDeleteAsQemuImgDoes()
    {
        // SHA-256 values from MANIFEST.md: what qemu-img's own apply/delete produced on this fixture.
        const string activeSha = "37304c7692c03dcb0fba628785a0991a8c39175d6cb1aa3d9634e5783a6bc7a6";
        const string snap1Sha = "347fbad1c8c8eb6318abece1243e1b08e811aadd449b84a74360bc6f98f306a9";
        const string snap2Sha = "dd4df478fe1b27c3ca630bc38d262c277dc05b4c750fbf866138a966f42f2d67";
        using var dir = new TempDir();
        var path = dir.CopyFixture("snapshots.qcow2");
        string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        string SnapshotSha(string id)
        {
            QemuImg.MustRun("convert", "-l", "snapshot.id=" + id, "-O", "raw", path, dir["s.raw"]);
            return Sha(File.ReadAllBytes(dir["s.raw"]));
        }

        using (var image = Qcow2Image.Open(path)) image.DeleteSnapshot("snap1");
        QemuImg.AssertClean(path);
        Assert.Equal(activeSha, Sha(QemuImg.ToRaw(path, dir.Path)));
        Assert.Equal(snap2Sha, SnapshotSha("2"));

        path = dir.CopyFixture("snapshots.qcow2");
        using (var image = Qcow2Image.Open(path))
        {
            image.ApplySnapshot("snap1");
            Assert.Empty(image.ReadSnapshotVmState("snap1"));
        }
        QemuImg.AssertClean(path);
        Assert.Equal(snap1Sha, Sha(QemuImg.ToRaw(path, dir.Path)));
        Assert.Equal(snap1Sha, SnapshotSha("1"));
        Assert.Equal(snap2Sha, SnapshotSha("2"));
        using (var image = Qcow2Image.Open(path))
        {
            image.DeleteSnapshot("1");
            image.Write(0x1000, new byte[] { 7 }); // the cluster is now owned by the active layer alone
        }
        QemuImg.AssertClean(path);
        Assert.Equal(snap2Sha, SnapshotSha("2"));
        using (var image = Qcow2Image.Open(path)) image.DeleteSnapshot("snap2");
        QemuImg.AssertClean(path);
        var (_, list) = QemuImg.Run("snapshot", "-l", path);
        Assert.Equal("", list.Trim());
    }

    [Theory]
    [InlineData("cluster_size=4096", 1)]
    [InlineData("cluster_size=65536", 2)]
    [InlineData("cluster_size=512", 3)]
    [InlineData("extended_l2=on,cluster_size=16k", 4)]
    [InlineData("refcount_bits=4,cluster_size=4096", 5)]
    [InlineData("compat=0.10,cluster_size=4096", 6)]
    public void RandomMixOfSnapshotOperationsAndGuestWrites(string options, int seed)
    {
        using var dir = new TempDir();
        const int size = 3 * 1024 * 1024 + 512 * 7;
        var path = dir["disk.qcow2"];
        QemuImg.MustRun("create", "-f", "qcow2", "-o", options, path, size.ToString(CultureInfo.InvariantCulture));
        var random = new Random(seed);
        var active = new byte[size];
        var model = new Dictionary<string, Expected>();
        for (var step = 0; step < 14; step++)
        {
            using (var image = Qcow2Image.Open(path))
            {
                for (var w = random.Next(1, 4); w > 0; w--)
                {
                    var length = random.Next(1, 300_000);
                    var offset = random.Next(size - length);
                    var data = Patterns.Mixed(length, random.Next(), 1000);
                    image.Write(offset, data);
                    data.CopyTo(active, offset);
                }
                var choice = random.Next(10);
                if (choice < 5 || model.Count == 0)
                {
                    var vm = Patterns.Mixed(random.Next(0, 5_000_000), random.Next(), 3000);
                    var expected = new Expected("s" + step, (byte[])active.Clone(), vm,
                        SomeDate.AddSeconds(step).AddTicks(random.Next(10_000_000)), random.NextInt64(1L << 40), random.NextInt64(-1, 1L << 40));
                    var id = image.CreateSnapshot(expected.Name, vm, expected.VmClockNs, expected.Icount, expected.Date);
                    model[id] = expected;
                }
                else if (choice < 8)
                {
                    var id = model.Keys.ElementAt(random.Next(model.Count));
                    image.ApplySnapshot(random.Next(2) == 0 ? id : model[id].Name);
                    model[id].Disk.CopyTo(active, 0);
                }
                else
                {
                    var id = model.Keys.ElementAt(random.Next(model.Count));
                    image.DeleteSnapshot(id);
                    model.Remove(id);
                }
                AssertOurView(image, model);
            }
            QemuImg.AssertClean(path);
            AssertQemuView(dir, path, active, model, full: step % 5 == 4 || step == 13);
        }
    }

    [Fact]
    public void QemuAndWeApplyAndDeleteEachOthersSnapshots()
    {
        using var dir = new TempDir();
        const int size = 2 * 1024 * 1024;
        var path = dir["disk.qcow2"];
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "cluster_size=4096", path, size.ToString(CultureInfo.InvariantCulture));
        var v1 = Patterns.Mixed(size, 1);
        var v2 = Patterns.Mixed(size, 2);
        var v3 = Patterns.Mixed(size, 3);
        var vm = Patterns.Mixed(700_000, 4);
        using (var image = Qcow2Image.Open(path)) image.Write(0, v1);
        QemuImg.MustRun("snapshot", "-c", "theirs", path);
        using (var image = Qcow2Image.Open(path))
        {
            image.Write(0, v2);
            Assert.Equal("2", image.CreateSnapshot("ours", vm, 1_500_000_000, 12345, SomeDate));
            image.Write(0, v3);
            image.ApplySnapshot("theirs");
        }
        QemuImg.AssertClean(path);
        AssertSame(v1, QemuImg.ToRaw(path, dir.Path));
        QemuImg.MustRun("snapshot", "-a", "ours", path);
        QemuImg.AssertClean(path);
        AssertSame(v2, QemuImg.ToRaw(path, dir.Path));
        var (_, list) = QemuImg.Run("snapshot", "-l", path);
        var line = list.Split('\n').Single(l => l.Contains("ours", StringComparison.Ordinal));
        // qemu-img prints the date in local time, as .NET's local zone sees it (both follow TZ / /etc/localtime).
        var local = SomeDate.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.Matches($@"^2\s+ours\s+684 KiB\s+{local}\s+00:00:01\.500\s+12345\s*$", line);
        using (var image = Qcow2Image.Open(path))
        {
            Assert.Equal(vm, image.ReadSnapshotVmState("ours"));
            image.DeleteSnapshot("1");
        }
        QemuImg.AssertClean(path);
        QemuImg.MustRun("snapshot", "-d", "ours", path);
        QemuImg.AssertClean(path);
        using (var image = Qcow2Image.Open(path))
        {
            Assert.Empty(image.Snapshots);
            var read = new byte[size];
            image.ReadGuest(0, read);
            AssertSame(v2, read);
            image.Write(100, new byte[] { 9 });
        }
        QemuImg.AssertClean(path);
    }

    [Fact]
    public void RefusedOperationsChangeNothing()
    {
        using var dir = new TempDir();
        var path = dir.CopyFixture("snapshots.qcow2");
        var before = File.ReadAllBytes(path);
        using (var image = Qcow2Image.Open(path))
        {
            Assert.Contains("already exists", Assert.Throws<Qcow2Exception>(() => image.CreateSnapshot("snap1", [], 0, 0, SomeDate)).Message);
            Assert.Contains("no snapshot 'nope'", Assert.Throws<Qcow2Exception>(() => image.ApplySnapshot("nope")).Message);
            Assert.Contains("no snapshot 'nope'", Assert.Throws<Qcow2Exception>(() => image.DeleteSnapshot("nope")).Message);
        }
        Assert.Equal(before, File.ReadAllBytes(path));
        using (var readOnly = Qcow2Image.Open(path, readOnly: true))
            Assert.Throws<Qcow2Exception>(() => readOnly.DeleteSnapshot("snap1"));

        // 1-bit refcounts cannot count a cluster shared by the disk and a snapshot.
        var narrow = dir["narrow.qcow2"];
        QemuImg.MustRun("create", "-f", "qcow2", "-o", "refcount_bits=1", narrow, "1M");
        using (var image = Qcow2Image.Open(narrow)) image.Write(0, new byte[] { 1 });
        before = File.ReadAllBytes(narrow);
        using (var image = Qcow2Image.Open(narrow))
        {
            Assert.Contains("1-bit refcounts", Assert.Throws<Qcow2Exception>(() => image.CreateSnapshot("s", [], 0, 0, SomeDate)).Message);
            Assert.Empty(image.Snapshots);
        }
        Assert.Equal(before, File.ReadAllBytes(narrow));
        QemuImg.AssertClean(narrow);
    }

    private static void AssertOurView(Qcow2Image image, Dictionary<string, Expected> model)
    {
        Assert.Equal(model.Keys.Order(), image.Snapshots.Select(s => s.Id).Order());
        foreach (var s in image.Snapshots)
        {
            var e = model[s.Id];
            Assert.Equal((e.Name, (ulong)e.VmState.Length, e.Date, e.VmClockNs, e.Icount, image.Size),
                (s.Name, s.VmStateSize, s.Date, s.VmClockNs, s.Icount, s.DiskSize));
            AssertSame(e.VmState, image.ReadSnapshotVmState(s.Id));
        }
    }

    private static void AssertQemuView(TempDir dir, string path, byte[] active, Dictionary<string, Expected> model, bool full)
    {
        var (exit, json) = QemuImg.Run("info", "--output=json", path);
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(json);
        var listed = doc.RootElement.TryGetProperty("snapshots", out var array) ? array.EnumerateArray().ToList() : [];
        Assert.Equal(model.Count, listed.Count);
        foreach (var s in listed)
        {
            var e = model[s.GetProperty("id").GetString()!];
            var ticks = e.Date.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            Assert.Equal(e.Name, s.GetProperty("name").GetString());
            Assert.Equal(e.VmState.Length, s.GetProperty("vm-state-size").GetInt64());
            Assert.Equal(ticks / TimeSpan.TicksPerSecond, s.GetProperty("date-sec").GetInt64());
            Assert.Equal(ticks % TimeSpan.TicksPerSecond * 100, s.GetProperty("date-nsec").GetInt64());
            Assert.Equal(e.VmClockNs / 1_000_000_000, s.GetProperty("vm-clock-sec").GetInt64());
            Assert.Equal(e.VmClockNs % 1_000_000_000, s.GetProperty("vm-clock-nsec").GetInt64());
            if (e.Icount >= 0) Assert.Equal(e.Icount, s.GetProperty("icount").GetInt64());
            else Assert.False(s.TryGetProperty("icount", out _));
        }
        if (!full) return;
        AssertSame(active, QemuImg.ToRaw(path, dir.Path));
        foreach (var (id, e) in model)
        {
            var raw = dir["snap.raw"];
            QemuImg.MustRun("convert", "-l", "snapshot.id=" + id, "-O", "raw", path, raw);
            AssertSame(e.Disk, File.ReadAllBytes(raw));
        }
    }
}
