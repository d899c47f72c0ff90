using System.Diagnostics;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Time;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Bench;

/// <summary>
/// The reverse debugger's checkpoints on a 128 MiB PC: what a checkpoint every 2 M instructions
/// costs to take (time, bytes) and to restore, for a guest that touches little memory
/// (rrbench.elf) and one that rewrites 64 MiB over and over.
/// </summary>
internal static class CheckpointBench
{
    private const long Interval = 2_000_000;
    private const int Takes = 24;

    public static int Run()
    {
        Measure("rrbench.elf (touches little memory)", RrBench());
        Measure("dirtier (rewrites 64 MiB, every page every ~65 000 instructions)", Dirtier());
        return 0;
    }

    private static void Measure(string name, PcMachine machine)
    {
        machine.Run(Interval); // warm-up: boot, JIT
        var checkpoints = new MachineCheckpoints(machine);
        var sw = Stopwatch.StartNew();
        var ids = new List<int> { checkpoints.Take() };
        double firstMs = sw.Elapsed.TotalMilliseconds;
        long firstBytes = checkpoints.BytesHeld;

        var pauseBefore = GC.GetTotalPauseDuration();
        var takeMs = new List<double>();
        var takeBytes = new List<long>();
        var runMs = new List<double>();
        for (int k = 0; k < Takes; k++)
        {
            sw.Restart();
            machine.Run(Interval);
            runMs.Add(sw.Elapsed.TotalMilliseconds);
            long before = checkpoints.BytesHeld;
            sw.Restart();
            ids.Add(checkpoints.Take());
            takeMs.Add(sw.Elapsed.TotalMilliseconds);
            takeBytes.Add(checkpoints.BytesHeld - before);
        }

        // Steady state under a budget: each new checkpoint replaces the oldest, reusing its memory.
        var steadyMs = new List<double>();
        var discardMs = new List<double>();
        for (int k = 0; k < 12; k++)
        {
            machine.Run(Interval);
            sw.Restart();
            checkpoints.Discard(ids[1]);
            discardMs.Add(sw.Elapsed.TotalMilliseconds);
            ids.RemoveAt(1);
            sw.Restart();
            ids.Add(checkpoints.Take());
            steadyMs.Add(sw.Elapsed.TotalMilliseconds);
        }

        var restoreMs = new List<double>();
        var runAfterRestoreMs = new List<double>();
        var rng = new Random(1);
        for (int k = 0; k < 20; k++)
        {
            int id = ids[1 + rng.Next(ids.Count - 2)];
            sw.Restart();
            checkpoints.Restore(id);
            restoreMs.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            machine.Run(Interval);
            runAfterRestoreMs.Add(sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"{name}, 128 MiB, a checkpoint every {Interval:N0} instructions:");
        Console.WriteLine($"  first take (every non-zero page): {firstMs:F1} ms, {firstBytes / 1024.0:N0} KiB");
        Console.WriteLine($"  later takes: median {Median(takeMs):F2} ms (max {takeMs.Max():F2}), median {Median(takeBytes) / 1024.0:N1} KiB each");
        Console.WriteLine($"  takes replacing the oldest checkpoint (memory reused): median {Median(steadyMs):F2} ms (max {steadyMs.Max():F2}); discarding the oldest: median {Median(discardMs):F2} ms");
        Console.WriteLine($"  restore: median {Median(restoreMs):F2} ms (max {restoreMs.Max():F2})");
        Console.WriteLine($"  running {Interval:N0} instructions: median {Median(runMs):F1} ms; right after a restore {Median(runAfterRestoreMs):F1} ms (decoded code is dropped by a restore)");
        Console.WriteLine($"  GC pauses during it all: {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms; gen2 collections {GC.CollectionCount(2)}");
        Console.WriteLine($"  held by {checkpoints.Count} checkpoints: {checkpoints.BytesHeld / 1048576.0:N1} MiB");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    private static double Median(List<long> values) => values.Order().ElementAt(values.Count / 2);

    private static PcMachine RrBench()
    {
        const uint ram = 128u << 20;
        string path = GuestPath("rrbench.elf");
        return new PcMachine(new MachineConfig
        {
            RamBytes = ram,
            BootLoader = new MultibootBoot(KernelImage.Parse(File.ReadAllBytes(path)), ram, MultibootBoot.QemuCommandLine(path, "rounds=100000"), []),
            SerialPorts = [NullByteSink.Instance],
            DebugExit = (0x501, 2),
            Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
        });
    }

    private static PcMachine Dirtier() => new(new MachineConfig
    {
        RamBytes = 128u << 20,
        BootLoader = new DirtierBoot(),
        Time = new TimeMode.InstructionCounted(0, SleepWhenIdle: false),
    });

    /// <summary>Flat protected mode; writes a new value into the first dword of every page from 16 MiB to 80 MiB, forever.</summary>
    private sealed class DirtierBoot : IBootLoader
    {
        public void Boot(PcMachine machine)
        {
            const uint code = 0x1_0000, start = 16u << 20, end = 80u << 20;
            var a = new Assembler(32);
            Label outer = a.CreateLabel(), inner = a.CreateLabel();
            a.xor(ebx, ebx);
            a.Label(ref outer);
            a.inc(ebx);
            a.mov(edi, start);
            a.Label(ref inner);
            a.mov(__dword_ptr[edi], ebx);
            a.add(edi, 4096);
            a.cmp(edi, end);
            a.jb(inner);
            a.jmp(outer);
            var stream = new MemoryStream();
            a.Assemble(new StreamCodeWriter(stream), code);
            stream.ToArray().CopyTo(machine.Memory.Ram[(int)code..]);
            machine.Memory.NoteWrite(code >> 12);
            machine.Cpu.EnterFlatProtectedMode(code, 0x08, 0x10);
        }
    }

    private static string GuestPath(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("HexEmu.sln not found"), "tests", "guests", file);
    }
}
