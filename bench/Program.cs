using System.Diagnostics;
using HexEmu.Bench;
using HexEmu.Domain.Cpu;

// HexEmu CPU benchmark: runs guest programs of our own in flat 32-bit protected mode for a fixed
// number of instructions and reports guest MIPS (median of several runs), by the wall clock and
// per second of CPU time used (the latter is steadier on a machine shared with other work).
//   dotnet run -c Release --project bench -- [--instructions N] [--runs K] [--workload mixed|movjmp|movjmp-if|all|blocks|machine|storage|checkpoints|litedb|azureblob|archive]
//                                            [--breakpoint] [--watchpoint]
// --breakpoint and --watchpoint arm a debugger trap that is never hit (at addresses the workloads
// do not use), to measure what armed traps cost the CPU workloads.

long instructions = 300_000_000;
int runs = 5;
string workload = "all";
bool armBreakpoint = false, armWatchpoint = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--instructions": instructions = long.Parse(args[++i]); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--workload": workload = args[++i]; break;
        case "--breakpoint": armBreakpoint = true; break;
        case "--watchpoint": armWatchpoint = true; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

int status = 0;
if (workload is "movjmp" or "all") status |= Measure("movjmp", Workloads.MovJmp, instructions, runs);
if (workload is "mixed" or "all") status |= Measure("mixed", Workloads.Mixed, instructions, runs);
if (workload is "movjmp-if")
{
    // The hot path with IF = 1 and an interrupt controller that is asked at every block boundary.
    status |= Measure("movjmp-if", m =>
    {
        m.Cpu.InterruptSource = new SilentInterruptSource();
        m.Cpu.Eflags |= Flags.IF;
        return Workloads.MovJmp(m);
    }, instructions, runs);
}
if (workload is "machine")
    status |= MachineBench.Run(instructions, runs);
if (workload is "checkpoints")
    status |= CheckpointBench.Run();
if (workload is "litedb")
    status |= LiteDbBench.Run();
if (workload is "storage")
    status |= StorageBench.Run(megabytes: 64);
if (workload is "azureblob")
    status |= AzureBlobBench.Run(megabytes: 128, runs);
if (workload is "archive")
    status |= ArchiveBench.Run(imageMegabytes: 128, runs);
if (workload is "blocks")
{
    // The run loop's cost per block: the same register moves in 1- and 31-instruction blocks.
    status |= Measure("blocks-of-2", m => Workloads.Blocks(m, 1), instructions, runs);
    status |= Measure("blocks-of-32", m => Workloads.Blocks(m, 31), instructions, runs);
}
return status;

int Measure(string name, Func<FlatMachine, byte[]> build, long instructions, int runs)
{
    var m = new FlatMachine();
    byte[] code = build(m);
    if (armBreakpoint) m.Cpu.Debug.AddBreakpoint(0x00F0_0000);
    if (armWatchpoint) m.Cpu.Debug.AddWatchpoint(new HexEmu.Domain.Debugging.Watchpoint(0x00F0_1000, 4, HexEmu.Domain.Debugging.WatchKind.Access));
    var missing = FlatMachine.Unimplemented(code);
    if (missing.Count > 0)
    {
        Console.Error.WriteLine($"{name}: cannot run, these instructions are not implemented yet (#UD): {string.Join(", ", missing)}");
        return 1;
    }

    var exit = m.Cpu.Run(Math.Min(instructions, 5_000_000)); // warm-up: decode, fill the TLB, tier up the JIT
    if (exit != RunExit.BudgetReached)
    {
        Console.Error.WriteLine($"{name}: the guest stopped during warm-up ({exit}) at EIP 0x{m.Cpu.Eip:x8}");
        return 1;
    }
    var mips = new List<double>();
    var cpuMips = new List<double>();
    var process = Process.GetCurrentProcess();
    for (int r = 0; r < runs; r++)
    {
        long start = m.Cpu.Icount;
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        exit = m.Cpu.Run(instructions);
        sw.Stop();
        process.Refresh();
        var cpuTime = process.TotalProcessorTime - cpuStart;
        long done = m.Cpu.Icount - start;
        if (exit != RunExit.BudgetReached)
        {
            Console.Error.WriteLine($"{name}: the guest stopped ({exit}) at EIP 0x{m.Cpu.Eip:x8} after {done} instructions");
            return 1;
        }
        mips.Add(done / sw.Elapsed.TotalSeconds / 1e6);
        cpuMips.Add(done / cpuTime.TotalSeconds / 1e6);
    }
    mips.Sort();
    cpuMips.Sort();
    double median = mips[mips.Count / 2];
    Console.WriteLine(
        $"{name}: {median:F1} MIPS median of {runs} runs of {instructions:N0} instructions " +
        $"(min {mips[0]:F1}, max {mips[^1]:F1}); per CPU second {cpuMips[cpuMips.Count / 2]:F1}; " +
        $"{m.Cpu.CachedBlockCount} blocks cached");
    return 0;
}

/// <summary>An interrupt controller with nothing pending, as a PIC is most of the time.</summary>
internal sealed class SilentInterruptSource : IInterruptSource
{
    public bool HasPendingInterrupt => false;
    public byte AcknowledgeInterrupt() => throw new InvalidOperationException("nothing is pending");
}
