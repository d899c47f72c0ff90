using HexEmu.Application.Ports;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
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
}
