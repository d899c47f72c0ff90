using HexEmu.Application.Monitor;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;

namespace HexEmu.Host.Hmp;

/// <summary>
/// The monitor's view of the running VM: the machine for registers and memory, the run loop for
/// run state. Every member runs on the machine thread (the session is polled between slices).
/// </summary>
public sealed class MachineMonitorTarget(
    PcMachine machine,
    MachineRunner runner,
    Func<string> dumpRegisters,
    IReadOnlyList<MonitorChardevInfo> chardevs,
    IReadOnlyList<MonitorBlockInfo> blockDevices,
    IReplayMonitor? replay = null,
    IVmSnapshots? snapshots = null) : IMonitorTarget
{
    public IReplayMonitor? Replay => replay;

    public IVmSnapshots? Snapshots => snapshots;

    public MonitorRunState RunState =>
        runner.InShutdown ? MonitorRunState.Shutdown
        : runner.Prelaunch ? MonitorRunState.Prelaunch
        : runner.Paused ? MonitorRunState.Paused
        : MonitorRunState.Running;

    public void Stop() => runner.Paused = true;

    public void Continue()
    {
        if (!runner.InShutdown) runner.Paused = false;
    }

    public void SystemReset()
    {
        if (machine.Config.NoReboot)
        {
            // As QEMU: under -no-reboot a reset request is a shutdown.
            runner.Shutdown();
            return;
        }
        runner.SystemReset();
        runner.LeaveShutdown();
    }

    public void RequestQuit() => runner.RequestStop(RunEnd.Quit);

    public string DumpRegisters() => dumpRegisters();

    public string? DumpLocalApic() => machine.LocalApic is { } apic ? Domain.Diagnostics.LocalApicDump.Format(apic) : null;

    public string DumpInterruptControllers() => Domain.Diagnostics.InterruptControllerDump.Format(machine.IoApic, machine.Pic);

    public long CpuThreadId => HostThread.CurrentId(); // the monitor runs on the machine thread

    public int CodeBitness => machine.Cpu.Code32 ? 32 : 16;

    public uint ReadRegister(MonitorRegister register)
    {
        var cpu = machine.Cpu;
        return register switch
        {
            MonitorRegister.Eax => cpu.Gpr[Cpu.EAX],
            MonitorRegister.Ecx => cpu.Gpr[Cpu.ECX],
            MonitorRegister.Edx => cpu.Gpr[Cpu.EDX],
            MonitorRegister.Ebx => cpu.Gpr[Cpu.EBX],
            MonitorRegister.Esp => cpu.Gpr[Cpu.ESP],
            MonitorRegister.Ebp => cpu.Gpr[Cpu.EBP],
            MonitorRegister.Esi => cpu.Gpr[Cpu.ESI],
            MonitorRegister.Edi => cpu.Gpr[Cpu.EDI],
            MonitorRegister.Eflags => cpu.Eflags,
            MonitorRegister.Eip => cpu.Eip,
            _ => Segment(cpu, register),
        };
    }

    private static uint Segment(Cpu cpu, MonitorRegister register)
    {
        int index = ((int)register - (int)MonitorRegister.Cs) / 3;
        int part = ((int)register - (int)MonitorRegister.Cs) % 3;
        // MonitorRegister lists CS, DS, ES, SS, FS, GS; the CPU numbers them ES, CS, SS, DS, FS, GS.
        int seg = index switch { 0 => Seg.CS, 1 => Seg.DS, 2 => Seg.ES, 3 => Seg.SS, 4 => Seg.FS, _ => Seg.GS };
        ref var cache = ref cpu.Segs[seg];
        return part switch { 0 => cache.Selector, 1 => cache.Base, _ => cache.Limit };
    }

    public bool TryReadPhysical(ulong address, Span<byte> destination) => machine.Memory.TryPeek(address, destination);

    public bool TryReadVirtual(uint address, Span<byte> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            uint linear = unchecked(address + (uint)done);
            if (!machine.Cpu.TryTranslateForDebugger(linear, out uint physical)) return false;
            int n = Math.Min(destination.Length - done, 0x1000 - (int)(linear & 0xFFF));
            if (!machine.Memory.TryPeek(physical, destination.Slice(done, n))) return false;
            done += n;
        }
        return true;
    }

    public IReadOnlyList<MtreeAddressSpace> MemoryTree => MachineMemoryTree.Describe(machine);

    public IReadOnlyList<MonitorChardevInfo> Chardevs => chardevs;

    public IReadOnlyList<MonitorBlockInfo> BlockDevices => blockDevices;

    public string Version => Program.Version;
}
