using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>
/// An in-memory stand-in for the machine (unit tests only): registers, 1 MiB of RAM at linear 0
/// (nothing mapped above), a breakpoint list, and resumes that stop as scripted: a step moves
/// EIP by <see cref="StepLength"/>; a continue runs to the next breakpoint above EIP, else takes
/// the next scripted stop, else runs until interrupted.
/// </summary>
internal sealed class FakeDebugTarget : IDebugTarget
{
    public const int RamSize = 1 << 20;

    private readonly object gate = new();
    private readonly Queue<(TargetStop Stop, Action<FakeDebugTarget>? Effect)> scripted = new();
    private readonly List<(BreakpointType Type, uint Address, uint Length)> breakpoints = [];
    private TaskCompletionSource<TargetStop>? running;
    private GuestRegisters registers;

    public byte[] Ram { get; } = new byte[RamSize];
    public bool CanReverse { get; set; }
    public TargetStop AttachStop { get; set; } = new TargetStop.Stepped();
    public uint StepLength { get; set; } = 2;

    /// <summary>Every resume stops at once as Stepped (for the fuzz: nothing may run forever).</summary>
    public bool StopImmediately { get; set; }

    /// <summary>Breakpoint types the fake refuses (InsertBreakpoint returns false).</summary>
    public HashSet<BreakpointType> Refused { get; } = [];

    public int Attaches { get; private set; }
    public int Detaches { get; private set; }
    public int Interrupts { get; private set; }
    public int Kills { get; private set; }
    public List<ResumeAction> Resumes { get; } = [];
    public List<string> MonitorCommands { get; } = [];
    public List<(BreakpointType Type, uint Address, uint Length)> BreakpointsEverInserted { get; } = [];

    public GuestRegisters Registers
    {
        get { lock (gate) return registers; }
        set { lock (gate) registers = value; }
    }

    public IReadOnlyList<(BreakpointType Type, uint Address, uint Length)> Breakpoints
    {
        get { lock (gate) return [.. breakpoints]; }
    }

    public bool IsRunning
    {
        get { lock (gate) return running is not null; }
    }

    /// <summary>The next resume that hits no breakpoint stops so, after <paramref name="effect"/> (what the guest did meanwhile).</summary>
    public void Script(TargetStop stop, Action<FakeDebugTarget>? effect = null)
    {
        lock (gate) scripted.Enqueue((stop, effect));
    }

    /// <summary>Waits (bounded) until the condition holds; the fake pulses on every call it receives.</summary>
    public void WaitUntil(Func<FakeDebugTarget, bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        lock (gate)
        {
            while (!condition(this))
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0) throw new TimeoutException($"fake target: timed out waiting for {what}");
                Monitor.Wait(gate, TimeSpan.FromMilliseconds(left));
            }
        }
    }

    private void Changed() => Monitor.PulseAll(gate);

    public TargetStop Attach()
    {
        lock (gate)
        {
            Attaches++;
            Changed();
            return AttachStop;
        }
    }

    public void Detach()
    {
        lock (gate)
        {
            Detaches++;
            breakpoints.Clear();
            Changed();
        }
    }

    public void Kill()
    {
        lock (gate)
        {
            Kills++;
            Changed();
        }
    }

    public GuestRegisters ReadRegisters() => Registers;

    public void WriteRegisters(GuestRegisters value) => Registers = value;

    public int ReadMemory(uint linearAddress, Span<byte> destination)
    {
        lock (gate)
        {
            if (linearAddress >= RamSize) return 0;
            var count = (int)Math.Min(destination.Length, RamSize - linearAddress);
            Ram.AsSpan((int)linearAddress, count).CopyTo(destination);
            return count;
        }
    }

    public bool WriteMemory(uint linearAddress, ReadOnlySpan<byte> source)
    {
        lock (gate)
        {
            if ((ulong)linearAddress + (ulong)source.Length > RamSize) return false;
            source.CopyTo(Ram.AsSpan((int)linearAddress));
            return true;
        }
    }

    public bool InsertBreakpoint(BreakpointType type, uint address, uint length)
    {
        lock (gate)
        {
            if (Refused.Contains(type)) return false;
            breakpoints.Add((type, address, length));
            BreakpointsEverInserted.Add((type, address, length));
            Changed();
            return true;
        }
    }

    public bool RemoveBreakpoint(BreakpointType type, uint address, uint length)
    {
        lock (gate)
        {
            var removed = breakpoints.Remove((type, address, length));
            Changed();
            return removed;
        }
    }

    public Task<TargetStop> Resume(ResumeAction action)
    {
        lock (gate)
        {
            if (running is not null) throw new InvalidOperationException("fake target: resumed while running");
            Resumes.Add(action);
            Changed();
            if (StopImmediately) return Task.FromResult<TargetStop>(new TargetStop.Stepped());
            if (action is ResumeAction.Step or ResumeAction.ReverseStep)
            {
                var delta = action == ResumeAction.Step ? StepLength : unchecked(0u - StepLength);
                registers = registers with { Eip = registers.Eip + delta };
                return Task.FromResult<TargetStop>(new TargetStop.Stepped());
            }
            var eip = registers.Eip;
            var next = breakpoints
                .Where(b => b.Type is BreakpointType.Software or BreakpointType.Hardware && b.Address > eip)
                .OrderBy(b => b.Address)
                .FirstOrDefault();
            if (action == ResumeAction.Continue && next != default)
            {
                registers = registers with { Eip = next.Address };
                return Task.FromResult<TargetStop>(new TargetStop.Breakpoint(next.Address, next.Type));
            }
            if (scripted.TryDequeue(out var script))
            {
                script.Effect?.Invoke(this);
                return Task.FromResult(script.Stop);
            }
            running = new TaskCompletionSource<TargetStop>(TaskCreationOptions.RunContinuationsAsynchronously);
            return running.Task;
        }
    }

    public void Interrupt()
    {
        lock (gate)
        {
            Interrupts++;
            running?.TrySetResult(new TargetStop.Interrupted());
            running = null;
            Changed();
        }
    }

    public string MonitorCommand(string command)
    {
        lock (gate)
        {
            MonitorCommands.Add(command);
            Changed();
        }
        return command == "help" ? "help|? [cmd] -- show the help\ninfo [subcommand] -- show various information\n" : $"echo: {command}\n";
    }
}
