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
            Machine = DemoGuest.Machine((DemoGuest.Output)gate.Wrap(Output)!, rtcBase);
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
        var positions = new long[] { 1, 12_345, 99_999, 250_000, 600_001, 1_000_000 };
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
        replay.Timeline.SeekTo(300_000);
        var states = new List<(long Icount, uint Eip, ulong Digest)>();
        for (int k = 0; k < 10; k++)
        {
            states.Add((replay.Timeline.Now, replay.Machine.Cpu.Eip, replay.Digest));
            replay.Timeline.StepForward();
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
        replay.Timeline.SeekTo(400_000);
        uint loop = replay.Machine.Cpu.Segs[Domain.Cpu.Seg.CS].Base + replay.Machine.Cpu.Eip;
        // Every visit of that address in [300 000, 400 000), found forward one instruction at a time.
        replay.Timeline.SeekTo(300_000);
        var visits = new List<long>();
        while (replay.Timeline.Now < 400_000)
        {
            if (replay.Machine.Cpu.Segs[Domain.Cpu.Seg.CS].Base + replay.Machine.Cpu.Eip == loop) visits.Add(replay.Timeline.Now);
            replay.Timeline.StepForward();
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
    public void Reverse_continue_without_an_earlier_hit_reaches_the_start_of_history()
    {
        var replay = new Replay();
        replay.Timeline.SeekTo(500_000);
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
