using HexEmu.Application.Debugging;
using HexEmu.Application.Replay;
using HexEmu.Application.Tests.Replay;
using HexEmu.Domain.Debugging;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Tests.Debugging;

/// <summary>
/// The timeline over a real replay of the demo kernel (typed input, timer interrupts, idle
/// warps): every position reached going back — by seeking, reverse-stepping or reverse-continuing
/// through the engine's checkpoints — holds exactly the state the forward replay had there.
/// </summary>
public class ReplayTimelineTests
{
    private static readonly long RtcBase = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>A recording of the demo with keys typed at seeded random moments.</summary>
    private static List<ReplayEvent> Record()
    {
        var machine = DemoGuest.Machine(new DemoGuest.Output(), RtcBase);
        var log = new InMemoryReplayLog();
        var recorder = new RecordingSession(machine, log, _ => DemoGuest.Digest(machine), RtcBase, checkpointInterval: 200_000);
        var random = new Random(7);
        var pending = new Queue<byte>("t ab t cd t q"u8.ToArray());
        for (int slice = 0; slice < 100_000; slice++)
        {
            if (pending.Count > 0 && random.Next(3) == 0 && recorder.TryDeliverSerialInput(0, pending.Peek())) pending.Dequeue();
            recorder.EndInputBatch();
            var stop = machine.Run(recorder.SliceLimit(random.Next(1_000, 100_000)));
            recorder.AfterSlice();
            if (stop == MachineStop.GuestExit)
            {
                recorder.Finish(ShutdownCause.GuestShutdown, machine.ExitCode!.Value);
                return log.Events;
            }
        }
        throw new InvalidOperationException("the demo did not exit");
    }

    private static readonly Lazy<List<ReplayEvent>> Recording = new(Record);

    /// <summary>Where the recording ends (the demo idles much of the time, so it is short in instructions).</summary>
    private static readonly Lazy<long> End = new(() =>
    {
        var replay = new Replay();
        Assert.IsType<TimelineStop.HistoryEnd>(replay.Timeline.Continue());
        return replay.Timeline.Now;
    });

    private sealed class Replay
    {
        public readonly DemoGuest.Output Output = new();
        public readonly PcMachine Machine;
        public readonly ReplayDebugEngine Engine;
        public readonly Timeline Timeline;

        public Replay(long interval = 50_000)
        {
            var reader = InMemoryReplayLog.Reader(Recording.Value);
            long rtcBase = ReplaySession.ReadRtcBase(reader);
            var gate = new ReplayOutputGate();
            Machine = DemoGuest.Machine(gate.Wrap(Output)!, rtcBase);
            var session = new ReplaySession(Machine, reader, _ => DemoGuest.Digest(Machine));
            Engine = new ReplayDebugEngine(Machine, session, gate);
            Timeline = new Timeline(Engine, new SnapshotPolicy(new SnapshotPolicyOptions { Interval = interval }));
        }

        public ulong Digest => Machine.ComputeStateDigest(includeRam: true);
    }

    [Fact]
    public void Seeking_back_and_forth_finds_the_states_the_forward_replay_had()
    {
        var replay = new Replay();
        long end = End.Value;
        Assert.True(end > 50_000, $"the recording is {end} instructions long");
        var positions = new long[] { 1, 12_345, end / 3, end / 2 + 1, end - 7, end - 1 };
        var forward = new Dictionary<long, ulong>();
        foreach (long p in positions)
        {
            Assert.IsType<TimelineStop.Stepped>(replay.Timeline.SeekTo(p));
            Assert.Equal(p, replay.Timeline.Now);
            forward[p] = replay.Digest;
        }
        foreach (long p in positions.Reverse().Concat(positions))
        {
            replay.Timeline.SeekTo(p);
            Assert.Equal(forward[p], replay.Digest);
        }
    }

    [Fact]
    public void Reverse_stepi_visits_the_forward_steps_in_reverse()
    {
        var replay = new Replay();
        replay.Timeline.SeekTo(End.Value / 2);
        var states = new List<(long Icount, uint Eip, ulong Digest)>();
        for (int k = 0; k < 10; k++)
        {
            states.Add((replay.Timeline.Now, replay.Machine.Cpu.Eip, replay.Digest));
            Assert.IsType<TimelineStop.Stepped>(replay.Timeline.StepForward());
        }
        for (int k = 9; k >= 0; k--)
        {
            Assert.IsType<TimelineStop.Stepped>(replay.Timeline.StepBack());
            Assert.Equal(states[k], (replay.Timeline.Now, replay.Machine.Cpu.Eip, replay.Digest));
        }
    }

    [Fact]
    public void Reverse_continue_stops_at_each_earlier_breakpoint_hit_latest_first()
    {
        var replay = new Replay();
        // Where the demo's loop is at some position, found by replaying forward.
        long from = End.Value / 2, to = from + 20_000;
        replay.Timeline.SeekTo(to);
        uint loop = replay.Machine.Cpu.Segs[Domain.Cpu.Seg.CS].Base + replay.Machine.Cpu.Eip;
        // Every visit of that address in [from, to), found forward one instruction at a time.
        replay.Timeline.SeekTo(from);
        var visits = new List<long>();
        while (replay.Timeline.Now < to)
        {
            if (replay.Machine.Cpu.Segs[Domain.Cpu.Seg.CS].Base + replay.Machine.Cpu.Eip == loop) visits.Add(replay.Timeline.Now);
            Assert.IsType<TimelineStop.Stepped>(replay.Timeline.StepForward());
        }
        Assert.True(visits.Count >= 3, $"the address was visited {visits.Count} times");

        replay.Machine.Cpu.Debug.AddBreakpoint(loop);
        for (int k = visits.Count - 1; k >= visits.Count - 3; k--)
        {
            var stop = Assert.IsType<TimelineStop.Breakpoint>(replay.Timeline.ContinueBack());
            Assert.Equal(visits[k], stop.Icount);
            Assert.Equal(loop, stop.Address);
        }
    }

    [Fact]
    public void A_write_watchpoint_is_found_backwards_before_the_write_and_forwards_after_it()
    {
        var replay = new Replay();
        long from = End.Value / 2, to = from + 5_000;
        replay.Timeline.SeekTo(from);
        uint watched = replay.Machine.Cpu.Gpr[4] - 4; // the next stack slot: calls and pushes write it
        var changes = new List<long>(); // t: the instruction with index t changed the word
        uint previous = Word(replay, watched);
        while (replay.Timeline.Now < to)
        {
            long t = replay.Timeline.Now;
            replay.Timeline.StepForward();
            uint value = Word(replay, watched);
            if (value != previous) changes.Add(t);
            previous = value;
        }
        Assert.NotEmpty(changes);

        replay.Machine.Cpu.Debug.AddWatchpoint(new Watchpoint(watched, 4, WatchKind.Write));
        var back = Assert.IsType<TimelineStop.WatchHit>(replay.Timeline.ContinueBack());
        // A write that stores the same value is a hit too, so the last hit is at or after the last change.
        Assert.InRange(back.Icount, changes[^1], to - 1);
        Assert.Equal(back.Icount, replay.Timeline.Now); // just before the writing instruction
        Assert.Equal(watched, back.Watch.Address);

        replay.Timeline.SeekTo(from);
        var forward = Assert.IsType<TimelineStop.WatchHit>(replay.Timeline.Continue());
        Assert.InRange(forward.Icount, from + 1, changes[0] + 1); // just after it
    }

    private static uint Word(Replay replay, uint linear)
    {
        var bytes = new byte[4];
        Assert.Equal(4, replay.Machine.Cpu.PeekLinear(linear, bytes));
        return BitConverter.ToUInt32(bytes);
    }

    [Fact]
    public void Reverse_continue_without_an_earlier_hit_reaches_the_start_of_history()
    {
        var replay = new Replay();
        replay.Timeline.SeekTo(End.Value - 1);
        replay.Machine.Cpu.Debug.AddBreakpoint(0xFFFF_0000); // nothing runs there
        Assert.IsType<TimelineStop.HistoryBegin>(replay.Timeline.ContinueBack());
        Assert.Equal(0, replay.Timeline.Now);
        Assert.IsType<TimelineStop.HistoryBegin>(replay.Timeline.StepBack());
    }

    [Fact]
    public void Going_back_does_not_print_the_guests_output_again_and_the_end_is_the_end_of_history()
    {
        var replay = new Replay();
        var stop = replay.Timeline.Continue();
        Assert.IsType<TimelineStop.HistoryEnd>(stop);
        Assert.IsType<ReplayProgress.Finished>(replay.Engine.EndReached);
        string once = replay.Output.Text;
        Assert.Contains("Goodbye", once);

        replay.Timeline.SeekTo(replay.Timeline.Now / 3);
        Assert.IsType<TimelineStop.HistoryEnd>(replay.Timeline.Continue());
        Assert.Equal(once, replay.Output.Text);
    }
}
