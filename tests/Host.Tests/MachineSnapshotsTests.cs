using HexEmu.Application.Ports;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Time;
using HexEmu.Host.Hmp;

namespace HexEmu.Host.Tests;

/// <summary>loadvm puts the machine back exactly where savevm found it (with an in-memory store: the qcow2 side is tested elsewhere).</summary>
public class MachineSnapshotsTests
{
    private sealed class MemoryStore : ISnapshotStore
    {
        private readonly Dictionary<string, (byte[] State, VmSnapshotInfo Info)> _saved = [];
        public int DiskRestores { get; private set; }
        public IReadOnlyList<VmSnapshotInfo> List() => [.. _saved.Values.Select(v => v.Info)];
        public void Save(string name, ReadOnlySpan<byte> vmState, long vmClockNs, long icount, DateTimeOffset date) =>
            _saved[name] = (vmState.ToArray(), new VmSnapshotInfo("1", name, (ulong)vmState.Length, date, vmClockNs, icount));
        public byte[] ReadVmState(string idOrName) => _saved.TryGetValue(idOrName, out var s) ? s.State : throw new SnapshotStoreException("no such snapshot");
        public void RestoreDisks(string idOrName) => DiskRestores++;
        public void Delete(string idOrName) => _saved.Remove(idOrName);
    }

    private static byte[] State(PcMachine m)
    {
        var w = new StateWriter();
        m.SaveState(w);
        return w.ToArray();
    }

    [Fact]
    public void Loadvm_restores_the_state_savevm_saved_and_the_disks()
    {
        byte[] kernel = File.ReadAllBytes(HexEmuProcess.RepoPath("guests/demo/demo.elf"));
        const uint ram = 4u << 20;
        var machine = new PcMachine(new MachineConfig
        {
            RamBytes = ram,
            BootLoader = new MultibootBoot(KernelImage.Parse(kernel), ram, "demo.elf ", []),
            Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
        });
        using var runner = new MachineRunner(machine, [], new SystemHostClock());
        var store = new MemoryStore();
        var snapshots = new MachineSnapshots(machine, runner, store, null, new SystemHostClock());

        machine.Run(200_000);
        byte[] atSave = State(machine);
        snapshots.Save("a");
        Assert.Equal(machine.Cpu.Icount, store.List().Single().Icount);
        machine.Run(3_000_000);
        Assert.NotEqual(atSave, State(machine));

        snapshots.Load("a");
        Assert.Equal(atSave, State(machine));
        Assert.Equal(1, store.DiskRestores);
        Assert.Throws<SnapshotStoreException>(() => snapshots.Load("b"));
        Assert.Equal(atSave, State(machine)); // a failed load changes nothing
    }

    /// <summary>The demo kernel on a small machine with these IDE disks, its runner, an in-memory store and savevm/loadvm over them.</summary>
    private static (PcMachine Machine, MachineRunner Runner, MemoryStore Store, MachineSnapshots Snapshots) DemoWithDisks(IBlockDevice?[] disks)
    {
        byte[] kernel = File.ReadAllBytes(HexEmuProcess.RepoPath("guests/demo/demo.elf"));
        const uint ram = 4u << 20;
        var machine = new PcMachine(new MachineConfig
        {
            RamBytes = ram,
            BootLoader = new MultibootBoot(KernelImage.Parse(kernel), ram, "demo.elf ", []),
            Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
            Disks = disks,
        });
        var runner = new MachineRunner(machine, [], new SystemHostClock());
        var store = new MemoryStore();
        return (machine, runner, store, new MachineSnapshots(machine, runner, store, null, new SystemHostClock()));
    }

    private static byte[] Sector(byte value) => Enumerable.Repeat(value, IBlockDevice.SectorSize).ToArray();

    private static byte ReadFirstByte(IBlockDevice disk, long lba)
    {
        var buffer = new byte[IBlockDevice.SectorSize];
        Assert.True(disk.TryRead(lba, buffer));
        return buffer[0];
    }

    [Fact]
    public void A_disk_behind_an_overlay_comes_back_with_loadvm_as_savevm_found_it()
    {
        // Record/replay and -snapshot keep the guest's disk writes in memory: the VM state must hold
        // them, or a replay going back through a snapshot would read later writes and diverge.
        var overlay = new CopyOnWriteBlockDevice(new MemoryBlockDevice(64), isReadOnly: false);
        var (machine, runner, store, snapshots) = DemoWithDisks([null, overlay]);
        using var _ = runner;

        snapshots.Save("empty");
        Assert.True(overlay.TryWrite(3, Sector(0x33)));
        Assert.True(overlay.TryWrite(40, Sector(0x40)));
        snapshots.Save("two");
        Assert.True(overlay.TryWrite(3, Sector(0x99)));
        Assert.True(overlay.TryWrite(7, Sector(0x77)));

        snapshots.Load("two");
        Assert.Equal((0x33, 0x40, 0x00), (ReadFirstByte(overlay, 3), ReadFirstByte(overlay, 40), ReadFirstByte(overlay, 7)));
        Assert.Equal(2, overlay.WrittenSectors);
        snapshots.Load("empty");
        Assert.Equal(0, overlay.WrittenSectors);
        Assert.Equal(0x00, ReadFirstByte(overlay, 3));
    }

    [Fact]
    public void A_damaged_disk_overlay_section_leaves_machine_and_disk_as_they_were()
    {
        var overlay = new CopyOnWriteBlockDevice(new MemoryBlockDevice(64), isReadOnly: false);
        var (machine, runner, store, snapshots) = DemoWithDisks([overlay]);
        using var _ = runner;
        Assert.True(overlay.TryWrite(5, Sector(0x55)));
        snapshots.Save("a");

        // The same state with the overlay section claiming a sector beyond the disk.
        var good = new StateReader(store.ReadVmState("a"));
        var w = new StateWriter();
        machine.SaveState(w);
        w.BeginSection("disk-overlay.0", CopyOnWriteBlockDevice.StateVersion);
        w.WriteU64(64);
        w.WriteU32(1);
        w.WriteU64(1000);
        w.WriteBytes(Sector(1));
        w.EndSection();
        Assert.True(good.HasSection("disk-overlay.0"));
        store.Save("bad", w.Written, 0, machine.Cpu.Icount, DateTimeOffset.UnixEpoch);

        machine.Run(100_000);
        Assert.True(overlay.TryWrite(5, Sector(0x66)));
        byte[] before = State(machine);
        Assert.Throws<StateFormatException>(() => snapshots.Load("bad"));
        Assert.Equal(before, State(machine));
        Assert.Equal(0x66, ReadFirstByte(overlay, 5));
    }
}
