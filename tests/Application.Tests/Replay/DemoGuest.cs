using HexEmu.Domain.Boot;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Time;

namespace HexEmu.Application.Tests.Replay;

/// <summary>
/// The bundled demo kernel (guests/demo) on a small PC under -icount: its output depends on
/// exactly when input arrives (it prints PIT ticks on 't') and on the RTC, so it shows whether
/// a replay reproduces the recording.
/// </summary>
public static class DemoGuest
{
    public const uint RamBytes = 4u << 20;

    private static readonly byte[] Kernel = File.ReadAllBytes(Path.Combine(RepoRoot(), "guests", "demo", "demo.elf"));

    public sealed class Output : IByteSink
    {
        public List<byte> Bytes { get; } = [];
        public void Write(byte value) => Bytes.Add(value);
        public string Text => System.Text.Encoding.ASCII.GetString(Bytes.ToArray());
    }

    public static PcMachine Machine(IByteSink com1, long rtcBase, bool sleepWhenIdle = false) => new(new MachineConfig
    {
        RamBytes = RamBytes,
        BootLoader = new MultibootBoot(KernelImage.Parse(Kernel), RamBytes, "demo.elf ", []),
        SerialPorts = [com1],
        DebugExit = (0x501, 2),
        Time = new TimeMode.InstructionCounted(3, SleepWhenIdle: sleepWhenIdle),
        RtcBaseUnixSeconds = rtcBase,
    });

    /// <summary>A digest stand-in for tests: a 64-bit FNV-1a over the machine's whole saved state.</summary>
    public static ulong Digest(PcMachine machine)
    {
        var w = new StateWriter();
        machine.SaveState(w);
        ulong hash = 0xcbf29ce484222325;
        foreach (byte b in w.Written)
            hash = (hash ^ b) * 0x100000001b3;
        return hash;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) return dir.FullName;
        throw new InvalidOperationException("HexEmu.sln not found above the test directory");
    }
}
