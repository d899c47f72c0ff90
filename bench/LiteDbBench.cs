using System.Diagnostics;
using HexEmu.Adapters.LiteDb;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;

namespace HexEmu.Bench;

/// <summary>
/// LiteDB snapshot store figures for issue 7: savevm/loadvm of a 128 MiB machine whose RAM is full
/// of data (the worst case: no zero pages, nothing to share), a second savevm after 1% of RAM
/// changed (what content-addressed chunks save), and the nearest-checkpoint lookup among 10 000
/// checkpoints of one recording.
/// </summary>
internal static class LiteDbBench
{
    public static int Run()
    {
        string dir = Directory.CreateTempSubdirectory("hexemu-bench-litedb-").FullName;
        try
        {
            string path = Path.Combine(dir, "snapshots.db");
            Snapshots(path);
            Checkpoints(Path.Combine(dir, "checkpoints.db"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Snapshots(string path)
    {
        var machine = new PcMachine(new MachineConfig { Bios = new byte[MachineConfig.MinBiosBytes] });
        var random = new Random(1);
        random.NextBytes(machine.Memory.Ram);

        using (var store = LiteDbSnapshotStore.Open(path))
        {
            var sw = Stopwatch.StartNew();
            var state = new StateWriter();
            machine.SaveState(state);
            store.Save("first", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, DateTimeOffset.UtcNow);
            double save = sw.Elapsed.TotalMilliseconds;

            sw.Restart();
            machine.LoadState(new StateReader(store.ReadVmState("first")));
            store.RestoreDisks("first");
            double load = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"litedb savevm of a 128 MiB machine (RAM all data, {state.Written.Length >> 20} MiB of state): {save:F0} ms; loadvm: {load:F0} ms");
        }
        long afterFirst = new FileInfo(path).Length;

        var ram = machine.Memory.Ram;
        for (int page = 0; page < ram.Length / 4096; page += 100) random.NextBytes(ram.Slice(page * 4096, 4096));
        using (var store = LiteDbSnapshotStore.Open(path))
        {
            var sw = Stopwatch.StartNew();
            var state = new StateWriter();
            machine.SaveState(state);
            store.Save("second", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, DateTimeOffset.UtcNow);
            Console.WriteLine($"litedb savevm after 1% of RAM changed: {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
        long afterSecond = new FileInfo(path).Length;
        Console.WriteLine($"litedb file: {afterFirst >> 20} MiB after the first snapshot, +{(afterSecond - afterFirst) >> 20} MiB for the second");
    }

    private static void Checkpoints(string path)
    {
        const int count = 10_000, lookups = 10_000;
        byte[] state = new byte[64 << 10];
        using (var store = LiteDbSnapshotStore.Open(path))
        {
            var sw = Stopwatch.StartNew();
            for (long i = 1; i <= count; i++)
            {
                BitConverter.TryWriteBytes(state, i); // one page of each checkpoint differs from the last
                store.SaveCheckpoint("bench", i * 1_000_000, state);
            }
            Console.WriteLine($"litedb {count} checkpoints of 64 KiB saved: {sw.Elapsed.TotalMicroseconds / count:F0} µs each");
        }
        using (var store = LiteDbSnapshotStore.Open(path))
        {
            var random = new Random(2);
            store.FindCheckpoint("bench", 5_000_000); // warm-up
            var sw = Stopwatch.StartNew();
            for (int n = 0; n < lookups; n++)
            {
                long icount = random.NextInt64(1_000_000, (count + 1) * 1_000_000L);
                if (store.FindCheckpoint("bench", icount)?.Icount != icount / 1_000_000 * 1_000_000)
                    throw new InvalidOperationException($"wrong checkpoint for icount {icount}");
            }
            Console.WriteLine($"litedb nearest-checkpoint lookup among {count}: {sw.Elapsed.TotalMicroseconds / lookups:F0} µs each, reading the 64 KiB state included");
        }
    }
}
