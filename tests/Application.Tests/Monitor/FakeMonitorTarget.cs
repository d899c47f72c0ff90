using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// A PC-shaped fake: 128 MiB of RAM at 0 with a 64 KiB ROM image mirrored at 0xF0000 and 0xFFFF0000 (as
/// QEMU maps -bios), nothing else readable; paging off unless <see cref="PageMap"/> is set (then only the
/// listed 4 KiB linear pages translate). Registers as QEMU reported them in the captured sessions.
/// </summary>
internal sealed class FakeMonitorTarget : IMonitorTarget
{
    public const ulong RamSize = 128 * 1024 * 1024;
    private readonly Dictionary<ulong, byte> _ramBytes = [];
    private byte[] _rom = new byte[0x10000];

    public FakeMonitorTarget()
    {
        Array.Fill(_rom, (byte)0xFF);
    }

    public List<string> Calls { get; } = [];
    public IReplayMonitor? Replay { get; set; }
    public IVmSnapshots? Snapshots { get; set; }
    public MonitorRunState RunState { get; set; } = MonitorRunState.Running;
    public string RegisterText { get; set; } = "EAX=00000000\n";
    public long CpuThreadId { get; set; } = 25605;
    public int CodeBitness { get; set; } = 16;
    public Dictionary<MonitorRegister, uint> Registers { get; } = [];

    /// <summary>Linear page number → physical page number; null means paging is off.</summary>
    public Dictionary<uint, ulong>? PageMap { get; set; }

    public IReadOnlyList<MtreeAddressSpace> MemoryTree { get; set; } = [];
    public IReadOnlyList<MonitorChardevInfo> Chardevs { get; set; } = [];
    public IReadOnlyList<MonitorBlockInfo> BlockDevices { get; set; } = [];
    public string Version { get; set; } = "0.1.0";

    /// <summary>Puts a ROM image (at most 64 KiB, the rest <paramref name="fill"/>) at the BIOS addresses.</summary>
    public void LoadRom(byte[] image, byte fill = 0xFF)
    {
        _rom = new byte[0x10000];
        Array.Fill(_rom, fill);
        image.CopyTo(_rom, 0);
    }

    public void LoadRomTail(byte[] tail) => tail.CopyTo(_rom, _rom.Length - tail.Length);

    public void PokeRam(ulong address, params byte[] bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
            _ramBytes[address + (ulong)i] = bytes[i];
    }

    public void Stop() { Calls.Add("stop"); RunState = MonitorRunState.Paused; }
    public void Continue() { Calls.Add("cont"); RunState = MonitorRunState.Running; }
    public void SystemReset() => Calls.Add("system_reset");
    public void RequestQuit() => Calls.Add("quit");
    public string DumpRegisters() => RegisterText;

    /// <summary>What `info lapic` shows; null for a machine without a local APIC.</summary>
    public string? LocalApicText { get; set; }

    public string? DumpLocalApic() => LocalApicText;
    public uint ReadRegister(MonitorRegister register) => Registers.GetValueOrDefault(register);

    public bool TryReadPhysical(ulong address, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            if (ReadPhysicalByte(address + (ulong)i) is not byte b)
                return false;
            destination[i] = b;
        }
        return true;
    }

    public bool TryReadVirtual(uint address, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            uint linear = unchecked(address + (uint)i);
            ulong physical = linear;
            if (PageMap is not null)
            {
                if (!PageMap.TryGetValue(linear >> 12, out ulong frame))
                    return false;
                physical = (frame << 12) | (linear & 0xFFF);
            }
            if (ReadPhysicalByte(physical) is not byte b)
                return false;
            destination[i] = b;
        }
        return true;
    }

    private byte? ReadPhysicalByte(ulong address)
    {
        if (address is >= 0xF0000 and <= 0xFFFFF)
            return _rom[address - 0xF0000];
        if (address is >= 0xFFFF0000 and <= 0xFFFFFFFF)
            return _rom[address - 0xFFFF0000];
        if (address < RamSize)
            return _ramBytes.GetValueOrDefault(address);
        return null;
    }
}
