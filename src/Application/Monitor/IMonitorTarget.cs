namespace HexEmu.Application.Monitor;

/// <summary>
/// What the human monitor needs from the running machine, and nothing more. The monitor calls
/// these members only from <see cref="MonitorSession.Poll"/> (or <see cref="MonitorInterpreter.Execute"/>),
/// so an implementation over the machine may assume it runs on the machine thread, between slices.
/// </summary>
public interface IMonitorTarget
{
    /// <summary>The run state `info status` reports; <see cref="MonitorRunState.Running"/> prints "VM status: running".</summary>
    MonitorRunState RunState { get; }

    /// <summary>`stop`: pause the guest (QEMU's run state "paused"). Called only when <see cref="RunState"/> is Running.</summary>
    void Stop();

    /// <summary>
    /// `cont`: resume the guest. Not called while <see cref="RunState"/> needs a reset (shutdown, internal-error,
    /// guest-panicked): the monitor answers "Error: Resetting the Virtual Machine is required" itself, as QEMU does.
    /// Called (and should be harmless) when already running.
    /// </summary>
    void Continue();

    /// <summary>`system_reset`: a reset request, handled as a guest reset would be (with -no-reboot QEMU turns it into a shutdown).</summary>
    void SystemReset();

    /// <summary>`quit`: ask the host to end the process (exit status 0, as QEMU). The monitor stops reading input afterwards.</summary>
    void RequestQuit();

    /// <summary>
    /// The CPU register dump in QEMU's `info registers` format, from "EAX=..." to the last line (the text
    /// cpu_dump_state prints). The monitor prints "\nCPU#0\n" before it, as QEMU's HMP does.
    /// </summary>
    string DumpRegisters();

    /// <summary>
    /// The local APIC's state in QEMU's `info lapic` format, from "dumping local APIC state…" to its
    /// last line; null when the machine has no local APIC.
    /// </summary>
    string? DumpLocalApic() => null;

    /// <summary>The interrupt controllers (I/O APIC, 8259s) in QEMU's `info pic` format; empty when there is nothing to show.</summary>
    string DumpInterruptControllers() => "";

    /// <summary>The host thread id of the thread running the CPU, for `info cpus` ("* CPU #0: thread_id=N").</summary>
    long CpuThreadId { get; }

    /// <summary>16 or 32: the current code segment's default operand size (CS.D), used to disassemble for `x /i`.</summary>
    int CodeBitness { get; }

    /// <summary>A register for `$name` in address expressions (`$eip`, `$esp`, `$cs.base`...); the raw 32-bit value.</summary>
    uint ReadRegister(MonitorRegister register);

    /// <summary>
    /// `xp`: copies guest physical memory at <paramref name="address"/> into <paramref name="destination"/>.
    /// False when any of the bytes is not backed by RAM or ROM (QEMU prints "Cannot access memory"). Must not have
    /// side effects on devices.
    /// </summary>
    bool TryReadPhysical(ulong address, Span<byte> destination);

    /// <summary>
    /// `x`: copies memory at the linear address <paramref name="address"/> (segmentation does not apply; paging
    /// does, through the CPU's current CR3 without touching accessed/dirty bits or the TLB state the guest can see).
    /// Addresses wrap at 4 GiB. False when a page is not present or the physical bytes are not readable.
    /// </summary>
    bool TryReadVirtual(uint address, Span<byte> destination);

    /// <summary>The address spaces for `info mtree`, usually "memory" (the system bus) and "I/O" (ports).</summary>
    IReadOnlyList<MtreeAddressSpace> MemoryTree { get; }

    /// <summary>The character devices for `info chardev`, in the order to print.</summary>
    IReadOnlyList<MonitorChardevInfo> Chardevs { get; }

    /// <summary>The drives for `info block`, in the order to print.</summary>
    IReadOnlyList<MonitorBlockInfo> BlockDevices { get; }

    /// <summary>The emulator version for `info version` and the banner, e.g. "0.1.0".</summary>
    string Version { get; }

    /// <summary>Record/replay in progress, or null when the machine runs live.</summary>
    IReplayMonitor? Replay => null;

    /// <summary>VM snapshots (savevm/loadvm/delvm), or null when no drive can hold them.</summary>
    IVmSnapshots? Snapshots => null;
}
