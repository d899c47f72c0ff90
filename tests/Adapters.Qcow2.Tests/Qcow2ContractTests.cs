using HexEmu.Adapters.Qcow2;
using HexEmu.Application.Ports;

namespace HexEmu.Tests.Contracts;

/// <summary>The snapshot store contract on a qcow2 image (the VM state and checkpoints in its internal snapshots).</summary>
public sealed class Qcow2ContractTests : SnapshotStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-contract-qcow2-").FullName;
    private readonly string _path;
    private Qcow2Image? _open;

    public Qcow2ContractTests()
    {
        _path = Path.Combine(_dir, "vm.qcow2");
        Qcow2Image.Create(_path, 16 << 20).Dispose();
    }

    /// <summary>One image object at a time, as one hexemu process holds it: the previous one is closed first.</summary>
    protected override ISnapshotStore Reopen()
    {
        _open?.Dispose();
        _open = Qcow2Image.Open(_path);
        return new Qcow2SnapshotStore(_open, []);
    }

    [Fact]
    public void The_image_stays_consistent_for_qemu_img_after_snapshots_and_checkpoints()
    {
        var store = Reopen();
        store.Save("vm", State(200_000, 1), 0, 1, DateTimeOffset.UnixEpoch);
        Checkpoints(store).SaveCheckpoint("rec", 1_000, State(100_000, 2));
        Checkpoints(store).SaveCheckpoint("rec", 2_000, State(100_000, 3));
        Checkpoints(Reopen()).DeleteCheckpoints("rec");
        _open!.Dispose();
        _open = null;
        var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("qemu-img", ["check", _path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string output = check.StandardOutput.ReadToEnd() + check.StandardError.ReadToEnd();
        Assert.True(check.WaitForExit(30_000), "qemu-img check did not finish");
        Assert.True(check.ExitCode == 0, output);
    }

    public override void Dispose()
    {
        _open?.Dispose();
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}
