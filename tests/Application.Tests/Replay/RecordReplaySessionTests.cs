using HexEmu.Application.Replay;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Tests.Replay;

/// <summary>
/// Recording and replaying the demo kernel with input arriving at random moments (seeded), the
/// way the host loop drives the sessions: a replay must give the same output, end the same way,
/// and leave the machine in the same state; a tampered log must be caught.
/// </summary>
public class RecordReplaySessionTests
{
    private static readonly long RtcBase = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private const string Input = "ab t cd\nt xyz t q";

    private sealed record Recording(List<ReplayEvent> Events, string Output, ulong FinalDigest, int ExitCode);

    /// <summary>Runs the demo in record mode, handing it <see cref="Input"/> a byte at a time at random slice boundaries.</summary>
    private static Recording Record(int seed, bool sleepWhenIdle = false, int quietSlices = 0)
    {
        var output = new DemoGuest.Output();
        var machine = DemoGuest.Machine(output, RtcBase, sleepWhenIdle);
        var log = new InMemoryReplayLog();
        var recorder = new RecordingSession(machine, log, _ => DemoGuest.Digest(machine), RtcBase, checkpointInterval: 20_000);
        var random = new Random(seed);
        var pending = new Queue<byte>(System.Text.Encoding.ASCII.GetBytes(Input));
        for (int slice = 0; slice < 100_000; slice++)
        {
            if (slice >= quietSlices && pending.Count > 0 && random.Next(4) == 0 && recorder.TryDeliverSerialInput(0, pending.Peek()))
                pending.Dequeue();
            recorder.EndInputBatch();
            var stop = machine.Run(recorder.SliceLimit(random.Next(1_000, 300_000)));
            recorder.AfterSlice();
            if (stop == MachineStop.GuestExit)
            {
                recorder.Finish(ShutdownCause.GuestShutdown, machine.ExitCode!.Value);
                return new Recording(log.Events, output.Text, DemoGuest.Digest(machine), machine.ExitCode.Value);
            }
            if (stop == MachineStop.Idle && machine.IdleDeadlineNs is not null)
                recorder.ElapseIdle(random.Next(0, 5_000_000)); // the host "waited" this long
        }
        throw new InvalidOperationException($"the demo did not exit; it printed: {output.Text}");
    }

    private static (ReplayProgress End, string Output, ulong Digest) Replay(IEnumerable<ReplayEvent> events)
    {
        var reader = InMemoryReplayLog.Reader(events);
        long rtcBase = ReplaySession.ReadRtcBase(reader);
        var output = new DemoGuest.Output();
        var machine = DemoGuest.Machine(output, rtcBase, sleepWhenIdle: false);
        var replay = new ReplaySession(machine, reader, _ => DemoGuest.Digest(machine));
        ReplayProgress progress;
        int steps = 0;
        do progress = replay.Step(5_000_000);
        while (progress is ReplayProgress.Running && ++steps < 100_000);
        return (progress, output.Text, DemoGuest.Digest(machine));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_replay_reproduces_output_exit_and_final_state(int seed)
    {
        var recording = Record(seed);
        Assert.Contains("ticks: ", recording.Output);
        Assert.Contains("Goodbye", recording.Output);
        Assert.Equal(3, recording.ExitCode);
        for (int i = 0; i < 3; i++)
        {
            var (end, output, digest) = Replay(recording.Events);
            Assert.Equal(new ReplayProgress.Finished(ShutdownCause.GuestShutdown, 3), end);
            Assert.Equal(recording.Output, output);
            Assert.Equal(recording.FinalDigest, digest);
        }
    }

    [Fact]
    public void A_long_quiet_idle_period_replays_without_a_false_divergence()
    {
        // Seconds of virtual time with only timer interrupts: the idle machine warps many times
        // and hands the host its turn now and then; none of that is an event.
        var recording = Record(9, quietSlices: 400);
        var (end, output, digest) = Replay(recording.Events);
        Assert.Equal(new ReplayProgress.Finished(ShutdownCause.GuestShutdown, 3), end);
        Assert.Equal(recording.Output, output);
        Assert.Equal(recording.FinalDigest, digest);
    }

    [Fact]
    public void Different_input_timing_gives_different_output_so_the_test_means_something()
    {
        // Tick counts printed on 't' depend on when the keys came: two seeds, two outputs.
        Assert.NotEqual(Record(1).Output, Record(2).Output);
    }

    [Fact]
    public void Idle_time_the_host_let_pass_is_replayed()
    {
        var recording = Record(4, sleepWhenIdle: true);
        Assert.Contains(recording.Events, e => e is IdleWarpEvent);
        var reader = InMemoryReplayLog.Reader(recording.Events);
        long rtcBase = ReplaySession.ReadRtcBase(reader);
        var output = new DemoGuest.Output();
        var machine = DemoGuest.Machine(output, rtcBase, sleepWhenIdle: true);
        var replay = new ReplaySession(machine, reader, _ => DemoGuest.Digest(machine));
        ReplayProgress progress;
        int steps = 0;
        do progress = replay.Step(5_000_000);
        while (progress is ReplayProgress.Running && ++steps < 100_000);
        Assert.Equal(new ReplayProgress.Finished(ShutdownCause.GuestShutdown, 3), progress);
        Assert.Equal(recording.Output, output.Text);
    }

    [Fact]
    public void Checkpoints_and_input_are_logged_with_their_icount_in_order()
    {
        var recording = Record(5);
        Assert.IsType<HostClockEvent>(recording.Events[0]);
        Assert.Equal(RtcBase, ((HostClockEvent)recording.Events[0]).UnixSeconds);
        Assert.True(recording.Events.Zip(recording.Events.Skip(1)).All(p => p.First.Icount <= p.Second.Icount));
        Assert.Equal(Input.Length, recording.Events.OfType<SerialInputEvent>().Sum(e => e.Data.Length));
        Assert.True(recording.Events.Count(e => e is CheckpointEvent { IncludesRam: false }) > 1, $"final icount {recording.Events[^1].Icount}");
        Assert.IsType<EndEvent>(recording.Events[^1]);
        Assert.Equal(new ShutdownEvent(recording.Events[^1].Icount, ShutdownCause.GuestShutdown, 3), recording.Events[^2]);
        Assert.True(recording.Events[^3] is CheckpointEvent { IncludesRam: true });
    }

    [Fact]
    public void A_changed_input_byte_is_caught_as_a_divergence()
    {
        var events = Record(6).Events;
        int at = events.FindIndex(e => e is SerialInputEvent { Data: [(byte)'x'] });
        Assert.True(at > 0);
        var changed = (SerialInputEvent)events[at];
        events[at] = changed with { Data = "y"u8.ToArray() };
        var (end, _, _) = Replay(events);
        var diverged = Assert.IsType<ReplayProgress.Diverged>(end);
        Assert.StartsWith("replay diverged at icount ", diverged.Message);
    }

    [Fact]
    public void Input_moved_to_another_icount_is_caught()
    {
        var events = Record(7).Events;
        int at = events.FindIndex(e => e is SerialInputEvent);
        events[at] = events[at] with { Icount = events[at].Icount + 1 };
        var (end, _, _) = Replay(events);
        Assert.IsType<ReplayProgress.Diverged>(end);
    }

    [Fact]
    public void A_log_cut_short_replays_what_it_has_then_ends_without_shutdown()
    {
        var recording = Record(8);
        var half = recording.Events.Take(recording.Events.Count / 2).ToList();
        var (end, output, _) = Replay(half);
        var ended = Assert.IsType<ReplayProgress.LogEnded>(end);
        Assert.Contains("without a recorded shutdown", ended.Message);
        Assert.NotEmpty(output);
        Assert.StartsWith(output, recording.Output);
        Assert.NotEqual(recording.Output, output);
    }
}
