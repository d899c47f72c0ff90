using HexEmu.Domain.State;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Tests.TimeTests;

/// <summary>The machine clock: icount &lt;&lt; shift plus warps, host-fed time, and its state.</summary>
public class MachineClockTests
{
    private long _icount;

    private MachineClock Counted(int shift) => new(new TimeMode.InstructionCounted(shift), () => _icount);

    [Fact]
    public void Under_icount_each_instruction_is_two_to_the_shift_nanoseconds()
    {
        var clock = Counted(3);
        _icount = 1000;
        Assert.Equal(8000, clock.NowNs);
        Assert.True(clock.CountsInstructions);
    }

    [Fact]
    public void Instructions_until_a_deadline_round_up_and_are_at_least_one()
    {
        var clock = Counted(3);
        _icount = 10; // 80 ns
        Assert.Equal(3, clock.InstructionsUntil(100)); // 20 ns → 2.5 instructions → 3
        Assert.Equal(1, clock.InstructionsUntil(88));
        Assert.Equal(1, clock.InstructionsUntil(80));  // already due: still one, so a run progresses
        Assert.Equal(1, clock.InstructionsUntil(0));
    }

    [Fact]
    public void Warps_move_time_forward_without_instructions()
    {
        var clock = Counted(0);
        _icount = 5;
        clock.Warp(1_000_000);
        Assert.Equal(1_000_005, clock.NowNs);
        clock.Warp(-7); // never backwards
        Assert.Equal(1_000_005, clock.NowNs);
    }

    [Fact]
    public void Changing_the_shift_keeps_time_continuous_and_changes_the_rate()
    {
        var clock = Counted(3);
        _icount = 1000;
        clock.ChangeShift(5);
        Assert.Equal(8000, clock.NowNs);
        _icount = 1010;
        Assert.Equal(8000 + 10 * 32, clock.NowNs);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.ChangeShift(11));
    }

    [Fact]
    public void Without_icount_time_is_what_the_host_fed_in_and_never_goes_back()
    {
        var clock = new MachineClock(new TimeMode.HostPaced(), () => _icount);
        _icount = 12345;
        Assert.Equal(0, clock.NowNs);
        clock.SyncHostTime(500);
        clock.SyncHostTime(400);
        Assert.Equal(500, clock.NowNs);
        Assert.False(clock.CountsInstructions);
    }

    [Fact]
    public void Its_state_reloads_exactly()
    {
        var clock = Counted(2);
        _icount = 77;
        clock.Warp(1234);
        clock.ChangeShift(4);
        var saved = new StateWriter();
        clock.SaveState(saved);

        var other = Counted(2);
        other.LoadState(new StateReader(saved.ToArray()));
        Assert.Equal(clock.NowNs, other.NowNs);
        Assert.Equal(4, other.Shift);
        var again = new StateWriter();
        other.SaveState(again);
        Assert.Equal(saved.ToArray(), again.ToArray());
    }
}
