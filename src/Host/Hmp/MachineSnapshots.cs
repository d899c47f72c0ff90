using HexEmu.Application.Monitor;
using HexEmu.Application.Ports;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;

namespace HexEmu.Host.Hmp;

/// <summary>
/// savevm/loadvm/delvm for the running machine: the VM state is the machine's own versioned state
/// (every section, RAM included), stored with the disks' snapshots, its icount and virtual clock.
/// </summary>
public sealed class MachineSnapshots(PcMachine machine, MachineRunner runner, ISnapshotStore? store, string? unavailable, IHostClock clock)
    : IVmSnapshots
{
    public IReadOnlyList<VmSnapshotInfo> List() => store?.List() ?? [];

    public void Save(string? name)
    {
        var s = Store();
        var state = new StateWriter();
        machine.SaveState(state);
        var now = clock.UtcNow;
        s.Save(name ?? $"vm-{now.ToLocalTime():yyyyMMddHHmmss}", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, now);
    }

    public void Load(string name)
    {
        var s = Store();
        byte[] state = s.ReadVmState(name);
        // The machine first: a state it cannot load leaves machine and disks untouched.
        machine.LoadState(new StateReader(state));
        s.RestoreDisks(name);
    }

    public void Delete(string name) => Store().Delete(name);

    private ISnapshotStore Store()
    {
        if (runner.Recording || runner.Replay is not null)
            throw new InvalidOperationException("VM snapshots are not available while recording or replaying yet");
        return store ?? throw new InvalidOperationException(unavailable ?? "No block device can accept snapshots");
    }
}
