using System.Diagnostics;
using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Time;

namespace HexEmu.Bench;

/// <summary>
/// The whole PC running the "mixed" workload with the PIT programmed at 1 kHz, timed the way
/// hexemu's run loop drives it: under -icount shift=0 (slices cut at every timer deadline) and
/// without -icount (host time fed in every 100 000 instructions). The target: icount
/// within 10 % of the run without it.
/// </summary>
internal static class MachineBench
{
    public static int Run(long instructions, int runs)
    {
        var icount = new List<double>();
        var paced = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            // Alternate the two so that machine noise falls on both alike.
            icount.Add(Measure(new TimeMode.InstructionCounted(0, SleepWhenIdle: false), instructions));
            paced.Add(Measure(new TimeMode.HostPaced(), instructions));
        }
        icount.Sort();
        paced.Sort();
        double i = icount[runs / 2], p = paced[runs / 2];
        Console.WriteLine($"machine -icount shift=0: {i:F1} MIPS median of {runs} (min {icount[0]:F1}, max {icount[^1]:F1})");
        Console.WriteLine($"machine without -icount: {p:F1} MIPS median of {runs} (min {paced[0]:F1}, max {paced[^1]:F1})");
        Console.WriteLine($"icount / no icount: {i / p:F3}");
        return 0;
    }

    private static double Measure(TimeMode time, long instructions)
    {
        var machine = new PcMachine(new MachineConfig { RamBytes = 16 << 20, BootLoader = new MixedWorkloadBoot(), Time = time });
        machine.Run(5_000_000); // warm-up
        long start = machine.Cpu.Icount;
        var sw = Stopwatch.StartNew();
        if (machine.Clock.CountsInstructions)
        {
            while (machine.Cpu.Icount - start < instructions) machine.Run(4_000_000);
        }
        else
        {
            while (machine.Cpu.Icount - start < instructions)
            {
                machine.Clock.SyncHostTime((long)(sw.ElapsedTicks * (1e9 / Stopwatch.Frequency)));
                machine.Run(100_000);
            }
        }
        return (machine.Cpu.Icount - start) / sw.Elapsed.TotalSeconds / 1e6;
    }

    /// <summary>Loads the mixed workload in flat protected mode and starts PIT channel 0 at 1 kHz (mode 3).</summary>
    private sealed class MixedWorkloadBoot : IBootLoader
    {
        public void Boot(PcMachine machine)
        {
            var flat = new FlatMachine();
            Workloads.Mixed(flat);
            // The workload's code and data were placed in the flat machine's RAM: take all of it.
            flat.Memory.Ram.CopyTo(machine.Memory.Ram);
            var cpu = machine.Cpu;
            cpu.Cr0 |= CR0.PE;
            Array.Copy(flat.Cpu.Segs, cpu.Segs, Seg.Count);
            Array.Copy(flat.Cpu.Gpr, cpu.Gpr, 8);
            cpu.SetCpl(0);
            cpu.Eip = flat.Cpu.Eip;
            cpu.Eflags = flat.Cpu.Eflags;
            const ushort count = 1193; // 1.19318 MHz / 1193 ≈ 1 kHz
            machine.Io.Write(0x43, 1, 0x36);
            machine.Io.Write(0x40, 1, count & 0xFF);
            machine.Io.Write(0x40, 1, count >> 8);
        }
    }
}
